package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.KafkaTestBroker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.junit.jupiter.api.Test;

class KafkaOffsetStoreIT {

    private static final int PARTITIONS = 5;
    private final String topic = KafkaTestBroker.uniqueTopic("offsets");

    private KafkaOffsetStore newStore() {
        KafkaOffsetStore store = new KafkaOffsetStore(KafkaTestBroker.clientConfig(), topic, PARTITIONS, (short) 1);
        store.start();
        return store;
    }

    @Test
    void writtenOffsetsAreReadableByPartition() throws Exception {
        try (KafkaOffsetStore store = newStore()) {
            store.write("src", Map.of(Map.of("file", "a.txt"), Map.of("position", 10L),
                    Map.of("file", "b.txt"), Map.of("position", 20L))).get(30, TimeUnit.SECONDS);

            assertEquals(Map.of(Map.of("file", "a.txt"), Map.of("position", 10L)),
                    store.offsets("src", Set.of(Map.of("file", "a.txt"), Map.of("file", "never.txt"))));
            assertEquals(2, store.offsets("src").size());
            assertEquals(Map.of(), store.offsets("other-connector"));
        }
    }

    @Test
    void partitionsAreFoundWhateverIntegralTypeTheCallerUses() throws Exception {
        try (KafkaOffsetStore store = newStore()) {
            store.write("db", Map.of(Map.of("shard", 1), Map.of("lsn", 5))).get(30, TimeUnit.SECONDS);

            assertEquals(Map.of(Map.of("shard", 1L), Map.of("lsn", 5L)),
                    store.offsets("db", Set.of(Map.of("shard", 1L))));
        }
    }

    @Test
    void aNewStoreInstanceReadsTheOffsetsBack() throws Exception {
        try (KafkaOffsetStore store = newStore()) {
            store.write("src", Map.of(Map.of("file", "a.txt"), Map.of("position", 99L))).get(30, TimeUnit.SECONDS);
        }
        try (KafkaOffsetStore reopened = newStore()) {
            assertEquals(Map.of(Map.of("file", "a.txt"), Map.of("position", 99L)), reopened.offsets("src"));
        }
    }

    @Test
    void aNullOffsetDeletesThePartitionsOffset() throws Exception {
        try (KafkaOffsetStore store = newStore()) {
            store.write("src", Map.of(Map.of("file", "a.txt"), Map.of("position", 1L))).get(30, TimeUnit.SECONDS);
            Map<Map<String, Object>, Map<String, Object>> delete = new HashMap<>();
            delete.put(Map.of("file", "a.txt"), null);
            store.write("src", delete).get(30, TimeUnit.SECONDS);

            assertEquals(Map.of(), store.offsets("src"));
        }
        try (KafkaOffsetStore reopened = newStore()) {
            assertEquals(Map.of(), reopened.offsets("src"));
        }
    }

    @Test
    void recordsUseApacheConnectsKeyValueAndPartitionChoice() throws Exception {
        try (KafkaOffsetStore store = newStore()) {
            store.write("file-source", Map.of(Map.of("filename", "/data/in.txt"), Map.of("position", 42L)))
                    .get(30, TimeUnit.SECONDS);
        }

        ConsumerRecord<String, String> record = KafkaTestBroker.consumeAll(topic, 1, Duration.ofSeconds(30)).get(0);

        assertEquals("[\"file-source\",{\"filename\":\"/data/in.txt\"}]", record.key());
        assertEquals("{\"position\":42}", record.value());
        byte[] keyBytes = record.key().getBytes(StandardCharsets.UTF_8);
        assertEquals(BuiltInPartitioner.partitionForKey(keyBytes, PARTITIONS), record.partition());
    }

    @Test
    void startCreatesTheTopicCompactedWithTheGivenPartitions() {
        try (KafkaOffsetStore store = newStore();
             io.sluice.runtime.kafka.TopicAdmin admin = new io.sluice.runtime.kafka.TopicAdmin(KafkaTestBroker.clientConfig())) {
            assertEquals("compact", admin.cleanupPolicy(topic));
            assertEquals(PARTITIONS, admin.describeTopics(List.of(topic)).get(topic).partitions().size());
            assertTrue(store.offsets("nobody").isEmpty());
        }
    }
}
