package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.s3.ObjectNames;
import io.sluice.s3.testing.OldRecordTopics;
import io.sluice.s3.testing.S3Plugin;
import io.sluice.s3.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The field and time-based partitioners in a real worker: each record lands in the path its settings say. */
class S3PartitionersIT {

    private static final int RECORDS = 60;
    private static final String[] REGIONS = {"eu", "us", "ap"};
    /** 2024-03-10T20:00Z: records span midnight in Kolkata and New York's DST change (2024-03-10 07:00Z). */
    private static final long BASE = Instant.parse("2024-03-10T20:00:00Z").toEpochMilli();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private static long recordTime(int seq) {
        return BASE + seq * 10 * 60_000L;
    }

    /** The value's own time field: another clock than the Kafka timestamp, so the extractors differ. */
    private static Instant fieldTime(int seq) {
        return Instant.ofEpochMilli(BASE - 40 * 3_600_000L + seq * 37 * 60_000L);
    }

    private static void produce(String topic) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(), "acks", "all"),
                new StringSerializer(), new StringSerializer())) {
            for (int seq = 0; seq < RECORDS; seq++) {
                String value = "{\"seq\":" + seq + ",\"region\":\"" + REGIONS[seq % 3] + "\",\"kind\":\""
                        + (seq % 2 == 0 ? "a" : "b") + "\",\"ts\":\"" + fieldTime(seq) + "\"}";
                producer.send(new ProducerRecord<>(topic, seq % 2, recordTime(seq), "k" + seq, value))
                        .get(30, TimeUnit.SECONDS);
            }
        }
    }

    private static Map<String, String> sink(String bucket, String topic, String dir, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.put("connector.class", "io.sluice.s3.sink.S3SinkConnector");
        config.put("topics", topic);
        config.put("topics.dir", dir);
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put("flush.size", "1000");
        config.put("rotate.schedule.interval.ms", "1000");
        config.putAll(extra);
        return config;
    }

    @Test
    void fieldAndTimePartitionersPutEachRecordUnderThePathOfItsFieldsOrTime() throws Exception {
        String bucket = S3TestServer.newBucket();
        String topic = OldRecordTopics.create(KafkaTestBroker.uniqueTopic("s3-parts"), 2);
        produce(topic);
        LocalDate before = LocalDate.now(ZoneOffset.UTC);

        try (TestWorker worker = S3Plugin.worker(S3Plugin.install(dir)).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("by-field", sink(bucket, topic, "field", Map.of(
                    "partitioner.class", "io.confluent.connect.storage.partitioner.FieldPartitioner",
                    "partition.field.name", "region,kind"))).status());
            assertEquals(201, rest.createConnector("by-record-time", sink(bucket, topic, "rtime", Map.of(
                    "partitioner.class", "time", "path.format", "'dt'=YYYY-MM-dd/'hour'=HH/'month'=MMMM",
                    "partition.duration.ms", "3600000", "timezone", "Asia/Kolkata", "locale", "fr-FR",
                    "timestamp.extractor", "Record"))).status());
            assertEquals(201, rest.createConnector("by-field-time", sink(bucket, topic, "ftime", Map.of(
                    "partitioner.class", "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
                    "path.format", "'day'=YYYYMMdd", "partition.duration.ms", "86400000",
                    "timezone", "America/New_York", "timestamp.extractor", "RecordField",
                    "timestamp.field", "ts"))).status());
            assertEquals(201, rest.createConnector("by-wall-clock", sink(bucket, topic, "wall", Map.of(
                    "partitioner.class", "daily", "timestamp.extractor", "Wallclock"))).status());
            for (String prefix : new String[] {"field/", "rtime/", "ftime/", "wall/"}) {
                Await.until(() -> paths(bucket, prefix).size() == RECORDS, Duration.ofSeconds(90),
                        prefix + " stored: " + S3TestServer.keys(bucket));
            }
        }
        LocalDate after = LocalDate.now(ZoneOffset.UTC);

        Map<Integer, String> field = paths(bucket, "field/");
        Map<Integer, String> recordTime = paths(bucket, "rtime/");
        Map<Integer, String> fieldTime = paths(bucket, "ftime/");
        DateTimeFormatter hourly = DateTimeFormatter.ofPattern("'dt'=yyyy-MM-dd/'hour'=HH/'month'=MMMM", Locale.FRANCE);
        DateTimeFormatter daily = DateTimeFormatter.ofPattern("'day'=yyyyMMdd");
        for (int seq = 0; seq < RECORDS; seq++) {
            assertEquals("region=" + REGIONS[seq % 3] + "/kind=" + (seq % 2 == 0 ? "a" : "b"), field.get(seq));
            ZonedDateTime local = Instant.ofEpochMilli(recordTime(seq)).atZone(ZoneId.of("Asia/Kolkata"));
            assertEquals(hourly.format(local.truncatedTo(ChronoUnit.HOURS)), recordTime.get(seq), "record " + seq);
            assertEquals(daily.format(fieldTime(seq).atZone(ZoneId.of("America/New_York"))), fieldTime.get(seq),
                    "record " + seq);
        }
        assertEquals("dt=2024-03-11/hour=01/month=mars", recordTime.get(0), "20:00Z is 01:30 in Kolkata");
        Set<String> wallPaths = Set.copyOf(paths(bucket, "wall/").values());
        DateTimeFormatter wall = DateTimeFormatter.ofPattern("'year'=yyyy/'month'=MM/'day'=dd");
        assertTrue(new java.util.HashSet<>(java.util.List.of(wall.format(before), wall.format(after))).containsAll(wallPaths),
                "wall-clock paths are the day of writing: " + wallPaths);
    }

    /** Each record's (by its seq field) path below <prefix><topic>/, checking no record is stored twice. */
    private static Map<Integer, String> paths(String bucket, String prefix) {
        Map<Integer, String> out = new TreeMap<>();
        for (String key : S3TestServer.keys(bucket)) {
            if (!key.startsWith(prefix) || ObjectNames.parse(key).isEmpty()) {
                continue;
            }
            String dir = ObjectNames.parse(key).get().dir();
            String path = dir.substring(dir.indexOf('/', prefix.length()) + 1);
            byte[] bytes;
            try {
                bytes = S3TestServer.read(bucket, key);
            } catch (software.amazon.awssdk.services.s3.model.NoSuchKeyException vanished) {
                // s3proxy's filesystem store lists a PUT's temporary file (<key>-<uuid>) until it renames it
                continue;
            } catch (RuntimeException e) {
                throw new AssertionError("Cannot read listed " + key + " of " + S3TestServer.keys(bucket), e);
            }
            for (String line : new String(bytes, StandardCharsets.UTF_8).lines().toList()) {
                try {
                    JsonNode value = JSON.readTree(line);
                    String previous = out.put(value.get("seq").asInt(), path);
                    assertEquals(null, previous, "record " + value.get("seq") + " stored once");
                } catch (java.io.IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
            }
        }
        return out;
    }
}
