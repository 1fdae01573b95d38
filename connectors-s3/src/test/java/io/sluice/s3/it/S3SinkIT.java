package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import io.sluice.s3.testing.S3Plugin;
import io.sluice.s3.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The S3 sink in a real worker, on the test broker, writing to a real S3-compatible server. */
class S3SinkIT {

    private static final Pattern NAME = Pattern.compile(".*/([^/+]+)\\+(\\d+)\\+(\\d+)\\+(\\d+)\\..*");

    @TempDir
    Path dir;

    private static List<Map.Entry<String, String>> keyed(String batch, int count, int valueBytes) {
        String pad = "x".repeat(Math.max(0, valueBytes - 14));
        return IntStream.range(0, count).mapToObj(i -> Map.entry("key-" + i, batch + "-value-" + i + "-" + pad)).toList();
    }

    private static Map<String, String> sink(String bucket, String topic, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.put("connector.class", "io.sluice.s3.sink.S3SinkConnector");
        config.put("topics", topic);
        config.putAll(extra);
        return config;
    }

    /** Every line of every object under prefix, checking that each object's name matches its line count. */
    static List<String> lines(String bucket, String prefix) {
        List<String> all = new ArrayList<>();
        for (String key : S3TestServer.keys(bucket)) {
            if (!key.startsWith(prefix)) {
                continue;
            }
            List<String> lines = new String(S3TestServer.read(bucket, key), StandardCharsets.UTF_8).lines().toList();
            all.addAll(lines);
        }
        return all;
    }

    /** Records the objects hold in total, from the offset ranges in their names (default partitioner). */
    static long storedCount(String bucket, String prefix) {
        long count = 0;
        for (String key : S3TestServer.keys(bucket)) {
            Matcher m = NAME.matcher(key);
            if (key.startsWith(prefix) && m.matches()) {
                count += Long.parseLong(m.group(4)) - Long.parseLong(m.group(3)) + 1;
            }
        }
        return count;
    }

    @Test
    void everyFormatStoresEachRecordOnceWithCountAndTimeRotation() {
        String bucket = S3TestServer.newBucket();
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-formats"), 2);
        List<Map.Entry<String, String>> records = keyed("a", 1000, 40);
        KafkaTestBroker.produce(topic, records);
        Set<String> values = new HashSet<>();
        records.forEach(r -> values.add(r.getValue()));
        Map<Integer, Long> perPartition = KafkaTestBroker.consumeAll(topic, 1000, Duration.ofSeconds(30)).stream()
                .collect(Collectors.groupingBy(ConsumerRecord::partition, Collectors.counting()));
        long jsonStored = perPartition.values().stream().mapToLong(n -> n / 100 * 100).sum();

        try (TestWorker worker = S3Plugin.worker(S3Plugin.install(dir)).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("json", sink(bucket, topic, Map.of("topics.dir", "json",
                    "format.class", "io.confluent.connect.s3.format.json.JsonFormat", "s3.compression.type", "gzip",
                    "flush.size", "100"))).status());
            assertEquals(201, rest.createConnector("bytes", sink(bucket, topic, Map.of("topics.dir", "bytes",
                    "format.class", "bytes", "flush.size", "77", "rotate.interval.ms", "600000",
                    "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"))).status());
            assertEquals(201, rest.createConnector("envelope", sink(bucket, topic, Map.of("topics.dir", "env",
                    "format.class", "envelope", "s3.compression.type", "gzip", "flush.size", "1000",
                    "rotate.schedule.interval.ms", "1000"))).status());

            Await.until(() -> storedCount(bucket, "json/") == jsonStored && storedCount(bucket, "env/") == 1000
                    && storedCount(bucket, "bytes/") >= 1000 - 2 * 76, Duration.ofSeconds(60), "objects stored");

            List<String> json = lines(bucket, "json/");
            assertEquals(jsonStored, json.size(), "full objects of 100 records; the rest waits for more");
            assertEquals(json.size(), new HashSet<>(json).size(), "no duplicates in json objects");
            assertTrue(values.containsAll(json.stream().map(l -> l.substring(1, l.length() - 1)).toList()));
            List<String> bytes = lines(bucket, "bytes/");
            assertEquals(bytes.size(), new HashSet<>(bytes).size(), "no duplicates in bytes objects");
            assertTrue(values.containsAll(bytes));
            List<String> envelope = lines(bucket, "env/");
            assertEquals(1000, envelope.size(), "scheduled rotation completed the objects");
            assertTrue(envelope.get(0).contains("\"key\":\"key-"), envelope.get(0));
            assertTrue(S3TestServer.keys(bucket).stream().filter(k -> k.startsWith("bytes/"))
                    .allMatch(k -> k.endsWith(".bin")));
        }
    }

    @Test
    void workerKilledMidUploadRestartsWithEveryRecordInExactlyOneObject() {
        String bucket = S3TestServer.newBucket();
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-crash"), 1);
        KafkaTestBroker.produce(topic, keyed("a", 250_000, 100));
        Map<String, String> props = new HashMap<>(S3Plugin.worker(S3Plugin.install(dir)).props());
        // 100,000 records of ~115 bytes: each object is a multipart upload of two 5 MiB parts and a rest
        Map<String, String> config = sink(bucket, topic, Map.of("flush.size", "100000", "s3.part.size", "5242880"));
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(),
                "512m", props)) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("crash", config).status());
            Await.until(() -> !S3TestServer.client().listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty()
                            || storedCount(bucket, "topics/") > 0,
                    Duration.ofSeconds(120), "a multipart upload started; log: " + worker.tail());
            worker.kill();

            worker.start();
            Await.until(() -> storedCount(bucket, "topics/") == 200_000, Duration.ofSeconds(120),
                    "two objects after restart; log: " + worker.tail());
            // records 200,000.. stay in an open object until it is full: send what completes it
            KafkaTestBroker.produce(topic, keyed("b", 50_000, 100));
            Await.until(() -> storedCount(bucket, "topics/") == 300_000
                            && S3TestServer.keys(bucket).stream().noneMatch(k -> k.endsWith(".uploading")),
                    Duration.ofSeconds(120),
                    "every record stored; log: " + worker.tail());
        }
        List<String> lines = lines(bucket, "topics/");
        assertEquals(300_000, lines.size(), "object contents agree with the offset ranges in their names: "
                + S3TestServer.keys(bucket).stream().map(k -> k + "=" + lines(bucket, k).size()).toList());
        assertEquals(300_000, new HashSet<>(lines).size(), "no record is in two objects");
        assertTrue(S3TestServer.keys(bucket).stream().noneMatch(k -> k.endsWith(".uploading")),
                "no leftover of the interrupted upload");
        assertTrue(S3TestServer.client().listMultipartUploads(b -> b.bucket(bucket)).uploads().isEmpty(),
                "the interrupted multipart upload was aborted");
    }

    @Test
    void twoHundredPartitionsFitASmallHeapByStoringTheLargestBuffersEarly() {
        String bucket = S3TestServer.newBucket();
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-wide"), 200);
        // ~50 MB, more than the budget; a busy machine may store a record twice in the topic: count what is there
        produceSlowly(topic, keyed("a", 50_000, 1000));
        long total = recordsIn(topic);
        Map<String, String> props = new HashMap<>(S3Plugin.worker(S3Plugin.install(dir)).props());
        props.put("consumer.fetch.max.bytes", "8388608");
        // objects would hold every record of a partition; the budget (a quarter of 160 MB) forces them out early
        Map<String, String> config = sink(bucket, topic, Map.of("flush.size", "1000000",
                "rotate.schedule.interval.ms", "5000"));
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(),
                "160m", props)) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("wide", config).status());
            Await.until(() -> storedCount(bucket, "topics/") == total, Duration.ofSeconds(240),
                    "every record stored; log: " + worker.tail());
            assertEquals("RUNNING", rest.taskState("wide", 0), worker.tail());
        }
        assertEquals(total, lines(bucket, "topics/").size(), "each record of the topic is in one object");
    }

    /** Produces like KafkaTestBroker.produce, waiting longer for acknowledgements. */
    private static void produceSlowly(String topic, List<Map.Entry<String, String>> records) {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(), "acks", "1", "linger.ms", "20",
                "enable.idempotence", "false", "max.in.flight.requests.per.connection", "1",
                "request.timeout.ms", "120000", "delivery.timeout.ms", "300000"),
                new StringSerializer(), new StringSerializer())) {
            List<Future<RecordMetadata>> acks = new ArrayList<>();
            records.forEach(r -> acks.add(producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue()))));
            for (Future<RecordMetadata> ack : acks) {
                ack.get(300, TimeUnit.SECONDS);
            }
        } catch (Exception e) {
            throw new IllegalStateException("Cannot produce to " + topic, e);
        }
    }

    private static long recordsIn(String topic) {
        try (Admin admin = KafkaTestBroker.admin()) {
            Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
            admin.describeTopics(List.of(topic)).allTopicNames().get().get(topic).partitions()
                    .forEach(p -> latest.put(new TopicPartition(topic, p.partition()), OffsetSpec.latest()));
            return admin.listOffsets(latest).all().get().values().stream().mapToLong(o -> o.offset()).sum();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

}
