package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ExampleConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Future;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.connect.mirror.Heartbeat;
import org.apache.kafka.connect.mirror.RemoteClusterUtils;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Apache's MirrorMaker 2 connectors, installed from Maven Central into the plugin path and configured with
 * config/mirror-*.properties, replicate a second Kafka cluster ("src") into the worker's cluster ("dst").
 */
class MirrorMakerIT {

    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final List<String> EXAMPLES = List.of(
            "mirror-source.properties", "mirror-checkpoint.properties", "mirror-heartbeat.properties");
    private static EmbeddedKafkaBroker source;
    private static Path sourceDir;

    @TempDir
    Path dir;

    @BeforeAll
    static void startSourceCluster() throws IOException {
        sourceDir = Files.createTempDirectory("sluice-mm2-source");
        source = new EmbeddedKafkaBroker(sourceDir, 0).start();
    }

    @AfterAll
    static void stopSourceCluster() {
        source.close();
    }

    @Test
    void exampleConfigsReplicateEveryRecordSyncGroupOffsetsAndLoseNothingWhenTheWorkerIsKilled() throws Exception {
        String topic = KafkaTestBroker.uniqueTopic("orders");
        String group = KafkaTestBroker.uniqueTopic("orders-app");
        int total = 100_000;
        produceNumbered(topic, 3, total);
        consumeAllAndCommit(group, topic, total);

        List<String> connectorFiles = new ArrayList<>();
        for (String example : EXAMPLES) {
            connectorFiles.add(example(example).writeTo(dir).toString());
        }
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps())) {
            worker.start(connectorFiles.toArray(String[]::new));
            String replica = "src." + topic;
            Await.until(() -> sum(endOffsets(KafkaTestBroker.bootstrapServers(), replica)) >= 20_000, WAIT,
                    "replication under way");
            worker.kill();
            assertEquals(137, worker.exitCode());

            RestClient rest = worker.start(connectorFiles.toArray(String[]::new));
            Map<Integer, Set<String>> replicated = readUntil(replica, total);
            Map<Integer, Set<String>> expected = numbered(total, 3);
            assertEquals(expected, replicated, "every record on the target, in its source partition");

            // the group's offsets at the end of the source topic become the end of the replica (nothing re-read)
            Map<TopicPartition, Long> replicaEnds = endOffsets(KafkaTestBroker.bootstrapServers(), replica);
            Await.until(() -> replicaEnds.equals(groupOffsets(KafkaTestBroker.bootstrapServers(), group)), WAIT,
                    "group " + group + " synced on the target to " + replicaEnds);
            Map<TopicPartition, OffsetAndMetadata> translated = RemoteClusterUtils.translateOffsets(
                    Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers()), "src", group, Duration.ofSeconds(30));
            assertEquals(replicaEnds, translated.entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset())), "checkpoints as MirrorClient reads them");
            assertHeartbeats(0L);
            for (String name : List.of("mirror-source", "mirror-checkpoint", "mirror-heartbeat")) {
                assertEquals("RUNNING", rest.connectorState(name), name);
            }
        }
    }

    @Test
    void mirrorConnectorsCreatedOverRestRunOnADistributedClusterWithTopicAndGroupFilters() throws IOException {
        String topic = KafkaTestBroker.uniqueTopic("payments");
        String group = KafkaTestBroker.uniqueTopic("payments-app");
        String otherTopic = KafkaTestBroker.uniqueTopic("not-mirrored");
        int total = 10_000;
        produceNumbered(topic, 3, total);
        produceNumbered(otherTopic, 1, 10);
        consumeAllAndCommit(group, topic, total);
        long started = System.currentTimeMillis();

        String cluster = KafkaTestBroker.uniqueTopic("mm2-cluster");
        List<WorkerLauncher> workers = new ArrayList<>();
        try {
            List<RestClient> rests = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Map<String, String> props = workerProps();
                props.put("group.id", cluster);
                WorkerLauncher worker = new WorkerLauncher(Files.createDirectories(dir.resolve("worker-" + i)),
                        WorkerLauncher.freePort(), props).distributed();
                workers.add(worker);
                rests.add(worker.start());
            }
            for (int i = 0; i < EXAMPLES.size(); i++) {
                // the filters narrowed to this test's topic and group: the shared test broker holds others
                ExampleConfig example = example(EXAMPLES.get(i));
                if (example.get("topics") != null) {
                    example.replace("topics", ".*", topic);
                }
                if (example.get("groups") != null) {
                    example.replace("groups", ".*", group);
                }
                Map<String, String> config = example.config();
                RestClient.Response created = rests.get(i % 2).createConnector(config.get("name"), config);
                assertEquals(201, created.status(), created.raw());
            }
            String replica = "src." + topic;
            try {
                assertEquals(numbered(total, 3), readUntil(replica, total));
            } catch (AssertionError e) {
                throw new AssertionError(e.getMessage() + "; replica " + endOffsets(KafkaTestBroker.bootstrapServers(), replica)
                        + "; status " + rests.get(0).get("/connectors?expand=status").raw()
                        + "\n--- worker 0:\n" + workers.get(0).tail() + "\n--- worker 1:\n" + workers.get(1).tail(), e);
            }
            Map<TopicPartition, Long> replicaEnds = endOffsets(KafkaTestBroker.bootstrapServers(), replica);
            Await.until(() -> replicaEnds.equals(groupOffsets(KafkaTestBroker.bootstrapServers(), group)), WAIT,
                    "group " + group + " synced on the target");
            assertHeartbeats(started);
            try (Admin admin = KafkaTestBroker.admin()) {
                Set<String> topics = admin.listTopics().names().get();
                assertTrue(!topics.contains("src." + otherTopic), "a topic outside the filter is not replicated");
            } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
                throw new AssertionError(e);
            }
            for (RestClient rest : rests) {
                for (String name : List.of("mirror-source", "mirror-checkpoint", "mirror-heartbeat")) {
                    assertEquals("RUNNING", rest.connectorState(name), name);
                }
            }
        } finally {
            workers.forEach(WorkerLauncher::kill);
        }
    }

    private Map<String, String> workerProps() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectMirrorDir(), pluginPath);
        return new HashMap<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("mm2-worker"),
                "plugin.path", pluginPath.toString(),
                "offset.flush.interval.ms", "1000"));
    }

    /** An example config from config/, pointed at the two test clusters. */
    private static ExampleConfig example(String file) {
        return ExampleConfig.connector(file)
                .replace("source.cluster.bootstrap.servers", "localhost:19092", source.bootstrapServers())
                .replace("target.cluster.bootstrap.servers", "localhost:9092", KafkaTestBroker.bootstrapServers());
    }

    /** Record i goes to partition i % partitions, keyed "k<i>", valued "v<i>", with header seq=i. */
    private static void produceNumbered(String topic, int partitions, int count) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", source.bootstrapServers()));
             KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                     "bootstrap.servers", source.bootstrapServers(), "acks", "all", "linger.ms", "5"),
                     new StringSerializer(), new StringSerializer())) {
            admin.createTopics(List.of(new NewTopic(topic, partitions, (short) 1))).all().get();
            KafkaTestBroker.awaitServed(admin, topic, partitions);
            List<Future<?>> acks = new ArrayList<>();
            for (int i = 0; i < count; i++) {
                ProducerRecord<String, String> record = new ProducerRecord<>(topic, i % partitions, "k" + i, "v" + i);
                record.headers().add("seq", Integer.toString(i).getBytes(StandardCharsets.UTF_8));
                acks.add(producer.send(record));
            }
            for (Future<?> ack : acks) {
                ack.get();
            }
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError("Cannot produce to the source cluster", e);
        }
    }

    /** What produceNumbered wrote: "k<i>=v<i>;seq=<i>" per partition. */
    private static Map<Integer, Set<String>> numbered(int count, int partitions) {
        return IntStream.range(0, count).boxed().collect(Collectors.groupingBy(i -> i % partitions,
                TreeMap::new, Collectors.mapping(i -> "k" + i + "=v" + i + ";seq=" + i, Collectors.toSet())));
    }

    /** A consumer group on the source reads the whole topic and commits, as an application would. */
    private static void consumeAllAndCommit(String group, String topic, int count) {
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", source.bootstrapServers(), "group.id", group, "auto.offset.reset", "earliest",
                "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            int read = 0;
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (read < count && System.nanoTime() < deadline) {
                read += consumer.poll(Duration.ofMillis(200)).count();
            }
            assertEquals(count, read);
            consumer.commitSync();
        }
    }

    /**
     * Reads the replica from the start until `distinct` different records arrived (duplicates are allowed). The
     * replica may first exist with one partition (created by a write before MirrorMaker's admin creates it, then
     * given the source's count): the metadata is refreshed every second so that the partitions added are read,
     * rather than after the consumer's default five minutes (this test once saw only partition 0's third).
     */
    private static Map<Integer, Set<String>> readUntil(String replica, int distinct) {
        Map<Integer, Set<String>> seen = new TreeMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(), "group.id", KafkaTestBroker.uniqueTopic("check"),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false", "metadata.max.age.ms", "1000"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(replica));
            long deadline = System.nanoTime() + WAIT.toNanos();
            int count = 0;
            while (count < distinct) {
                assertTrue(System.nanoTime() < deadline, "only " + count + " of " + distinct + " records in " + replica);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    String seq = new String(r.headers().lastHeader("seq").value(), StandardCharsets.UTF_8);
                    String record = new String(r.key(), StandardCharsets.UTF_8) + "="
                            + new String(r.value(), StandardCharsets.UTF_8) + ";seq=" + seq;
                    if (seen.computeIfAbsent(r.partition(), p -> new java.util.HashSet<>()).add(record)) {
                        count++;
                    }
                }
            }
        }
        return seen;
    }

    /** Heartbeats of the flow src -> dst written to the target's "heartbeats" topic since `since`. */
    private static void assertHeartbeats(long since) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(), "group.id", KafkaTestBroker.uniqueTopic("beats"),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of("heartbeats"));
            long deadline = System.nanoTime() + WAIT.toNanos();
            int beats = 0;
            while (beats < 3) {
                assertTrue(System.nanoTime() < deadline, "only " + beats + " heartbeats since " + since);
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Heartbeat beat = Heartbeat.deserializeRecord(r);
                    if (beat.timestamp() >= since && beat.sourceClusterAlias().equals("src")
                            && beat.targetClusterAlias().equals("dst")) {
                        beats++;
                    }
                }
            }
        }
    }

    private static Map<TopicPartition, Long> endOffsets(String bootstrap, String topic) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            if (!admin.listTopics().names().get().contains(topic)) {
                return Map.of();
            }
            int partitions = admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions().size();
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            for (int p = 0; p < partitions; p++) {
                latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
            }
            return admin.listOffsets(latest).all().get().entrySet().stream()
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static Map<TopicPartition, Long> groupOffsets(String bootstrap, String group) {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", bootstrap))) {
            return admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata().get().entrySet().stream()
                    .filter(e -> e.getValue() != null)
                    .collect(Collectors.toMap(Map.Entry::getKey, e -> e.getValue().offset()));
        } catch (InterruptedException | java.util.concurrent.ExecutionException e) {
            throw new AssertionError(e);
        }
    }

    private static long sum(Map<TopicPartition, Long> offsets) {
        return offsets.values().stream().mapToLong(Long::longValue).sum();
    }
}
