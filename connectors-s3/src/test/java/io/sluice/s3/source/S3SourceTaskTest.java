package io.sluice.s3.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.s3.testing.S3TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

/** The source task against a real S3-compatible server, reading prefixes of arbitrary objects. */
class S3SourceTaskTest {

    private final String bucket = S3TestServer.newBucket();
    private final Map<Map<String, ?>, Map<String, Object>> committed = new HashMap<>();

    private S3SourceTask start(Map<String, String> extra) {
        Map<String, String> props = new HashMap<>(S3TestServer.connectorSettings(bucket));
        props.put("topic", "landing");
        props.put("s3.poll.interval.ms", "10");
        props.putAll(extra);
        S3SourceTask task = new S3SourceTask();
        task.initialize(new SourceTaskContext() {
            @Override
            public Map<String, String> configs() {
                return props;
            }

            @Override
            public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
                return null;
            }

            @Override
            public OffsetStorageReader offsetStorageReader() {
                return new OffsetStorageReader() {
                    @Override
                    public <T> Map<String, Object> offset(Map<String, T> partition) {
                        return committed.get(partition);
                    }

                    @Override
                    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                        Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
                        partitions.forEach(p -> result.put(p, committed.get(p)));
                        return result;
                    }
                };
            }
        });
        task.start(props);
        return task;
    }

    /** Polls until a poll returns nothing, committing each record's offset as the worker would. */
    private List<SourceRecord> drain(S3SourceTask task) throws InterruptedException {
        List<SourceRecord> all = new ArrayList<>();
        List<SourceRecord> batch;
        while ((batch = task.poll()) != null) {
            for (SourceRecord r : batch) {
                committed.put(r.sourcePartition(), new HashMap<>(r.sourceOffset()));
            }
            all.addAll(batch);
        }
        return all;
    }

    private static byte[] gzip(String text) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
            gz.write(text.getBytes(StandardCharsets.UTF_8));
        }
        return out.toByteArray();
    }

    @Test
    void jsonLinesOfAPrefixAreReadInKeyOrderAndARestartedTaskGoesOnAfterTheLastDeliveredRecord() throws Exception {
        S3TestServer.put(bucket, "in/a.json", "{\"n\":1}\n{\"n\":2}\n\n{\"n\":3}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "in/b.json.gz", gzip("{\"n\":4}\n{\"n\":5}"));
        S3TestServer.put(bucket, "other/c.json", "{\"n\":99}\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> props = Map.of("s3.prefixes", "in/", "format.class", "json", "batch.max.records", "2",
                "sluice.s3.task.units", "prefix:in/");

        S3SourceTask first = start(props);
        List<SourceRecord> records = new ArrayList<>(first.poll()); // {"n":1}, {"n":2}
        records.forEach(r -> committed.put(r.sourcePartition(), new HashMap<>(r.sourceOffset())));
        first.stop();
        assertEquals(List.of(Map.of("n", 1L), Map.of("n", 2L)), records.stream().map(SourceRecord::value).toList());

        S3TestServer.put(bucket, "in/c.json", "{\"n\":6}\n".getBytes(StandardCharsets.UTF_8));
        S3SourceTask second = start(props);
        List<SourceRecord> rest = drain(second);
        second.stop();
        assertEquals(List.of(Map.of("n", 3L), Map.of("n", 4L), Map.of("n", 5L), Map.of("n", 6L)),
                rest.stream().map(SourceRecord::value).toList());
        assertEquals("landing", rest.get(0).topic());
        assertNull(rest.get(0).kafkaPartition(), "arbitrary objects: the producer partitions");
    }

    @Test
    void rawObjectsAreSplitAtTheSeparatorOrReadWhole() throws Exception {
        S3TestServer.put(bucket, "raw/x.bin", "a|bb||ccc|".getBytes(StandardCharsets.UTF_8));
        S3SourceTask split = start(Map.of("s3.prefixes", "raw/", "format.class", "bytes",
                "format.bytearray.separator", "|", "sluice.s3.task.units", "prefix:raw/"));
        List<String> parts = drain(split).stream().map(r -> new String((byte[]) r.value(), StandardCharsets.UTF_8))
                .toList();
        split.stop();
        assertEquals(List.of("a", "bb", "", "ccc"), parts);

        committed.clear();
        S3SourceTask whole = start(Map.of("s3.prefixes", "raw/", "format.class", "bytes",
                "format.bytearray.separator", "", "sluice.s3.task.units", "prefix:raw/"));
        List<SourceRecord> objects = drain(whole);
        whole.stop();
        assertEquals(1, objects.size());
        assertEquals("a|bb||ccc|", new String((byte[]) objects.get(0).value(), StandardCharsets.UTF_8));
    }
}
