package io.sluice.file.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PartitionFileTest {

    private static final TopicPartition TP = new TopicPartition("orders", 3);

    @TempDir
    Path dir;

    private PartitionFile file(long maxRecords) {
        return new PartitionFile(dir, TP, RecordEncoder.of(new FileSinkConfig(Map.of("output.path", dir.toString()))),
                4096, maxRecords, 0, 0);
    }

    private static SinkRecord record(long offset) {
        return new SinkRecord(TP.topic(), TP.partition(), null, null, Schema.STRING_SCHEMA, "v" + offset, offset);
    }

    private void write(PartitionFile f, long from, long to) throws IOException {
        for (long o = from; o < to; o++) {
            f.write(record(o), 0);
        }
    }

    @Test
    void uncommittedTailIsCutOffAndConsumptionResumesAfterTheLastCommittedRecord() throws IOException {
        PartitionFile f = file(0);
        assertEquals(-1, f.recover());
        write(f, 0, 10);
        assertEquals(10, f.commit());
        write(f, 10, 15);
        f.close(); // a crash: the last five records were never committed

        PartitionFile reopened = file(0);
        assertEquals(10, reopened.recover());
        write(reopened, 10, 12);
        reopened.commit();
        reopened.close();
        assertEquals(lines(0, 12), Files.readAllLines(dir.resolve("orders-3.inprogress")));
    }

    @Test
    void rotatedFilesAreNamedByTheirOffsetsAndCountAsDurable() throws IOException {
        PartitionFile f = file(4);
        f.recover();
        write(f, 100, 110);
        f.close(); // two files rotated (100-103, 104-107); 108-109 never committed

        assertEquals(List.of("orders-3-00000000000000000100-00000000000000000103.txt",
                "orders-3-00000000000000000104-00000000000000000107.txt", "orders-3.inprogress"), names());
        PartitionFile reopened = file(4);
        assertEquals(108, reopened.recover());
        assertFalse(Files.exists(dir.resolve("orders-3.inprogress")), "the uncommitted file is discarded");
        write(reopened, 100, 112);
        reopened.commit();
        List<String> all = new ArrayList<>();
        for (String name : names()) {
            all.addAll(Files.readAllLines(dir.resolve(name)));
        }
        assertEquals(lines(100, 112), all.subList(0, 12), "redelivered records are not written twice");
        assertEquals(12, all.size());
    }

    @Test
    void aRotationWhoseRenameFailsKeepsItsRecordsInTheOpenFileAndNeverClaimsMoreThanTheFilesHold() throws IOException {
        PartitionFile f = file(4);
        f.recover();
        // something in the way of the finished file's name makes the rename fail, as an immutable directory would
        Path blocker = Files.createDirectories(dir.resolve("orders-3-00000000000000000100-00000000000000000103.txt"));
        Files.writeString(blocker.resolve("x"), "x");
        write(f, 100, 103);
        assertThrows(IOException.class, () -> f.write(record(103), 0));

        long claimed = f.commit();
        f.close();
        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        assertEquals(claimed, file(4).recover(), "what commit called durable is what a restart finds");
        assertEquals(lines(100, 104), Files.readAllLines(dir.resolve("orders-3.inprogress")));
    }

    private List<String> names() throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).filter(n -> !n.endsWith(".checkpoint")).sorted().toList();
        }
    }

    private static List<String> lines(long from, long to) {
        List<String> lines = new ArrayList<>();
        for (long o = from; o < to; o++) {
            lines.add("v" + o);
        }
        return lines;
    }
}
