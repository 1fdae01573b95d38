package io.sluice.file.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StreamFileTest {

    private static final TopicPartition A = new TopicPartition("orders", 0);
    private static final TopicPartition B = new TopicPartition("orders", 1);

    @TempDir
    Path dir;

    private StreamFile stream(int task, Map<String, String> extra) throws IOException {
        Map<String, String> props = new HashMap<>(Map.of("output.path", dir.toString(), "output.mode", "connector"));
        props.putAll(extra);
        StreamFile s = new StreamFile(dir, "sink", task, new FileSinkConfig(props));
        s.recover();
        return s;
    }

    private static SinkRecord record(TopicPartition tp, long offset) {
        return new SinkRecord(tp.topic(), tp.partition(), null, null, Schema.STRING_SCHEMA, tp.partition() + ":" + offset, offset);
    }

    private static void write(StreamFile s, TopicPartition tp, long from, long to) throws IOException {
        for (long o = from; o < to; o++) {
            s.write(record(tp, o), 0);
        }
    }

    @Test
    void uncommittedTailIsCutOffAndEveryPartitionRewindsToItsLastCommittedRecord() throws IOException {
        StreamFile s = stream(0, Map.of());
        assertEquals(Map.of(), s.open(List.of(A, B)));
        write(s, A, 0, 5);
        write(s, B, 10, 13);
        s.commit(0);
        write(s, A, 5, 8);
        write(s, B, 13, 20);
        s.close(); // a crash: the records after the commit were never committed

        StreamFile reopened = stream(0, Map.of());
        assertEquals(Map.of(A, 5L, B, 13L), reopened.open(List.of(A, B)));
        write(reopened, A, 4, 7); // offset 4 is redelivered and skipped
        reopened.commit(0);
        reopened.close();
        assertEquals(List.of("0:0", "0:1", "0:2", "0:3", "0:4", "1:10", "1:11", "1:12", "0:5", "0:6"),
                Files.readAllLines(dir.resolve("sink-0.inprogress")));
    }

    @Test
    void aPartitionMovedToAnotherTaskResumesAfterWhatTheFirstTaskCommitted() throws IOException {
        StreamFile first = stream(0, Map.of());
        first.open(List.of(A, B));
        write(first, A, 0, 4);
        write(first, B, 0, 9);
        first.commit(0);
        first.close(List.of(A, B));

        StreamFile second = stream(1, Map.of());
        assertEquals(Map.of(B, 9L), second.open(List.of(B)), "task 1 continues partition B where task 0 committed it");
        write(second, B, 7, 11);
        second.commit(0);
        assertEquals(List.of("1:9", "1:10"), Files.readAllLines(dir.resolve("sink-1.inprogress")));
    }

    @Test
    void losingAPartitionBeforeCommitCutsTheStreamBackAndRewindsThePartitionsKept() throws IOException {
        StreamFile s = stream(0, Map.of());
        s.open(List.of(A, B));
        write(s, A, 0, 2);
        s.commit(0);
        write(s, A, 2, 4);
        write(s, B, 0, 3);
        assertEquals(Map.of(A, 2L), s.close(List.of(B)));
        write(s, A, 2, 3);
        s.commit(0);
        s.close();
        assertEquals(List.of("0:0", "0:1", "0:2"), Files.readAllLines(dir.resolve("sink-0.inprogress")));
        assertEquals(Map.of(A, 3L), stream(1, Map.of()).open(List.of(A, B)), "B holds nothing durable");
    }

    @Test
    void rotatedFilesAreNumberedAndAnInterruptedRotationIsCompletedOnRecovery() throws IOException {
        StreamFile s = stream(0, Map.of("flush.size", "3"));
        s.open(List.of(A, B));
        write(s, A, 0, 2);
        write(s, B, 0, 2); // rotates after three records
        s.close();
        assertEquals(List.of("sink-0-0000000000.txt", "sink-0.inprogress"), names());

        // a crash between the rotation's checkpoint and its rename
        Files.writeString(dir.resolve("sink-0.checkpoint"), "seq 1\nlength 8\nrecords 2\nrotating true\norders 0 9\n");
        Files.writeString(dir.resolve("sink-0.inprogress"), "0:7\n0:8\nuncommitted\n");
        StreamFile reopened = stream(0, Map.of("flush.size", "3"));
        assertEquals(List.of("sink-0-0000000000.txt", "sink-0-0000000001.txt"), names());
        assertEquals(List.of("0:7", "0:8"), Files.readAllLines(dir.resolve("sink-0-0000000001.txt")));
        assertEquals(Map.of(A, 9L), reopened.open(List.of(A)));
    }

    @Test
    void aRotationWhoseRenameFailsNeverStartsAnEmptyFileOverTheOpenOne() throws IOException {
        StreamFile s = stream(0, Map.of("flush.size", "3"));
        s.open(List.of(A));
        Path blocker = Files.createDirectories(dir.resolve("sink-0-0000000000.txt"));
        Files.writeString(blocker.resolve("x"), "x");
        write(s, A, 0, 2);
        assertThrows(IOException.class, () -> s.write(record(A, 2), 0));

        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        write(s, A, 3, 4); // the rotation is tried again, with the record appended
        s.commit(0);
        assertEquals(List.of("0:0", "0:1", "0:2", "0:3"), Files.readAllLines(dir.resolve("sink-0-0000000000.txt")));
        assertEquals(Map.of(A, 4L), stream(1, Map.of()).open(List.of(A)));
    }

    @Test
    void csvHeaderRowStartsEveryFile() throws IOException {
        Schema schema = SchemaBuilder.struct().field("id", Schema.INT64_SCHEMA).field("item", Schema.STRING_SCHEMA).build();
        StreamFile s = stream(0, Map.of("format", "csv", "csv.first.row.as.header", "true", "flush.size", "2"));
        s.open(List.of(A));
        for (long o = 0; o < 3; o++) {
            s.write(new SinkRecord(A.topic(), A.partition(), null, null, schema,
                    new Struct(schema).put("id", o).put("item", "x" + o), o), 0);
        }
        s.commit(0);
        assertEquals(List.of("id,item", "0,x0", "1,x1"), Files.readAllLines(dir.resolve("sink-0-0000000000.csv")));
        assertEquals(List.of("id,item", "2,x2"), Files.readAllLines(dir.resolve("sink-0.inprogress")));
        s.close();
        StreamFile reopened = stream(0, Map.of("format", "csv", "csv.first.row.as.header", "true", "flush.size", "2"));
        reopened.open(List.of(A));
        reopened.write(new SinkRecord(A.topic(), A.partition(), null, null, schema,
                new Struct(schema).put("id", 3L).put("item", "x3"), 3), 0);
        reopened.commit(0);
        assertFalse(Files.exists(dir.resolve("sink-0.inprogress")), "rotated at two records");
        assertEquals(List.of("id,item", "2,x2", "3,x3"), Files.readAllLines(dir.resolve("sink-0-0000000001.csv")),
                "a resumed file keeps its one header");
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.contains(".checkpoint")).sorted().toList();
        }
    }

    static List<String> lines(long from, long to) {
        List<String> lines = new ArrayList<>();
        for (long o = from; o < to; o++) {
            lines.add("v" + o);
        }
        return lines;
    }
}
