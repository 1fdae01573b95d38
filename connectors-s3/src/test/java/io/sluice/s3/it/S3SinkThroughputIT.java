package io.sluice.s3.it;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.s3.testing.S3Plugin;
import io.sluice.s3.testing.S3TestServer;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;

/**
 * Benchmark, off by default (-Dsluice.perf=true): topic to S3 throughput of the sink against raw PUTs
 * of the same objects' bytes to the same server with the same SDK.
 */
@EnabledIfSystemProperty(named = "sluice.perf", matches = "true")
class S3SinkThroughputIT {

    @TempDir
    Path dir;

    @Test
    void sinkThroughputComparedWithRawPuts() {
        int records = Integer.getInteger("sluice.perf.records", 400_000);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-perf"), 1);
        String pad = "p".repeat(180);
        List<Map.Entry<String, String>> data = IntStream.range(0, records)
                .mapToObj(i -> Map.entry("k" + i, i + "-" + pad)).toList();
        for (int i = 0; i < records; i += 50_000) {
            KafkaTestBroker.produce(topic, data.subList(i, Math.min(records, i + 50_000)));
        }
        String bucket = S3TestServer.newBucket();
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.putAll(Map.of("connector.class", "io.sluice.s3.sink.S3SinkConnector", "topics", topic,
                "flush.size", "50000", "format.class", "bytes",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"));
        TestWorker.Builder cluster = S3Plugin.worker(S3Plugin.install(dir));
        long sinkNanos;
        long steadyNanos;
        try (TestWorker worker = cluster.start()) {
            RestClient rest = worker.rest();
            long start = System.nanoTime();
            rest.createConnector("perf", config);
            Await.until(() -> S3SinkIT.storedCount(bucket, "topics/") > 0, Duration.ofMinutes(10), "first object");
            long first = System.nanoTime();
            Await.until(() -> S3SinkIT.storedCount(bucket, "topics/") == records, Duration.ofMinutes(10), "stored");
            sinkNanos = System.nanoTime() - start;
            steadyNanos = System.nanoTime() - first;
        }
        List<byte[]> objects = new ArrayList<>();
        long bytes = 0;
        for (String key : S3TestServer.keys(bucket)) {
            byte[] b = S3TestServer.read(bucket, key);
            objects.add(b);
            bytes += b.length;
        }
        String raw = S3TestServer.newBucket();
        long start = System.nanoTime();
        for (int i = 0; i < objects.size(); i++) {
            byte[] b = objects.get(i);
            String key = "raw/" + i;
            S3TestServer.client().putObject(r -> r.bucket(raw).key(key), RequestBody.fromBytes(b));
        }
        long rawNanos = System.nanoTime() - start;
        double sinkMBs = bytes / 1e6 / (sinkNanos / 1e9);
        double rawMBs = bytes / 1e6 / (rawNanos / 1e9);
        double steadyMBs = (bytes - objects.get(0).length) / 1e6 / (steadyNanos / 1e9);
        System.out.printf("PERF s3 sink: %d records, %d objects, %.1f MB: sink %.2f s (%.1f MB/s, %.0f rec/s, "
                        + "includes connector start and consumer group join), steady state after the first object %.1f MB/s; raw PUT %.2f s (%.1f MB/s); ratio end-to-end %.0f%%, "
                        + "steady %.0f%%%n",
                records, objects.size(), bytes / 1e6, sinkNanos / 1e9, sinkMBs, records / (sinkNanos / 1e9), steadyMBs,
                rawNanos / 1e9, rawMBs, 100 * sinkMBs / rawMBs, 100 * steadyMBs / rawMBs);
    }
}
