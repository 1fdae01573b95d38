package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.RecordingSourceContext;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The source task on its own: offsets in memory, polls driven by the test. */
class FileSourceTaskTest {

    @TempDir
    Path dir;

    private final Map<Map<String, ?>, Map<String, Object>> offsets = new HashMap<>();
    private FileSourceTask task;

    @AfterEach
    void stop() {
        if (task != null) {
            task.stop();
        }
    }

    private FileSourceTask start(Map<String, String> config) {
        Map<String, String> props = new HashMap<>(config);
        props.putIfAbsent("topic", "t");
        props.put("input.scan.interval.ms", "10");
        props.put("poll.interval.ms", "5");
        task = new FileSourceTask();
        task.initialize(new RecordingSourceContext(props, offsets));
        task.start(props);
        return task;
    }

    /** Polls until `count` records arrived (or fails after 10 s), committing each record's offset. */
    private List<SourceRecord> pollFor(int count) throws InterruptedException {
        List<SourceRecord> records = new ArrayList<>();
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (records.size() < count) {
            assertTrue(System.nanoTime() < deadline, "expected " + count + " records, got " + records.size());
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                for (SourceRecord r : batch) {
                    offsets.put(cast(r.sourcePartition()), cast(r.sourceOffset()));
                    task.commitRecord(r, null);
                }
                records.addAll(batch);
            }
        }
        return records;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> cast(Map<String, ?> map) {
        return (Map<String, Object>) map;
    }

    private static List<String> values(List<SourceRecord> records) {
        return records.stream().map(r -> String.valueOf(r.value())).toList();
    }

    @Test
    void restartResumesAfterTheCommittedLineAndHeadersNameFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "one\r\ntwo\nthree\npartial");
        start(Map.of("file", file.toString(), "file.headers.enabled", "true"));
        List<SourceRecord> first = pollFor(3);
        assertEquals(List.of("one", "two", "three"), values(first));
        assertEquals("a.txt", first.get(2).headers().lastWithName("file.name").value());
        assertEquals(3L, first.get(2).headers().lastWithName("file.line").value());
        task.stop();

        Files.writeString(file, " line\nfour\n", StandardOpenOption.APPEND);
        start(Map.of("file", file.toString(), "file.headers.enabled", "true"));
        List<SourceRecord> second = pollFor(2);
        assertEquals(List.of("partial line", "four"), values(second));
        assertEquals(5L, second.get(1).headers().lastWithName("file.line").value());
    }

    @Test
    void aPositionSetWithoutAFileKeyIsWhereTheFileAtThatPathIsReadFrom() throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "one\ntwo\nthree\n");
        offsets.put(Map.of("path", file.toString()), Map.of("position", 4L)); // as PATCH /connectors/x/offsets sets it
        start(Map.of("file", file.toString()));
        assertEquals(List.of("two", "three"), values(pollFor(2)));
    }

    @Test
    void aStoredOffsetOfTheWrongShapeFailsTheTaskNamingThePartitionAndTheValueNotWithACastOrANullPointer()
            throws Exception {
        Path file = Files.writeString(dir.resolve("a.txt"), "one\n");
        Map<String, Object> partition = Map.of("path", file.toString());
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("position", "notanumber"), Map.of("pos", 0L),
                Map.of("position", -10L), Map.of("position", 2.5), Map.of("position", 3L, "line", "x"),
                Map.of("position", 3L, "file.key", 7L))) {
            offsets.put(partition, bad);
            start(Map.of("file", file.toString(), "name", "lines"));
            ConnectException e = assertThrows(ConnectException.class, () -> task.poll(), bad.toString());
            assertTrue(e.getMessage().startsWith("The stored offset " + bad + " of partition " + partition
                    + " cannot be used: "), e.getMessage());
            assertTrue(e.getMessage().endsWith("alter (PATCH) or reset (DELETE) its offsets at /connectors/lines/offsets"),
                    e.getMessage());
            task.stop();
        }
    }

    @Test
    void truncatedFileIsReadAgainAndReplacedFileFromItsStart() throws Exception {
        Path file = Files.writeString(dir.resolve("app.log"), "a1\na2\na3\n");
        start(Map.of("file", file.toString()));
        assertEquals(List.of("a1", "a2", "a3"), values(pollFor(3)));
        Files.writeString(file, "b1\n", StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(List.of("b1"), values(pollFor(1)));

        Files.move(file, dir.resolve("app.log.1"));
        Files.writeString(file, "c1\nc2\n");
        assertEquals(List.of("c1", "c2"), values(pollFor(2)));
    }

    @Test
    void fileRotatedByRenameToAPathStillReadIsNotReadAgain() throws Exception {
        Path log = Files.writeString(dir.resolve("app.log"), "a1\na2\n");
        Map<String, String> config = Map.of("file", dir + "/app.log*");
        start(config);
        assertEquals(List.of("a1", "a2"), values(pollFor(2)));

        Files.writeString(log, "a3\n", StandardOpenOption.APPEND);
        Files.move(log, dir.resolve("app.log.1"));
        Files.writeString(log, "b1\n");
        List<String> afterRotation = new ArrayList<>(values(pollFor(2)));
        afterRotation.sort(null);
        assertEquals(List.of("a3", "b1"), afterRotation, "the renamed file continues where it was");
        assertNothingMore();

        // rotated twice more while the task is down: the renamed files are recognised by their file keys
        for (String next : List.of("c1", "d1")) {
            task.stop();
            rotate(log, next);
            start(config);
            assertEquals(List.of(next), values(pollFor(1)));
            assertNothingMore();
        }
    }

    /** logrotate's way: shifts app.log.N to app.log.N+1, renames the log to app.log.1 and creates it anew. */
    private static void rotate(Path log, String content) throws IOException {
        int copies = 0;
        while (Files.exists(log.resolveSibling(log.getFileName() + "." + (copies + 1)))) {
            copies++;
        }
        for (int i = copies; i >= 1; i--) {
            Files.move(log.resolveSibling(log.getFileName() + "." + i), log.resolveSibling(log.getFileName() + "." + (i + 1)));
        }
        Files.move(log, log.resolveSibling(log.getFileName() + ".1"));
        Files.writeString(log, content + "\n");
    }

    /** Polls for a while (several scans) and expects no record. */
    private void assertNothingMore() throws InterruptedException {
        for (int i = 0; i < 30; i++) {
            List<SourceRecord> batch = task.poll();
            assertTrue(batch == null || batch.isEmpty(), () -> "unexpected records " + values(batch));
        }
    }

    @Test
    void malformedLineFailsTheTaskNamingFileAndLine() throws Exception {
        Path file = Files.writeString(dir.resolve("data.json"), "{\"a\":1}\n{oops\n");
        start(Map.of("file", file.toString(), "format", "json"));
        ConnectException e = assertThrows(ConnectException.class, () -> pollFor(2));
        assertTrue(e.getMessage().contains("line 2 of file " + file), e.getMessage());
    }

    @Test
    void malformedLineIsSkippedWhenErrorsAreTolerated() throws Exception {
        Path file = Files.writeString(dir.resolve("data.json"), "{\"a\":1}\n{oops\n{\"a\":3}\n");
        start(Map.of("file", file.toString(), "format", "json", "errors.tolerance", "all"));
        List<SourceRecord> records = pollFor(2);
        assertEquals(List.of(Map.of("a", 1L), Map.of("a", 3L)), records.stream().map(SourceRecord::value).toList());
    }

    @Test
    void malformedLineGoesToTheDeadLetterQueueAsRawTextWithFileAndLineHeaders() throws Exception {
        Path file = Files.writeString(dir.resolve("data.csv"), "id,n\n1,2\n\"broken,3\n4,5\n");
        start(Map.of("file", file.toString(), "format", "csv", "errors.tolerance", "all",
                "errors.deadletterqueue.topic.name", "bad-lines", "name", "src"));
        List<SourceRecord> records = pollFor(3);
        SourceRecord dlq = records.get(1);
        assertEquals("bad-lines", dlq.topic());
        assertEquals("\"broken,3", dlq.value());
        assertEquals(file.toString(), dlq.headers().lastWithName("__connect.errors.file.name").value());
        assertEquals("3", dlq.headers().lastWithName("__connect.errors.file.line").value());
        assertEquals("t", dlq.headers().lastWithName("__connect.errors.topic").value());
        assertEquals("src", dlq.headers().lastWithName("__connect.errors.connector.name").value());
        assertTrue(((String) dlq.headers().lastWithName("__connect.errors.exception.message").value())
                .contains("line 3 of file " + file));
        assertEquals(List.of("t", "bad-lines", "t"), records.stream().map(SourceRecord::topic).toList());
        assertEquals(Files.size(file) - 4, ((Number) dlq.sourceOffset().get("position")).longValue(),
                "the DLQ record carries the line's offset, so the line is not read again once it is acknowledged");
    }

    /**
     * "ok", a line with the byte 0xFF in it (not UTF-8), a line holding U+FFFD itself, "after"; for json each as
     * the value of a field v.
     */
    private Path withInvalidUtf8(String name, boolean json) throws IOException {
        byte[] invalid = {'a', (byte) 0xff, 'b'};
        byte[] realReplacementChar = "x\uFFFDy".getBytes(StandardCharsets.UTF_8);
        java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
        for (byte[] line : List.of("ok".getBytes(StandardCharsets.UTF_8), invalid, realReplacementChar,
                "after".getBytes(StandardCharsets.UTF_8))) {
            bytes.write(json ? "{\"v\":\"".getBytes(StandardCharsets.UTF_8) : new byte[0]);
            bytes.write(line);
            bytes.write(json ? "\"}".getBytes(StandardCharsets.UTF_8) : new byte[0]);
            bytes.write('\n');
        }
        return Files.write(dir.resolve(name), bytes.toByteArray());
    }

    @Test
    void aLineThatIsNotUtf8FailsTheTaskNamingFileLineAndByteInsteadOfBeingAlteredSilently() throws Exception {
        for (String format : List.of("text", "csv", "json")) {
            Path file = withInvalidUtf8("bad." + format, format.equals("json"));
            start(Map.of("file", file.toString(), "format", format, "csv.first.row.as.header", "false"));
            ConnectException e = assertThrows(ConnectException.class, () -> pollFor(4), format);
            int at = format.equals("json") ? 7 : 1; // after {"v":"
            assertTrue(e.getMessage().contains("line 2 of file " + file)
                    && e.getMessage().contains("not valid UTF-8 at byte " + at + " of the line"), e.getMessage());
            task.stop();
        }
    }

    @Test
    void aLineThatIsNotUtf8GoesToTheDeadLetterQueueWithItsExactBytesAndTheOtherLinesFlow() throws Exception {
        Path file = withInvalidUtf8("bad.txt", false);
        start(Map.of("file", file.toString(), "errors.tolerance", "all", "errors.deadletterqueue.topic.name", "bad-lines"));
        List<SourceRecord> records = pollFor(4);
        assertEquals(List.of("t", "bad-lines", "t", "t"), records.stream().map(SourceRecord::topic).toList());
        assertEquals(List.of("ok", "x\uFFFDy", "after"), values(List.of(records.get(0), records.get(2), records.get(3))),
                "a U+FFFD the file holds is text like any other");
        SourceRecord dlq = records.get(1);
        assertEquals("2", dlq.headers().lastWithName("__connect.errors.file.line").value());
        assertEquals("3", dlq.headers().lastWithName("__connect.errors.file.position").value());
        assertEquals(file.toString(), dlq.headers().lastWithName("__connect.errors.file.name").value());
        assertEquals(FileSourceTask.class.getName(), dlq.headers().lastWithName("__connect.errors.class.name").value(),
                "the task that polled, as in Apache's TASK_POLL stage; not a parser's generated class name");
        assertEquals(java.util.Base64.getEncoder().encodeToString(new byte[] {'a', (byte) 0xff, 'b'}),
                dlq.headers().lastWithName("__connect.errors.file.line.base64").value());
        task.stop();

        offsets.clear(); // read the file again, now into a topic of bytes
        start(Map.of("file", file.toString(), "errors.tolerance", "all", "errors.deadletterqueue.topic.name", "bad-lines",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"));
        assertArrayEquals(new byte[] {'a', (byte) 0xff, 'b'}, (byte[]) pollFor(4).get(1).value(),
                "a bytes converter gets the line itself");
    }

    @Test
    void encodingErrorsReplaceReadsTheLineWithReplacementCharacters() throws Exception {
        Path file = withInvalidUtf8("bad.txt", false);
        start(Map.of("file", file.toString(), "encoding.errors", "replace"));
        assertEquals(List.of("ok", "a\uFFFDb", "x\uFFFDy", "after"), values(pollFor(4)));
        task.stop();
        Path json = withInvalidUtf8("bad.json", true);
        start(Map.of("file", json.toString(), "format", "json", "encoding.errors", "replace"));
        assertEquals(List.of("{v=ok}", "{v=a\uFFFDb}", "{v=x\uFFFDy}", "{v=after}"), values(pollFor(4)));
    }

    @Test
    void encodingErrorsKeepPassesEveryLinesBytesUnchanged() throws Exception {
        Path file = withInvalidUtf8("bad.txt", false);
        start(Map.of("file", file.toString(), "encoding.errors", "keep",
                "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter"));
        List<SourceRecord> records = pollFor(4);
        java.io.ByteArrayOutputStream joined = new java.io.ByteArrayOutputStream();
        for (SourceRecord r : records) {
            assertEquals(org.apache.kafka.connect.data.Schema.BYTES_SCHEMA, r.valueSchema());
            joined.write((byte[]) r.value());
            joined.write('\n');
        }
        assertArrayEquals(Files.readAllBytes(file), joined.toByteArray());
    }

    @Test
    void csvResumedPastTheHeaderStillKnowsTheColumnsAndReadAgainFromItsStartSkipsItsHeader() throws Exception {
        Path file = Files.writeString(dir.resolve("p.csv"), "id,name\n1,pen\n");
        Map<String, String> config = Map.of("file", file.toString(), "format", "csv", "value.schema", "id:int64,name:string",
                "key.field", "id");
        start(config);
        assertEquals(1L, pollFor(1).get(0).key());
        task.stop();
        Files.writeString(file, "2,ink\n", StandardOpenOption.APPEND);
        start(config);
        Struct value = (Struct) pollFor(1).get(0).value();
        assertEquals("ink", value.getString("name"));
        assertEquals(2L, value.getInt64("id"));
        // copytruncate, written past the old position: the header row is a header again, not a malformed record
        Files.writeString(file, "id,name\n3,cap\n4,box\n5,jar\n", StandardOpenOption.TRUNCATE_EXISTING);
        assertEquals(List.of(3L, 4L, 5L), pollFor(3).stream().map(SourceRecord::key).toList());
    }

    @Test
    void directoryIsWatchedAndFinishedFilesAreMovedOnlyAfterTheirRecordsAreCommitted() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path done = dir.resolve("done");
        Files.writeString(in.resolve("first.csv"), "x\n1\n2\n");
        start(Map.of("input.path", in.toString(), "input.file.pattern", ".*\\.csv", "format", "csv",
                "cleanup.policy", "MOVE", "finished.path", done.toString(), "finished.idle.ms", "50"));
        assertEquals(2, pollFor(2).size());
        Files.writeString(in.resolve("second.csv"), "x\n3\n4");
        Files.writeString(in.resolve("ignored.txt"), "nope\n");
        List<SourceRecord> second = pollFor(2);
        assertEquals("4", ((Struct) second.get(1).value()).getString("x"), "a last line without newline is read at finish");
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!(Files.exists(done.resolve("first.csv")) && Files.exists(done.resolve("second.csv")))) {
            assertTrue(System.nanoTime() < deadline, "finished files moved");
            assertEquals(null, task.poll());
        }
        assertFalse(Files.exists(in.resolve("first.csv")));
        assertTrue(Files.exists(in.resolve("ignored.txt")));
    }

    @Test
    void aFinishedFileThatCannotBeMovedFailsTheTaskSayingSoAndIsNotReadAgainOnceMended() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path done = Files.writeString(dir.resolve("done"), "a file where the directory should be");
        Files.writeString(in.resolve("first.csv"), "x\n1\n");
        Map<String, String> config = Map.of("input.path", in.toString(), "format", "csv", "cleanup.policy", "MOVE",
                "finished.path", done.toString(), "finished.idle.ms", "0");
        start(config);
        assertEquals(1, pollFor(1).size());
        ConnectException failure = assertThrows(ConnectException.class, () -> {
            long deadline = System.nanoTime() + 10_000_000_000L;
            while (System.nanoTime() < deadline) {
                task.poll();
            }
        });
        assertTrue(failure.getMessage().startsWith("Cannot move finished file " + in.resolve("first.csv") + " to "
                + done + " (every record of it is committed): "), failure.getMessage());

        task.stop();
        Files.delete(done);
        start(config);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (!Files.exists(done.resolve("first.csv"))) {
            assertTrue(System.nanoTime() < deadline, "moved once the directory can hold it");
            assertEquals(null, task.poll(), "its records are not read again");
        }
    }

    @Test
    void fileIsNotMovedWhileRecordsAreUncommitted() throws Exception {
        Path in = Files.createDirectories(dir.resolve("in"));
        Files.writeString(in.resolve("f.txt"), "1\n");
        start(Map.of("input.path", in.toString(), "cleanup.policy", "DELETE", "finished.idle.ms", "0"));
        List<SourceRecord> records = null;
        while (records == null) {
            records = task.poll();
        }
        for (int i = 0; i < 20; i++) {
            task.poll();
        }
        assertTrue(Files.exists(in.resolve("f.txt")), "not deleted before its record is committed");
        task.commitRecord(records.get(0), null);
        long deadline = System.nanoTime() + 10_000_000_000L;
        while (Files.exists(in.resolve("f.txt"))) {
            assertTrue(System.nanoTime() < deadline, "deleted after commit");
            task.poll();
        }
    }

    @Test
    void longLinesGrowTheReadBuffer() throws IOException, InterruptedException {
        String longLine = "y".repeat(5000);
        Path file = Files.writeString(dir.resolve("long.txt"), "s\n" + longLine + "\nt\n");
        start(Map.of("file", file.toString(), "read.buffer.bytes", "1024"));
        assertEquals(List.of("s", longLine, "t"), values(pollFor(3)));
    }
}
