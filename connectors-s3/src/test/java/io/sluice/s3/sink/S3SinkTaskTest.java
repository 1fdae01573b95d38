package io.sluice.s3.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.s3.testing.S3TestServer;
import io.sluice.runtime.testing.StubSinkContext;
import io.sluice.runtime.testing.Await;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;

/** The sink task against a real S3-compatible server, fed records directly (no worker). */
class S3SinkTaskTest {

    private static final String TOPIC = "orders";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);

    private final String bucket = S3TestServer.newBucket();

    private S3SinkTask start(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(S3TestServer.connectorSettings(bucket));
        props.putAll(extra);
        S3SinkTask task = new S3SinkTask();
        StubSinkContext context = new StubSinkContext();
        context.assignment.add(TP);
        task.initialize(context);
        task.start(props);
        task.open(List.of(TP));
        return task;
    }

    private static List<SinkRecord> records(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> new SinkRecord(TOPIC, 0, Schema.STRING_SCHEMA, "k" + i,
                Schema.STRING_SCHEMA, "v" + i, i, 1_000_000L + i * 1000L, TimestampType.CREATE_TIME)).toList();
    }

    private List<String> storedValues() {
        List<String> values = new ArrayList<>();
        for (String key : S3TestServer.keys(bucket)) {
            String text = new String(S3TestServer.read(bucket, key), StandardCharsets.UTF_8);
            text.lines().forEach(values::add);
        }
        return values;
    }

    private static List<String> expectedJson(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "\"v" + i + "\"").toList();
    }

    @Test
    void completedObjectsAreNamedByTopicPartitionAndOffsetRangeAndOnlyTheirOffsetsCommit() {
        S3SinkTask task = start(Map.of("flush.size", "10", "s3.compression.type", "gzip"));
        task.put(records(0, 25));
        Await.until(() -> task.preCommit(Map.of(TP, new OffsetAndMetadata(25))).get(TP).offset() == 20,
                Duration.ofSeconds(30), "both objects stored");
        Map<TopicPartition, OffsetAndMetadata> committed = task.preCommit(Map.of(TP, new OffsetAndMetadata(25)));
        task.stop();

        assertEquals(List.of(
                "topics/orders/partition=0/orders+0+0000000000+0000000009.json.gz",
                "topics/orders/partition=0/orders+0+0000000010+0000000019.json.gz"), S3TestServer.keys(bucket));
        assertEquals(20, committed.get(TP).offset(), "records 20..24 are in no completed object yet");
        assertEquals(expectedJson(0, 20), storedValues());
    }

    @Test
    void restartedTaskStoresEachReplayedRecordOnceEvenWithOtherRotationSettings() {
        S3SinkTask first = start(Map.of("flush.size", "10"));
        first.put(records(0, 25));
        first.stop(); // a crash before any commit: the consumer replays from 0

        S3SinkTask second = start(Map.of("flush.size", "7"));
        second.put(records(0, 40));
        Await.until(() -> second.preCommit(Map.of(TP, new OffsetAndMetadata(40))).get(TP).offset() == 34,
                Duration.ofSeconds(30), "objects of the second run stored");
        Map<TopicPartition, OffsetAndMetadata> committed = second.preCommit(Map.of(TP, new OffsetAndMetadata(40)));
        second.stop();

        assertEquals(expectedJson(0, 34), storedValues(), "0..19 from the first run, then 20..33 in objects of 7");
        assertEquals(34, committed.get(TP).offset());
    }

    @Test
    void recordTimeRotationCompletesAnObjectWhenARecordIsTheIntervalPastItsFirst() {
        S3SinkTask task = start(Map.of("flush.size", "1000", "rotate.interval.ms", "5000"));
        task.put(records(0, 12)); // timestamps 1s apart: objects 0..4, 5..9, then 10.. open
        task.stop();
        assertEquals(List.of(
                "topics/orders/partition=0/orders+0+0000000000+0000000004.json",
                "topics/orders/partition=0/orders+0+0000000005+0000000009.json"), S3TestServer.keys(bucket));
    }

    @Test
    void timePartitionerWritesPathsOfTheRecordTimeInTheTimezone() {
        S3SinkTask task = start(Map.of("flush.size", "2", "partitioner.class", "time",
                "path.format", "'dt'=YYYY-MM-dd/'hour'=HH", "partition.duration.ms", "3600000",
                "timezone", "Europe/Berlin"));
        task.put(records(0, 2));
        task.stop();
        assertEquals(List.of("topics/orders/dt=1970-01-01/hour=01/orders+0+0000000000+0000000001.json"),
                S3TestServer.keys(bucket));
    }

    @Test
    void overTheBufferBudgetTheLargestBuffersAreStoredEarlyInsteadOfGrowing() {
        S3SinkTask task = start(Map.of("flush.size", "100000", "s3.buffer.budget.bytes", "40000"));
        List<SinkRecord> big = IntStream.range(0, 50).mapToObj(i -> new SinkRecord(TOPIC, 0, null, null, null,
                "x".repeat(2000) + i, i)).toList();
        task.put(big);
        assertTrue(BufferBudget.used() <= 40_000 + 32 * 1024, "buffers stay near the budget: " + BufferBudget.used());
        Await.until(() -> S3TestServer.keys(bucket).size() >= 2, Duration.ofSeconds(30), "objects completed early");
        task.stop();
        assertEquals(0, BufferBudget.used(), "a stopped task holds no buffers");
    }

    @Test
    void largeObjectsAreUploadedInPartsAndReadBackWhole() {
        S3SinkTask task = start(Map.of("flush.size", "60000", "s3.part.size", "5242880", "format.class", "bytes"));
        String pad = "y".repeat(100);
        task.put(IntStream.range(0, 60000).mapToObj(i -> new SinkRecord(TOPIC, 0, null, null, null,
                (i + pad).getBytes(StandardCharsets.UTF_8), i)).toList());
        task.put(IntStream.range(60000, 120000).mapToObj(i -> new SinkRecord(TOPIC, 0, null, null, null,
                (i + pad).getBytes(StandardCharsets.UTF_8), i)).toList());
        task.stop();
        List<String> lines = storedValues();
        assertEquals(List.of("topics/orders/partition=0/orders+0+0000000000+0000059999.bin",
                "topics/orders/partition=0/orders+0+0000060000+0000119999.bin"), S3TestServer.keys(bucket));
        assertEquals(IntStream.range(0, 120000).mapToObj(i -> i + pad).toList(), lines);
    }
}
