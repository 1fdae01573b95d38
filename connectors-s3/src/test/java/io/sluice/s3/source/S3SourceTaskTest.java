package io.sluice.s3.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.LogCapture;
import io.sluice.runtime.testing.RecordingSourceContext;
import io.sluice.s3.testing.S3TestServer;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.zip.GZIPOutputStream;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
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
        task.initialize(new RecordingSourceContext(props, committed));
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

    /**
     * The tester's story: a listing is not a snapshot, and an object listed but deleted before the task read it
     * failed the task. It is skipped with one WARN naming it; the objects around it are read whole, each record once,
     * and the offsets go on from the last record delivered.
     */
    @Test
    void anObjectDeletedBetweenItsListingAndItsReadIsSkippedWithOneWarningAndEveryOtherRecordIsReadOnce()
            throws Exception {
        S3TestServer.put(bucket, "in/a.json", "{\"n\":1}\n{\"n\":2}\n{\"n\":3}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "in/b.json", "{\"n\":4}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "in/c.json", "{\"n\":5}\n{\"n\":6}\n".getBytes(StandardCharsets.UTF_8));
        S3SourceTask task = start(Map.of("s3.prefixes", "in/", "format.class", "json", "batch.max.records", "2",
                "sluice.s3.task.units", "prefix:in/"));
        try (LogCapture log = LogCapture.open()) {
            List<SourceRecord> records = new ArrayList<>(task.poll()); // half of a.json; b and c are listed with it
            records.forEach(r -> committed.put(r.sourcePartition(), new HashMap<>(r.sourceOffset())));
            S3TestServer.client().deleteObject(b -> b.bucket(bucket).key("in/b.json"));

            records.addAll(drain(task));

            assertEquals(List.of(1L, 2L, 3L, 5L, 6L), records.stream().map(r -> ((Map<?, ?>) r.value()).get("n")).toList());
            List<String> warned = log.linesWith("in/b.json");
            assertEquals(1, warned.size(), String.join("\n", log.lines()));
            assertTrue(warned.get(0).startsWith("WARN ") && warned.get(0).contains("skipping it"), warned.get(0));
            assertEquals(Map.of("object", "in/c.json", "position", 2L), committed.values().iterator().next());
        } finally {
            task.stop();
        }
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

    @Test
    void csvRowsBecomeStructsNamedByTheHeaderWithQuotedSeparatorsQuotesAndLineBreaks() throws Exception {
        S3TestServer.put(bucket, "csv/a.csv", ("id,name,note\r\n1,Ann,\"says \"\"hi\"\", twice\"\r\n"
                + "2,Bob,\"two\nlines\"\n\n3,Cy\n").getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "csv/b.csv.gz", gzip("id,name,note\n4,Di,x"));
        List<SourceRecord> rows = drain(start(Map.of("s3.prefixes", "csv/", "format.class", "csv",
                "sluice.s3.task.units", "prefix:csv/")));
        assertEquals(4, rows.size(), "the blank line holds no record");
        Struct first = (Struct) rows.get(0).value();
        assertEquals(List.of("id", "name", "note"), first.schema().fields().stream().map(Field::name).toList());
        assertEquals("says \"hi\", twice", first.getString("note"));
        assertEquals("two\nlines", ((Struct) rows.get(1).value()).getString("note"));
        assertNull(((Struct) rows.get(2).value()).getString("note"), "a short row leaves the rest null");
        assertEquals("Di", ((Struct) rows.get(3).value()).getString("name"));

        committed.clear();
        S3TestServer.put(bucket, "tsv/a.tsv", "1\tx\n2\ty\n".getBytes(StandardCharsets.UTF_8));
        List<SourceRecord> tsv = drain(start(Map.of("s3.prefixes", "tsv/", "format.class", "csv",
                "csv.separator", "\\t", "csv.header", "false", "sluice.s3.task.units", "prefix:tsv/")));
        assertEquals("y", ((Struct) tsv.get(1).value()).getString("column2"));
    }

    @Test
    void avroFilesOfAPrefixAreReadWithTheirSchemaAndARestartResumesInsideAFile() throws Exception {
        org.apache.avro.Schema schema = org.apache.avro.SchemaBuilder.record("Reading").namespace("com.example")
                .fields().requiredLong("n").optionalString("label").endRecord();
        ByteArrayOutputStream file = new ByteArrayOutputStream();
        try (DataFileWriter<GenericRecord> writer = new DataFileWriter<>(new GenericDatumWriter<GenericRecord>(schema))) {
            writer.setCodec(CodecFactory.deflateCodec(6));
            writer.create(schema, file);
            for (long n = 0; n < 5; n++) {
                GenericRecord r = new GenericData.Record(schema);
                r.put("n", n);
                r.put("label", n % 2 == 0 ? "even" : null);
                writer.append(r);
            }
        }
        S3TestServer.put(bucket, "avro/1.avro", file.toByteArray());
        Map<String, String> props = Map.of("s3.prefixes", "avro/", "format.class", "avro", "batch.max.records", "3",
                "sluice.s3.task.units", "prefix:avro/");

        S3SourceTask first = start(props);
        List<SourceRecord> head = first.poll();
        head.forEach(r -> committed.put(r.sourcePartition(), new HashMap<>(r.sourceOffset())));
        first.stop();
        S3SourceTask second = start(props);
        List<SourceRecord> tail = drain(second);
        second.stop();

        Schema connect = head.get(0).valueSchema();
        assertEquals("com.example.Reading", connect.name());
        assertEquals(Schema.OPTIONAL_STRING_SCHEMA, connect.field("label").schema());
        List<Object> ns = new ArrayList<>();
        head.forEach(r -> ns.add(((Struct) r.value()).get("n")));
        tail.forEach(r -> ns.add(((Struct) r.value()).get("n")));
        assertEquals(List.of(0L, 1L, 2L, 3L, 4L), ns, "each datum once across the restart");
        assertEquals("even", ((Struct) tail.get(1).value()).getString("label"));
    }

    @Test
    void anOffsetSetToAnObjectAndPositionStartsTheTaskRightAfterIt() throws Exception {
        S3TestServer.put(bucket, "set/a.json", "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "set/b.json", "{\"n\":2}\n{\"n\":3}\n{\"n\":4}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "set/c.json", "{\"n\":5}\n".getBytes(StandardCharsets.UTF_8));
        committed.put(Map.of("unit", "prefix:set/"), Map.of("object", "set/b.json", "position", 1L));
        S3SourceTask task = start(Map.of("s3.prefixes", "set/", "format.class", "json",
                "sluice.s3.task.units", "prefix:set/"));
        List<SourceRecord> read = drain(task);
        task.stop();
        assertEquals(List.of(Map.of("n", 3L), Map.of("n", 4L), Map.of("n", 5L)),
                read.stream().map(SourceRecord::value).toList());
    }

    @Test
    void aStoredOffsetOfTheWrongShapeFailsTheTaskNamingPartitionAndValueInsteadOfReadingTheUnitAgain() {
        S3TestServer.put(bucket, "bad/a.json", "{\"n\":1}\n".getBytes(StandardCharsets.UTF_8));
        Map<String, String> partition = Map.of("unit", "prefix:bad/");
        Map<String, String> props = Map.of("name", "landing-files", "s3.prefixes", "bad/", "format.class", "json",
                "sluice.s3.task.units", "prefix:bad/");
        committed.put(partition, new TreeMap<>(Map.of("object", "bad/a.json", "position", "notanumber")));
        String message = assertThrows(ConnectException.class, () -> start(props)).getMessage();
        assertEquals("The stored offset {object=bad/a.json, position=notanumber} of partition {unit=prefix:bad/} "
                + "cannot be used: The value for the 'position' key in the offset is expected to be a Long value (the "
                + "records of the object already delivered), not \"notanumber\". Stop the connector, then alter (PATCH) "
                + "or reset (DELETE) its offsets at /connectors/landing-files/offsets", message);
        committed.put(partition, Map.of("pos", 0L));
        assertTrue(assertThrows(ConnectException.class, () -> start(props)).getMessage()
                .contains("cannot be used: Offset objects should either be null or contain the key 'object'"));
    }
}
