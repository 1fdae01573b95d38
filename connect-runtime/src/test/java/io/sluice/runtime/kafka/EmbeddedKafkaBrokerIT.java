package io.sluice.runtime.kafka;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class EmbeddedKafkaBrokerIT {

    @TempDir
    Path dataDir;

    @Test
    void sharedTestBrokerDeliversProducedRecordsToConsumers() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("roundtrip"), 3);
        KafkaTestBroker.produce(topic, List.of(Map.entry("k1", "a"), Map.entry("k2", "b"), Map.entry("k3", "c")));

        List<ConsumerRecord<String, String>> records = KafkaTestBroker.consumeAll(topic, 3, Duration.ofSeconds(30));

        assertEquals(Set.of("a", "b", "c"), records.stream().map(ConsumerRecord::value).collect(Collectors.toSet()));
    }

    @Test
    void restartedBrokerOnTheSameDirectoryKeepsItsTopicsAndRecords() throws Exception {
        String topic = "survives-restart";
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0).start()) {
            try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            }
            Properties props = new Properties();
            props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
            try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(topic, "key", "kept")).get(30, TimeUnit.SECONDS);
            }
        }

        try (EmbeddedKafkaBroker restarted = new EmbeddedKafkaBroker(dataDir, 0).start()) {
            Properties props = new Properties();
            props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers());
            try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
                TopicPartition partition = new TopicPartition(topic, 0);
                consumer.assign(List.of(partition));
                consumer.seekToBeginning(List.of(partition));
                List<String> values = consumer.poll(Duration.ofSeconds(15)).records(partition).stream()
                        .map(ConsumerRecord::value).toList();
                assertEquals(List.of("kept"), values);
            }
        }
    }

    @Test
    void runningBrokerWritesMetadataSnapshotsSoARestartNeedNotReplayItsWholeMetadataLog() throws Exception {
        Path metadataLog = dataDir.resolve("__cluster_metadata-0");
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0, 0, Duration.ofSeconds(1)).start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic("in-the-snapshot", 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
            Await.until(() -> !snapshots(metadataLog).isEmpty(), Duration.ofSeconds(30),
                    () -> "a KRaft snapshot in " + metadataLog + ", which holds " + List.of(metadataLog.toFile().list()));
        }

        try (EmbeddedKafkaBroker restarted = new EmbeddedKafkaBroker(dataDir, 0).start();
                Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, restarted.bootstrapServers()))) {
            assertTrue(admin.listTopics().names().get(30, TimeUnit.SECONDS).contains("in-the-snapshot"),
                    "the topic created before the snapshot is known after the restart");
        }
    }

    @Test
    void closeIsIdempotentAndLeavesNoNonDaemonKafkaThreads() {
        Set<Thread> before = nonDaemonThreads();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dataDir, 0).start();
        assertTrue(broker.isRunning());

        broker.close();
        broker.close();

        assertFalse(broker.isRunning());
        Set<Thread> leftover = nonDaemonThreads();
        leftover.removeAll(before);
        assertEquals(Set.of(), leftover.stream().filter(Thread::isAlive).collect(Collectors.toSet()),
                "threads left behind by the embedded broker");
    }

    /** KRaft snapshots are {@code <offset>-<epoch>.checkpoint} files beside the metadata log's segments. */
    private static List<Path> snapshots(Path metadataLog) {
        try (var files = Files.list(metadataLog)) {
            return files.filter(f -> f.getFileName().toString().endsWith(".checkpoint")).toList();
        } catch (IOException e) {
            return List.of(); // not created yet
        }
    }

    private static Set<Thread> nonDaemonThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !t.isDaemon() && t.isAlive())
                .collect(Collectors.toSet());
    }
}
