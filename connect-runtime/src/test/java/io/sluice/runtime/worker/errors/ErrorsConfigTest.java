package io.sluice.runtime.worker.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.worker.errors.ErrorsConfig.ToleranceType;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;

class ErrorsConfigTest {

    @Test
    void defaultsMatchApache() {
        ErrorsConfig config = ErrorsConfig.parse(Map.of("topics", "orders"), true);
        assertEquals(0L, config.retryTimeoutMs());
        assertEquals(60_000L, config.retryDelayMaxMs());
        assertEquals(ToleranceType.NONE, config.tolerance());
        assertFalse(config.logEnabled());
        assertFalse(config.logIncludeMessages());
        assertEquals("", config.dlqTopic());
        assertEquals((short) 3, config.dlqReplicationFactor());
        assertFalse(config.dlqContextHeaders());
        assertFalse(config.errantRecordReporterEnabled());
    }

    @Test
    void toleranceIsCaseInsensitive() {
        assertEquals(ToleranceType.ALL, ErrorsConfig.parse(Map.of("errors.tolerance", "ALL"), false).tolerance());
    }

    @Test
    void sourceConnectorsIgnoreDeadLetterQueueKeys() {
        ErrorsConfig config = ErrorsConfig.parse(Map.of("errors.deadletterqueue.topic.name", "dlq"), false);
        assertFalse(config.dlqEnabled());
    }

    @Test
    void errantRecordReporterIsOfferedWithALogOrADeadLetterQueue() {
        assertTrue(ErrorsConfig.parse(Map.of("errors.log.enable", "true"), true).errantRecordReporterEnabled());
        assertTrue(ErrorsConfig.parse(Map.of("errors.deadletterqueue.topic.name", "dlq"), true)
                .errantRecordReporterEnabled());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "errors.tolerance|sometimes",
        "errors.retry.timeout|-2",
        "errors.retry.timeout|soon",
        "errors.retry.delay.max.ms|-1",
        "errors.log.enable|yes",
        "errors.log.include.messages|maybe",
        "errors.deadletterqueue.topic.replication.factor|0",
        "errors.deadletterqueue.topic.replication.factor|40000",
        "errors.deadletterqueue.context.headers.enable|on",
        "errors.deadletterqueue.topic.name|bad topic name"
    })
    void badValuesAreRejectedNamingTheKey(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> ErrorsConfig.parse(Map.of(key, value), true));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void deadLetterQueueMayNotBeAConsumedTopic() {
        ConfigException e = assertThrows(ConfigException.class, () -> ErrorsConfig.parse(
                Map.of("topics", "orders, dlq", "errors.deadletterqueue.topic.name", "dlq"), true));
        assertTrue(e.getMessage().contains("topics"), e.getMessage());
        ConfigException regex = assertThrows(ConfigException.class, () -> ErrorsConfig.parse(
                Map.of("topics.regex", "d.*", "errors.deadletterqueue.topic.name", "dlq"), true));
        assertTrue(regex.getMessage().contains("topics.regex"), regex.getMessage());
    }
}
