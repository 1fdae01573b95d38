package io.sluice.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.KafkaTestBroker;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.junit.jupiter.api.Test;

class TopicAdminIT {

    @Test
    void ensureCompactedTopicCreatesAMissingTopicWithCompaction() {
        String topic = KafkaTestBroker.uniqueTopic("compacted");
        try (TopicAdmin admin = new TopicAdmin(KafkaTestBroker.clientConfig())) {
            admin.ensureCompactedTopic(topic, 3, (short) -1);

            assertEquals("compact", admin.cleanupPolicy(topic));
            assertEquals(3, admin.describeTopics(List.of(topic)).get(topic).partitions().size());
            admin.ensureCompactedTopic(topic, 3, (short) -1);
        }
    }

    @Test
    void ensureCompactedTopicRefusesAnExistingTopicThatDeletesOldRecords() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("deleting"), 1);
        try (TopicAdmin admin = new TopicAdmin(KafkaTestBroker.clientConfig())) {
            IllegalStateException error = assertThrows(IllegalStateException.class,
                    () -> admin.ensureCompactedTopic(topic, 1, (short) 1));

            assertTrue(error.getMessage().contains("cleanup.policy=compact"), error.getMessage());
            assertTrue(error.getMessage().contains("cleanup.policy=delete"), error.getMessage());
        }
    }

    @Test
    void createTopicsIfMissingReportsOnlyTheTopicsItCreated() {
        String existing = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("existing"), 1);
        String fresh = KafkaTestBroker.uniqueTopic("fresh");
        try (TopicAdmin admin = new TopicAdmin(KafkaTestBroker.clientConfig())) {
            Set<String> created = admin.createTopicsIfMissing(List.of(
                    TopicAdmin.newTopic(existing, 1, (short) 1), new NewTopic(fresh, 2, (short) 1)));

            assertEquals(Set.of(fresh), created);
        }
    }

    @Test
    void describeTopicsLeavesOutTopicsThatDoNotExist() {
        String existing = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("described"), 2);
        try (TopicAdmin admin = new TopicAdmin(KafkaTestBroker.clientConfig())) {
            // the controller acknowledges a creation before the broker's metadata cache has the topic
            admin.awaitTopic(existing);
            Map<String, TopicDescription> found = admin.describeTopics(List.of(existing, "no-such-topic-anywhere"));

            assertEquals(Set.of(existing), found.keySet());
            assertEquals(2, found.get(existing).partitions().size());
        }
    }
}
