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
    void aPartitionWhoseFieldsComeInAnotherOrderKeepsItsOneOffsetAcrossRestarts() throws Exception {
        // a connector building its partition with Map.of gets another field order in another JVM
        Map<String, Object> stored = new java.util.LinkedHashMap<>();
        stored.put("table", "orders");
        stored.put("schema", "public");
        Map<String, Object> reordered = new java.util.LinkedHashMap<>();
        reordered.put("schema", "public");
        reordered.put("table", "orders");
        try (KafkaOffsetStore store = newStore()) {
            store.write("jdbc", Map.of(stored, Map.of("id", 41L))).get(30, TimeUnit.SECONDS);
        }
        try (KafkaOffsetStore restarted = newStore()) {
            assertEquals(Map.of(reordered, Map.of("id", 41L)), restarted.offsets("jdbc", Set.of(reordered)),
                    "found in the other order after a restart");
            restarted.write("jdbc", Map.of(reordered, Map.of("id", 42L))).get(30, TimeUnit.SECONDS);
            assertEquals(1, restarted.offsets("jdbc").size(), "one offset for the partition, not two");
            assertEquals(Map.of(stored, Map.of("id", 42L)), restarted.offsets("jdbc", Set.of(stored)));
        }
        try (KafkaOffsetStore again = newStore()) {
            assertEquals(Map.of("id", 42L), again.offsets("jdbc", Set.of(reordered)).get(reordered));
            assertEquals(1, again.offsets("jdbc").size());
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

    @Test
    void offsetsAProducersTransactionJustCommittedAreWhatATaskStartingNowReads() throws Exception {
        try (KafkaOffsetStore store = newStore()) {
            Map<String, Object> partition = Map.of("file", "/data/in.txt");
            Map<String, Object> props = new HashMap<>(KafkaTestBroker.clientConfig());
            props.put("transactional.id", "offsets-" + topic);
            props.put("key.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
            props.put("value.serializer", org.apache.kafka.common.serialization.ByteArraySerializer.class.getName());
            try (org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]> producer =
                         new org.apache.kafka.clients.producer.KafkaProducer<>(props)) {
                producer.initTransactions();
                for (int position = 1; position <= 50; position++) {
                    producer.beginTransaction();
                    org.apache.kafka.clients.producer.RecordMetadata sent = null;
                    for (Map.Entry<byte[], byte[]> record : store.records("tx-source", Map.of(partition, Map.of("position", position)))) {
                        sent = producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(store.transactionalTopic(),
                                record.getKey(), record.getValue())).get();
                    }
                    producer.commitTransaction();
                    awaitCommitted(sent);
                    // what a task restarted right after this commit reads (as SourceTaskRunner does before start)
                    store.readToEnd();
                    Map<String, Object> read = store.offsets("tx-source", Set.of(partition)).get(partition);
                    assertEquals(position, read == null ? -1 : ((Number) read.get("position")).intValue(),
                            "after commit " + position);
                }
            }
        }
    }

    /** Waits until the transaction's markers reached the record's partition (commitTransaction returns before). */
    private static void awaitCommitted(org.apache.kafka.clients.producer.RecordMetadata sent) throws Exception {
        org.apache.kafka.common.TopicPartition tp = new org.apache.kafka.common.TopicPartition(sent.topic(), sent.partition());
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(KafkaTestBroker.clientConfig())) {
            io.sluice.runtime.testing.Await.until(() -> {
                try {
                    return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest()),
                            new org.apache.kafka.clients.admin.ListOffsetsOptions(org.apache.kafka.common.IsolationLevel.READ_COMMITTED))
                            .partitionResult(tp).get().offset() > sent.offset();
                } catch (Exception e) {
                    return false;
                }
            }, Duration.ofSeconds(10), "transaction committed on " + tp);
        }
    }
}
