package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** One definition, one parse: every part's keys are validated with the worker's and read through typed views. */
class WorkerConfigTest {

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource({
            "metrics.sample.window.ms, abc",
            "metrics.num.samples, 0",
            "metrics.jmx.enable, maybe",
            "sluice.progress.log.interval.ms, -1",
            "rest.console.enable, yes please",
            "rest.config.redact, 1",
            "rest.topics.peek.max.records, 0",
            "rest.topics.peek.allow, '(unclosed'",
            "session.timeout.ms, soon",
            "offset.flush.interval.ms, soon"})
    void aBadValueOfAnyWorkerKeyIsRejectedNamingTheKey(String key, String value) {
        ConfigException e = assertThrows(ConfigException.class, () -> new WorkerConfig(Map.of(key, value)));
        assertTrue(e.getMessage().contains(key), e.getMessage());
    }

    @Test
    void thePartsReadTheirKeysFromTheOneParse() {
        WorkerConfig config = new WorkerConfig(Map.of("metrics.sample.window.ms", "10000", "metrics.num.samples", "3",
                "metrics.jmx.enable", "false", "rest.console.enable", "false", "rest.basic.auth.realm", "Ops",
                "rest.topics.peek.max.records", "50"));
        assertEquals(30_000L, config.observability().metricsWindowMs());
        assertFalse(config.observability().jmxEnabled());
        assertFalse(config.observability().consoleEnabled());
        assertEquals(60_000L, config.observability().progressLogIntervalMs(), "the default");
        assertEquals("Ops", config.rest().basicAuthRealm());
        assertEquals(50, config.topics().peekMaxRecords());
    }

    @Test
    void noKeyIsDefinedByTwoParts() {
        int all = WorkerConfig.PARTS.values().stream().mapToInt(def -> def.names().size()).sum();
        assertEquals(all, WorkerConfig.CONFIG.names().size());
    }

    @Test
    void thePluginIndexSitsBesideTheEmbeddedBrokersDataOrInTheUsersCacheAndCanBeTurnedOff() {
        assertEquals(Path.of("/srv/sluice/data/plugin-index"),
                new WorkerConfig(Map.of("embedded.kafka.dir", "/srv/sluice/data/kafka")).pluginIndexDir());
        Path external = new WorkerConfig(Map.of("bootstrap.servers", "kafka:9092")).pluginIndexDir();
        assertTrue(external.endsWith(Path.of(".cache", "sluice", "plugin-index"))
                || external.endsWith(Path.of("sluice", "plugin-index")), external.toString());
        assertEquals(Path.of("/var/cache/plugins"),
                new WorkerConfig(Map.of("plugin.index.dir", "/var/cache/plugins")).pluginIndexDir());
        assertNull(new WorkerConfig(Map.of("plugin.index.dir", "")).pluginIndexDir(), "empty: no index");
    }
}
