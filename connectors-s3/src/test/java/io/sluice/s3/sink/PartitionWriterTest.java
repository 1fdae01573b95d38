package io.sluice.s3.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.Await;
import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.S3SinkConfig;
import io.sluice.s3.partition.Partitioner;
import io.sluice.s3.testing.S3TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.services.s3.S3Client;

/** A partition's commit offset while its completed objects are still being sent in the background. */
class PartitionWriterTest {

    @Test
    void offsetsOfAnObjectStillBeingSentAreNotOfferedForCommitUntilItIsStored() throws Exception {
        String bucket = S3TestServer.newBucket();
        Map<String, String> props = new HashMap<>(S3TestServer.connectorSettings(bucket));
        props.put("flush.size", "10");
        S3SinkConfig config = new S3SinkConfig(props);
        Uploader uploader = new Uploader("test", 1);
        CountDownLatch release = new CountDownLatch(1);
        try (S3Client s3 = S3ConnectionConfig.client(config)) {
            uploader.after(CompletableFuture.completedFuture(null), 0, release::await); // occupies the only thread
            PartitionWriter writer = new PartitionWriter(new TopicPartition("orders", 0),
                    PartitionWriter.Settings.of(config, s3, uploader, Partitioner.create(config)), List.of());
            for (int i = 0; i < 15; i++) {
                writer.write(new SinkRecord("orders", 0, null, null, Schema.STRING_SCHEMA, "v" + i, i));
            }
            assertEquals(0L, writer.committableOffset(), "object 0..9 is complete but not yet stored");
            assertEquals(List.of(), S3TestServer.keys(bucket));

            release.countDown();
            Await.until(() -> writer.committableOffset() == 10L, Duration.ofSeconds(30), "object stored");
            assertEquals(List.of("topics/orders/partition=0/orders+0+0000000000+0000000009.json"),
                    S3TestServer.keys(bucket));
            writer.close();
        } finally {
            uploader.close(10_000);
        }
    }
}
