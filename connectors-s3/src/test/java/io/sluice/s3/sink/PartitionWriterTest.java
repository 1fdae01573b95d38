package io.sluice.s3.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.testing.S3TestServer;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
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

    @Test
    void aParquetRowGroupHeldInMemoryCountsAgainstTheBufferBudgetUntilItsObjectIsStored() throws Exception {
        String bucket = S3TestServer.newBucket();
        Map<String, String> props = new HashMap<>(S3TestServer.connectorSettings(bucket));
        props.putAll(Map.of("flush.size", "2000", "format.class", "parquet", "parquet.block.size", "67108864"));
        S3SinkConfig config = new S3SinkConfig(props);
        Uploader uploader = new Uploader("test", 1);
        long before = BufferBudget.used();
        try (S3Client s3 = S3ConnectionConfig.client(config)) {
            PartitionWriter writer = new PartitionWriter(new TopicPartition("orders", 0),
                    PartitionWriter.Settings.of(config, s3, uploader, Partitioner.create(config)), List.of());
            Schema schema = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("text", Schema.STRING_SCHEMA)
                    .build();
            for (int i = 0; i < 1999; i++) {
                writer.write(new SinkRecord("orders", 0, null, null, schema,
                        new Struct(schema).put("id", (long) i).put("text", "row " + i + " " + "x".repeat(200)), i));
            }
            OpenObject open = writer.largest();
            assertTrue(open != null && open.buffered() > 100_000, "the row group is reported: " + open);
            assertTrue(BufferBudget.used() - before >= open.buffered(), "and reserved in the budget");

            writer.write(new SinkRecord("orders", 0, null, null, schema,
                    new Struct(schema).put("id", 1999L).put("text", "last"), 1999));
            Await.until(() -> writer.committableOffset() == 2000L, Duration.ofSeconds(30), "object stored");
            assertEquals(before, BufferBudget.used(), "everything released once stored");
            assertEquals(List.of("topics/orders/partition=0/orders+0+0000000000+0000001999.snappy.parquet"),
                    S3TestServer.keys(bucket));
            writer.close();
        } finally {
            uploader.close(10_000);
        }
    }
}
