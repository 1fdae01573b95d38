package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.plugins.Plugins;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.source.SourceTask.TransactionBoundary;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ConnectorConfigTest {
    private final Plugins plugins = new Plugins(List.of(), "only_scan");

    @Test
    void commonKeysHaveApacheDefaultsGroupsAndOrder() {
        ConfigDef def = ConnectorConfig.configDef();
        assertEquals(List.of("Common", "Transforms", "Predicates", "Error Handling"), List.copyOf(def.groups()));
        assertEquals(1, def.configKeys().get("tasks.max").defaultValue);
        assertEquals(true, def.configKeys().get("tasks.max.enforce").defaultValue);
        assertEquals("restart", def.configKeys().get("config.action.reload").defaultValue);
        assertEquals(60000L, def.configKeys().get("errors.retry.delay.max.ms").defaultValue);
        assertEquals("none", def.configKeys().get("errors.tolerance").defaultValue);
        assertEquals(1, def.configKeys().get("name").orderInGroup);
        assertEquals(1, def.configKeys().get("errors.retry.timeout").orderInGroup);
        assertEquals("Error Handling", def.configKeys().get("errors.log.include.messages").group);
    }

    @Test
    void sinkConfigParsesWithDefaultsAndAccessors() {
        SinkConnectorConfig config = new SinkConnectorConfig(plugins, Map.of("name", "s", "connector.class", "X",
                "topics", "a, b,a", "errors.tolerance", "all", "errors.log.enable", "true"));
        assertEquals(1, config.tasksMax());
        assertTrue(config.enforceTasksMax());
        assertEquals(List.of("a", "b"), SinkConnectorConfig.parseTopics("a, b,a"), "trimmed, each topic once");
        assertTrue(config.toleratesAllErrors());
        assertEquals(3, config.dlqTopicReplicationFactor());
        assertNull(config.keyConverter());
    }

    @Test
    void converterAliasesAreCheckedThroughPlugins() {
        Map<String, String> props = Map.of("name", "s", "connector.class", "X",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter");
        assertEquals("org.apache.kafka.connect.storage.StringConverter",
                new ConnectorConfig(plugins, props).valueConverter());
        Map<String, String> bad = new HashMap<>(props);
        bad.put("value.converter", "NoSuchConverter");
        ConfigException e = assertThrows(ConfigException.class, () -> new ConnectorConfig(plugins, bad));
        assertTrue(e.getMessage().contains("value.converter"), e.getMessage());
    }

    @Test
    void parsedConfigReadsTheRuntimesTransformKeysLeavesThePluginItsOwnAndFailsOnUnloadableTransforms() {
        Map<String, String> props = new HashMap<>(Map.of("name", "s", "connector.class", "X", "transforms", "mask",
                "transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value",
                "transforms.mask.fields", "ssn"));
        ConnectorConfig config = new ConnectorConfig(plugins, props);
        assertEquals(List.of("mask"), config.transformAliases());
        assertEquals("org.apache.kafka.connect.transforms.MaskField$Value", config.getString("transforms.mask.type"));
        assertFalse(config.getBoolean("transforms.mask.negate"));
        assertNull(config.getString("transforms.mask.predicate"));
        // MaskField checks its fields itself when configured, naming the alias's prefix
        assertEquals(Map.of("type", "org.apache.kafka.connect.transforms.MaskField$Value", "fields", "ssn"),
                config.originalsWithPrefix("transforms.mask."));

        props.put("transforms.mask.type", "com.example.Missing");
        assertThrows(ConfigException.class, () -> new ConnectorConfig(plugins, props));
    }

    @Test
    void sourceConfigReadsTopicCreationGroupsWithDefaultsFromTheDefaultGroup() {
        SourceConnectorConfig config = new SourceConnectorConfig(plugins, Map.of("name", "src", "connector.class", "X",
                "topic.creation.default.replication.factor", "1", "topic.creation.default.partitions", "5",
                "topic.creation.default.include", "ignored", "topic.creation.groups", "compacted",
                "topic.creation.compacted.include", "c-.*", "topic.creation.compacted.cleanup.policy", "compact",
                "transaction.boundary", "interval"));
        assertTrue(config.usesTopicCreation());
        assertEquals(List.of("compacted"), config.topicCreationGroups());
        assertEquals(List.of(".*"), config.topicCreationInclude("default"), "the default group matches every topic");
        assertEquals(5, config.topicCreationPartitions("compacted"));
        assertEquals((short) 1, config.topicCreationReplicationFactor("compacted"));
        assertEquals(Map.of("cleanup.policy", "compact"), config.topicCreationOtherConfigs("compacted"));
        assertEquals(TransactionBoundary.INTERVAL, config.transactionBoundary());
        assertNull(config.offsetsTopic());
    }

    @Test
    void sourceConfigWithoutTopicCreationKeysNeedsNoDefaultGroup() {
        SourceConnectorConfig config = new SourceConnectorConfig(plugins, Map.of("name", "src", "connector.class", "X"));
        assertFalse(config.usesTopicCreation());
    }

    private static Map<String, String> sink(String... keyValues) {
        Map<String, String> props = new HashMap<>(Map.of("name", "orders-sink", "connector.class", "X", "topics", "orders"));
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    @Test
    void aTaskWithoutErrorSettingsFailsOnTheFirstErrorWithoutRetryingOrLogging() {
        SinkConnectorConfig config = new SinkConnectorConfig(plugins, sink());
        assertEquals(0L, config.errorRetryTimeout());
        assertEquals(60_000L, config.errorMaxDelayInMillis());
        assertFalse(config.toleratesAllErrors());
        assertFalse(config.enableErrorLog());
        assertFalse(config.includeRecordDetailsInErrorLog());
        assertEquals("", config.dlqTopicName());
        assertEquals((short) 3, config.dlqTopicReplicationFactor());
        assertFalse(config.isDlqContextHeadersEnabled());
    }

    @Test
    void aSourceConnectorHasNoDeadLetterQueueKeys() {
        SourceConnectorConfig config = new SourceConnectorConfig(plugins, Map.of("name", "src", "connector.class", "X",
                "errors.deadletterqueue.topic.name", "dlq"));
        assertFalse(config.values().containsKey("errors.deadletterqueue.topic.name"));
    }

    @Test
    void errorToleranceIsSpelledAsApacheAcceptsIt() {
        ConfigException e = assertThrows(ConfigException.class,
                () -> new SinkConnectorConfig(plugins, sink("errors.tolerance", "ALL")));
        assertEquals("Invalid value ALL for configuration errors.tolerance: String must be one of: none, all",
                e.getMessage());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
        "errors.tolerance|sometimes|Invalid value sometimes for configuration errors.tolerance: String must be one of: none, all",
        "errors.retry.timeout|-2|Invalid value -2 for configuration errors.retry.timeout: Value must be at least -1",
        "errors.retry.timeout|soon|Invalid value soon for configuration errors.retry.timeout: Not a number of type LONG",
        "errors.retry.delay.max.ms|-1|Invalid value -1 for configuration errors.retry.delay.max.ms: Value must be at least 0",
        "errors.log.enable|yes|Invalid value yes for configuration errors.log.enable: Expected value to be either true or false",
        "errors.log.include.messages|maybe|Invalid value maybe for configuration errors.log.include.messages: "
                + "Expected value to be either true or false",
        "errors.deadletterqueue.topic.replication.factor|0|Invalid value 0 for configuration "
                + "errors.deadletterqueue.topic.replication.factor: Must be -1 (the broker's default) or at least 1",
        "errors.deadletterqueue.topic.replication.factor|40000|Invalid value 40000 for configuration "
                + "errors.deadletterqueue.topic.replication.factor: Not a number of type SHORT",
        "errors.deadletterqueue.context.headers.enable|on|Invalid value on for configuration "
                + "errors.deadletterqueue.context.headers.enable: Expected value to be either true or false",
        "tasks.max|0|Invalid value 0 for configuration tasks.max: Value must be at least 1"
    })
    void aBadValueIsRejectedWithTheMessageThatNamesItsKey(String key, String value, String message) {
        ConfigException e = assertThrows(ConfigException.class, () -> new SinkConnectorConfig(plugins, sink(key, value)));
        assertEquals(message, e.getMessage());
    }

    @Test
    void theDeadLetterQueueMayNotBeAConsumedTopic() {
        ConfigException listed = assertThrows(ConfigException.class, () -> new SinkConnectorConfig(plugins,
                sink("topics", "orders, dlq", "errors.deadletterqueue.topic.name", "dlq")));
        assertEquals("Invalid value orders, dlq for configuration topics: The DLQ topic 'dlq' may not be included in the "
                + "list of topics ('topics=[orders, dlq]') consumed by the connector", listed.getMessage());
        Map<String, String> byRegex = sink("topics.regex", "d.*", "errors.deadletterqueue.topic.name", "dlq");
        byRegex.remove("topics");
        ConfigException matched = assertThrows(ConfigException.class, () -> new SinkConnectorConfig(plugins, byRegex));
        assertTrue(matched.getMessage().contains("may not be matched by the regex"), matched.getMessage());
    }

    @Test
    void aSinkNeedsTopicsOrATopicsRegex() {
        Map<String, String> neither = sink();
        neither.remove("topics");
        ConfigException e = assertThrows(ConfigException.class, () -> new SinkConnectorConfig(plugins, neither));
        assertTrue(e.getMessage().contains("Must configure one of topics or topics.regex"), e.getMessage());
    }
}
