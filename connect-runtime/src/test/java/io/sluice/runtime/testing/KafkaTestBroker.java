package io.sluice.runtime.testing;

import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * The one Kafka broker of a test JVM: started on first use (any free port, a temp dir) and closed
 * when the JVM exits, with helpers to create topics and produce and consume strings.
 */
public final class KafkaTestBroker {

    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);
    private static final AtomicInteger TOPIC_SEQUENCE = new AtomicInteger();
    private static EmbeddedKafkaBroker broker;
    private static Path dataDir;

    private KafkaTestBroker() {
    }

    /** The shared broker's bootstrap servers, starting it if needed. */
    public static synchronized String bootstrapServers() {
        if (broker == null) {
            try {
                dataDir = Files.createTempDirectory("sluice-test-kafka");
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            broker = new EmbeddedKafkaBroker(dataDir, 0).start();
            Runtime.getRuntime().addShutdownHook(new Thread(KafkaTestBroker::shutdown, "sluice-test-kafka-shutdown"));
        }
        return broker.bootstrapServers();
    }

    /** A topic name no other test of this JVM uses, starting with prefix. */
    public static String uniqueTopic(String prefix) {
        return prefix + "-" + TOPIC_SEQUENCE.incrementAndGet() + "-" + UUID.randomUUID().toString().substring(0, 8);
    }

    /** Creates a topic with replication factor 1 and waits until the broker serves every partition of it. */
    public static String createTopic(String name, int partitions) {
        try (Admin admin = admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1))).all()
                    .get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            awaitServed(admin, name, partitions);
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot create topic " + name, e);
        }
        return name;
    }

    /**
     * Waits until the broker behind admin leads every partition of a topic it just created. Before that, a
     * producer's first batch can be answered NOT_LEADER_OR_FOLLOWER while a later one is already taken, and the
     * idempotent producer's retry of the first is then refused for good (OUT_OF_ORDER_SEQUENCE_NUMBER).
     */
    public static void awaitServed(Admin admin, String topic, int partitions) {
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        for (int p = 0; p < partitions; p++) {
            latest.put(new TopicPartition(topic, p), OffsetSpec.latest());
        }
        // ListOffsets is answered by the partition's leader only, as a produce request is
        Await.until(() -> {
            try {
                admin.listOffsets(latest).all().get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            } catch (ExecutionException | TimeoutException notYet) {
                return false;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }, CLIENT_TIMEOUT, "partitions of " + topic + " served by their leader");
    }

    /** An Admin client on the shared broker; the caller closes it. */
    public static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers()));
    }

    /** The offset a consumer group (a sink connector's: connect-<name>) committed for tp, or -1 when none. */
    public static long committedOffset(String group, org.apache.kafka.common.TopicPartition tp) {
        try (Admin admin = admin()) {
            org.apache.kafka.clients.consumer.OffsetAndMetadata o = admin.listConsumerGroupOffsets(group)
                    .partitionsToOffsetAndMetadata().get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS).get(tp);
            return o == null ? -1 : o.offset();
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            return -1;
        }
    }

    /** Client settings to reach the shared broker, for code under test. */
    public static Map<String, Object> clientConfig() {
        return Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
    }

    /** Produces key/value pairs (null keys allowed) and waits until every one is acknowledged. */
    public static void produce(String topic, List<Map.Entry<String, String>> records) {
        Properties props = new Properties();
        props.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<String, String> producer =
                     new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            List<Future<?>> acks = new ArrayList<>();
            for (Map.Entry<String, String> record : records) {
                acks.add(producer.send(new ProducerRecord<>(topic, record.getKey(), record.getValue())));
            }
            for (Future<?> ack : acks) {
                ack.get(CLIENT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            }
        } catch (InterruptedException | ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    /**
     * Starts producing count records, record(i) for i from 0, in batches with a pause between them, as an application
     * writing while a connector runs; the caller joins the returned thread.
     */
    public static Thread produceLive(String topic, int count, int batchSize, long pauseMs,
                                     java.util.function.IntFunction<Map.Entry<String, String>> record) {
        Thread producer = new Thread(() -> {
            for (int from = 0; from < count; from += batchSize) {
                List<Map.Entry<String, String>> batch = new ArrayList<>(batchSize);
                for (int i = from; i < Math.min(count, from + batchSize); i++) {
                    batch.add(record.apply(i));
                }
                produce(topic, batch);
                try {
                    Thread.sleep(pauseMs); // pacing the application, not synchronizing with anything
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }, "test-live-producer-" + topic);
        producer.start();
        return producer;
    }

    /** Produces values with null keys. */
    public static void produce(String topic, String... values) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (String value : values) {
            records.add(new AbstractMap.SimpleEntry<>(null, value));
        }
        produce(topic, records);
    }

    /**
     * Reads the topic from the beginning until expectedCount records arrived; fails if they do not
     * within timeout. Returns every record read (possibly more than expected).
     */
    public static List<ConsumerRecord<String, String>> consumeAll(String topic, int expectedCount, Duration timeout) {
        return consumeAll(bootstrapServers(), topic, expectedCount, timeout, new StringDeserializer());
    }

    /** Like {@link #consumeAll(String, int, Duration)}, from another cluster (e.g. a worker's embedded broker). */
    public static List<ConsumerRecord<String, String>> consumeAll(String bootstrapServers, String topic,
                                                                  int expectedCount, Duration timeout) {
        return consumeAll(bootstrapServers, topic, expectedCount, timeout, new StringDeserializer());
    }

    /** Like {@link #consumeAll(String, int, Duration)}, with keys and values as the bytes the topic holds. */
    public static List<ConsumerRecord<byte[], byte[]>> consumeAllBytes(String topic, int expectedCount, Duration timeout) {
        return consumeAll(bootstrapServers(), topic, expectedCount, timeout,
                new org.apache.kafka.common.serialization.ByteArrayDeserializer());
    }

    private static <T> List<ConsumerRecord<T, T>> consumeAll(String bootstrapServers, String topic, int expectedCount,
                                                            Duration timeout,
                                                            org.apache.kafka.common.serialization.Deserializer<T> deserializer) {
        List<ConsumerRecord<T, T>> records = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        try (KafkaConsumer<T, T> consumer = consumerFromStart(bootstrapServers, topic, deserializer, deadline)) {
            while (records.size() < expectedCount) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Expected " + expectedCount + " records in " + topic
                            + " within " + timeout + ", got " + records.size());
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** Every record in the topic now, from the beginning to the end each partition has at the time of the call. */
    public static List<ConsumerRecord<String, String>> consumeToEnd(String topic) {
        return consumeToEnd(bootstrapServers(), topic);
    }

    /** As {@link #consumeToEnd(String)}, on that cluster. */
    public static List<ConsumerRecord<String, String>> consumeToEnd(String bootstrapServers, String topic) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumerFromStart(bootstrapServers, topic,
                new StringDeserializer(), System.nanoTime() + CLIENT_TIMEOUT.toNanos())) {
            List<TopicPartition> partitions = List.copyOf(consumer.assignment());
            Map<TopicPartition, Long> ends = consumer.endOffsets(partitions, CLIENT_TIMEOUT);
            long deadline = System.nanoTime() + CLIENT_TIMEOUT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p, CLIENT_TIMEOUT) < ends.get(p))) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("Could not read " + topic + " to its end " + ends + " within " + CLIENT_TIMEOUT);
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    /** A consumer of every partition of the topic, positioned at the beginning; the caller closes it. */
    private static <T> KafkaConsumer<T, T> consumerFromStart(String topic,
                                                            org.apache.kafka.common.serialization.Deserializer<T> deserializer) {
        return consumerFromStart(bootstrapServers(), topic, deserializer, System.nanoTime() + CLIENT_TIMEOUT.toNanos());
    }

    /**
     * A consumer of every partition of the topic on that cluster, positioned at the beginning, once the topic exists
     * (a connector may not have created it yet; waits until the deadline); the caller closes it.
     */
    private static <T> KafkaConsumer<T, T> consumerFromStart(String bootstrapServers, String topic,
                                                            org.apache.kafka.common.serialization.Deserializer<T> deserializer,
                                                            long deadlineNanos) {
        Properties props = new Properties();
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        KafkaConsumer<T, T> consumer = new KafkaConsumer<>(props, deserializer, deserializer);
        List<TopicPartition> partitions = List.of();
        while (partitions.isEmpty()) {
            if (System.nanoTime() > deadlineNanos) {
                consumer.close();
                throw new AssertionError("Topic " + topic + " did not appear in time");
            }
            partitions = consumer.partitionsFor(topic, CLIENT_TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition()))
                    .toList();
            if (partitions.isEmpty()) {
                try {
                    Thread.sleep(100); // polling for the topic until the deadline
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    consumer.close();
                    throw new AssertionError("Interrupted while waiting for topic " + topic, e);
                }
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        return consumer;
    }

    private static synchronized void shutdown() {
        if (broker != null) {
            broker.close();
            broker = null;
            deleteQuietly(dataDir);
        }
    }

    private static void deleteQuietly(Path dir) {
        try (Stream<Path> paths = Files.walk(dir)) {
            paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException | UncheckedIOException e) {
            // a leftover temp dir is harmless
        }
    }
}
