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
        assertEquals(List.of("a", "b"), config.topics());
        assertNull(config.topicsRegex());
        assertTrue(config.toleratesAllErrors());
        assertTrue(config.enableErrantRecordReporter());
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
    void parsedConfigExposesTransformKeysAndFailsOnUnloadableTransforms() {
        Map<String, String> props = new HashMap<>(Map.of("name", "s", "connector.class", "X", "transforms", "mask",
                "transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value",
                "transforms.mask.fields", "ssn"));
        ConnectorConfig config = new ConnectorConfig(plugins, props);
        assertEquals(List.of("mask"), config.transformAliases());
        assertEquals(List.of("ssn"), config.getList("transforms.mask.fields"));
        assertFalse(config.getBoolean("transforms.mask.negate"));

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
        assertEquals("requested", config.exactlyOnceSupport());
        assertNull(config.offsetsTopic());
    }

    @Test
    void sourceConfigWithoutTopicCreationKeysNeedsNoDefaultGroup() {
        SourceConnectorConfig config = new SourceConnectorConfig(plugins, Map.of("name", "src", "connector.class", "X"));
        assertFalse(config.usesTopicCreation());
    }
}
