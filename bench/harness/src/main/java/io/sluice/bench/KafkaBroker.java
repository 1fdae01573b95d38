package io.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;

/** One single-node KRaft Kafka 4.3.1 broker as a separate process, with an admin client for the scenarios. */
public final class KafkaBroker implements AutoCloseable {

    private final ManagedProcess process;
    private final String bootstrap;
    private final Admin admin;

    private KafkaBroker(ManagedProcess process, String bootstrap, Admin admin) {
        this.process = process;
        this.bootstrap = bootstrap;
        this.admin = admin;
    }

    /** Formats a fresh data directory under the work dir, starts the broker and waits until it answers. */
    public static KafkaBroker start(Layout layout) throws Exception {
        Path dir = layout.work().resolve("kafka");
        Files.createDirectories(dir);
        int port = Layout.freePort();
        int controllerPort = Layout.freePort();
        Properties props = new Properties();
        props.setProperty("process.roles", "broker,controller");
        props.setProperty("node.id", "1");
        props.setProperty("controller.quorum.voters", "1@127.0.0.1:" + controllerPort);
        props.setProperty("listeners", "PLAINTEXT://127.0.0.1:" + port + ",CONTROLLER://127.0.0.1:" + controllerPort);
        props.setProperty("advertised.listeners", "PLAINTEXT://127.0.0.1:" + port);
        props.setProperty("controller.listener.names", "CONTROLLER");
        props.setProperty("inter.broker.listener.name", "PLAINTEXT");
        props.setProperty("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
        props.setProperty("log.dirs", dir.resolve("data").toString());
        props.setProperty("num.partitions", "1");
        props.setProperty("offsets.topic.replication.factor", "1");
        props.setProperty("transaction.state.log.replication.factor", "1");
        props.setProperty("transaction.state.log.min.isr", "1");
        props.setProperty("share.coordinator.state.topic.replication.factor", "1");
        props.setProperty("share.coordinator.state.topic.min.isr", "1");
        props.setProperty("group.initial.rebalance.delay.ms", "0");
        props.setProperty("auto.create.topics.enable", "true");
        Path serverProperties = dir.resolve("server.properties");
        try (var out = Files.newBufferedWriter(serverProperties)) {
            props.store(out, "sluice bench broker");
        }

        String classpath = Layout.jarsIn(layout.kafkaLib());
        List<String> jvm = List.of("-Xms1g", "-Xmx1g", "-Dlog4j2.configurationFile=" + layout.log4jConfig());
        String clusterId = base64Uuid();
        ManagedProcess format = ManagedProcess.start("kafka-format",
                ManagedProcess.java(jvm, classpath, "kafka.tools.StorageTool",
                        List.of("format", "-t", clusterId, "-c", serverProperties.toString())),
                layout.logs().resolve("kafka-format.log"), Map.of());
        int rc = format.waitFor(Duration.ofMinutes(2));
        if (rc != 0) {
            throw new IllegalStateException("kafka storage format failed (" + rc + "):\n" + format.logTail(20));
        }
        ManagedProcess broker = ManagedProcess.start("kafka",
                ManagedProcess.java(jvm, classpath, "kafka.Kafka", List.of(serverProperties.toString())),
                layout.logs().resolve("kafka.log"), Map.of());
        String bootstrap = "127.0.0.1:" + port;
        Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000,
                AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 10000));
        KafkaBroker kafka = new KafkaBroker(broker, bootstrap, admin);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
        while (true) {
            if (!broker.isAlive()) {
                kafka.close();
                throw new IllegalStateException("kafka broker exited:\n" + broker.logTail(30));
            }
            try {
                admin.describeCluster().nodes().get(5, TimeUnit.SECONDS);
                admin.listTopics().names().get(5, TimeUnit.SECONDS);
                return kafka;
            } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
                if (System.nanoTime() > deadline) {
                    kafka.close();
                    throw new IllegalStateException("kafka broker not ready in 90 s:\n" + broker.logTail(30));
                }
                Thread.sleep(200);
            }
        }
    }

    /** A cluster id as Kafka makes them: never starting with "-", which the format tool would take for an option. */
    private static String base64Uuid() {
        while (true) {
            UUID uuid = UUID.randomUUID();
            java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocate(16);
            buf.putLong(uuid.getMostSignificantBits()).putLong(uuid.getLeastSignificantBits());
            String id = java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(buf.array());
            if (!id.startsWith("-")) {
                return id;
            }
        }
    }

    public String bootstrap() {
        return bootstrap;
    }

    public Admin admin() {
        return admin;
    }

    /** Creates a one-partition topic and waits until its metadata is visible. */
    public void createTopic(String topic) throws Exception {
        admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get(30, TimeUnit.SECONDS);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
        while (true) {
            try {
                admin.describeTopics(List.of(topic)).allTopicNames().get(5, TimeUnit.SECONDS);
                endOffset(topic);
                return;
            } catch (ExecutionException e) {
                if (System.nanoTime() > deadline) {
                    throw e;
                }
                Thread.sleep(50);
            }
        }
    }

    /** Deletes topics, ignoring ones that are already gone (frees disk between repetitions). */
    public void deleteTopics(List<String> topics) {
        try {
            admin.deleteTopics(topics).all().get(30, TimeUnit.SECONDS);
        } catch (Exception e) {
            // best effort: a topic left behind only costs disk in the scratch directory
        }
    }

    /** The log-end offset of partition 0 of {@code topic}: the number of records it holds. */
    public long endOffset(String topic) throws Exception {
        TopicPartition tp = new TopicPartition(topic, 0);
        return admin.listOffsets(Map.of(tp, OffsetSpec.latest())).partitionResult(tp)
                .get(5, TimeUnit.SECONDS).offset();
    }

    /**
     * The mean bytes of key plus value over the first {@code sample} records of partition 0 of {@code topic} (as
     * they were produced, before compression): the record size a ceiling is measured for.
     */
    public double averageRecordBytes(String topic, int sample) {
        long[] totals = new long[2];
        readBack(topic, sample, (key, value) -> {
            totals[0]++;
            totals[1] += (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
        });
        if (totals[0] == 0) {
            throw new IllegalStateException("no record in " + topic + " to measure");
        }
        return (double) totals[1] / totals[0];
    }

    /**
     * Hands the key and value bytes of the first {@code limit} records of partition 0 of {@code topic} to
     * {@code each}, in order; stops early when no record came for 30 s (a topic holding fewer).
     */
    public void readBack(String topic, long limit, java.util.function.BiConsumer<byte[], byte[]> each) {
        Map<String, Object> config = Map.of(
                org.apache.kafka.clients.consumer.ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                org.apache.kafka.clients.consumer.ConsumerConfig.MAX_POLL_RECORDS_CONFIG,
                (int) Math.max(1, Math.min(limit, 10_000)));
        var bytes = new org.apache.kafka.common.serialization.ByteArrayDeserializer();
        TopicPartition tp = new TopicPartition(topic, 0);
        try (var consumer = new org.apache.kafka.clients.consumer.KafkaConsumer<>(config, bytes, bytes)) {
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long seen = 0;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (seen < limit && System.nanoTime() < deadline) {
                for (var r : consumer.poll(Duration.ofMillis(500))) {
                    if (seen < limit) {
                        each.accept(r.key(), r.value());
                        seen++;
                        deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
                    }
                }
            }
        }
    }

    /** Creates {@code topic} and writes records 0..n-1 to it (keys may be null), waiting for all acks. */
    public void produce(String topic, int n, java.util.function.IntFunction<String> key,
            java.util.function.IntFunction<String> value) throws Exception {
        createTopic(topic);
        Map<String, Object> config = Map.of(
                org.apache.kafka.clients.producer.ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                org.apache.kafka.clients.producer.ProducerConfig.LINGER_MS_CONFIG, 5,
                org.apache.kafka.clients.producer.ProducerConfig.BATCH_SIZE_CONFIG, 262144,
                org.apache.kafka.clients.producer.ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
        var serializer = new org.apache.kafka.common.serialization.StringSerializer();
        try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<>(config, serializer, serializer)) {
            for (int i = 0; i < n; i++) {
                producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, 0,
                        key == null ? null : key.apply(i), value.apply(i)));
            }
            producer.flush();
        }
        if (endOffset(topic) != n) {
            throw new IllegalStateException("topic " + topic + " holds " + endOffset(topic) + " records, wanted " + n);
        }
    }

    @Override
    public void close() {
        admin.close(Duration.ofSeconds(5));
        process.close();
    }
}
