package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;
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

    @Test
    void topicCreationNeedsWorkerEnablementAndDefaultGroupSettings() {
        assertTrue(TopicCreation.of(CONFIG, false).isEmpty());
        assertTrue(TopicCreation.of(Map.of("topic.creation.default.partitions", "1"), true).isEmpty());
        assertTrue(TopicCreation.of(CONFIG, true).isPresent());
    }

    @Test
    void theFirstMatchingGroupWinsAndInheritsTheDefaults() {
        TopicCreation rules = TopicCreation.of(CONFIG, true).orElseThrow();
        NewTopic state = rules.newTopic("state-1");
        assertEquals(3, state.numPartitions());
        assertEquals("compact", state.configs().get("cleanup.policy"));

        NewTopic big = rules.newTopic("big-1");
        assertEquals(12, big.numPartitions());
        assertEquals("delete", big.configs().get("cleanup.policy"));
    }

    @Test
    void excludedOrUnmatchedTopicsFallBackToTheDefaultGroup() {
        TopicCreation rules = TopicCreation.of(CONFIG, true).orElseThrow();
        assertEquals(12, rules.newTopic("state-skip").numPartitions());
        NewTopic other = rules.newTopic("orders");
        assertEquals(3, other.numPartitions());
        assertEquals(-1, other.replicationFactor());
    }
}
