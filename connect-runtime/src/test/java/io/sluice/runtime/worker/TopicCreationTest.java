package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.plugins.Plugins;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.Test;

class TopicCreationTest {

    private static final Map<String, String> CONFIG = Map.of(
            "topic.creation.default.replication.factor", "-1",
            "topic.creation.default.partitions", "3",
            "topic.creation.default.cleanup.policy", "delete",
            "topic.creation.groups", "compacted, big",
            "topic.creation.compacted.include", "state-.*",
            "topic.creation.compacted.exclude", "state-skip",
            "topic.creation.compacted.cleanup.policy", "compact",
            "topic.creation.big.include", "state-.*, big-.*",
            "topic.creation.big.partitions", "12");

    private final Plugins plugins = new Plugins(List.of(), "only_scan");

    private Optional<TopicCreation> rules(Map<String, String> topicCreation, boolean workerEnabled) {
        Map<String, String> props = new HashMap<>(topicCreation);
        props.put("name", "states");
        props.put("connector.class", "StatesSource");
        return TopicCreation.of(new SourceConnectorConfig(plugins, props, workerEnabled), workerEnabled);
    }

    @Test
    void topicCreationNeedsWorkerEnablementAndTheConnectorsRules() {
        assertTrue(rules(CONFIG, false).isEmpty());
        assertTrue(rules(Map.of(), true).isEmpty());
        assertTrue(rules(CONFIG, true).isPresent());
    }

    @Test
    void aDefaultGroupWithoutReplicationFactorFailsTheTaskOnlyOnAWorkerThatCreatesTopics() {
        Map<String, String> partial = Map.of("topic.creation.default.partitions", "1");
        ConfigException e = assertThrows(ConfigException.class, () -> rules(partial, true));
        assertEquals("Missing required configuration \"topic.creation.default.replication.factor\" which has no default "
                + "value.", e.getMessage());
        assertTrue(rules(partial, false).isEmpty());
    }

    @Test
    void theFirstMatchingGroupWinsAndInheritsTheDefaults() {
        TopicCreation rules = rules(CONFIG, true).orElseThrow();
        NewTopic state = rules.newTopic("state-1");
        assertEquals(3, state.numPartitions());
        assertEquals("compact", state.configs().get("cleanup.policy"));

        NewTopic big = rules.newTopic("big-1");
        assertEquals(12, big.numPartitions());
        assertEquals("delete", big.configs().get("cleanup.policy"));
    }

    @Test
    void excludedOrUnmatchedTopicsFallBackToTheDefaultGroup() {
        TopicCreation rules = rules(CONFIG, true).orElseThrow();
        assertEquals(12, rules.newTopic("state-skip").numPartitions());
        NewTopic other = rules.newTopic("orders");
        assertEquals(3, other.numPartitions());
        assertEquals(-1, other.replicationFactor());
    }
}
