package io.sluice.file.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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

    @Test
    void aRestartAfterFinishedFilesWereShippedAwayResumesAfterTheLastDurableRecordWithoutNulBytes() throws IOException {
        PartitionFile f = file(4);
        f.recover();
        write(f, 0, 6);
        f.commit(); // 0-3 finished, 4-5 durable in the open file
        write(f, 6, 10);
        f.close(); // 4-7 finished since, 8-9 in a new open file never committed: the task failed on a full disk
        Path shipped = Files.createDirectories(dir.resolve("shipped"));
        for (String name : names()) {
            if (name.endsWith(".txt")) {
                Files.move(dir.resolve(name), shipped.resolve(name));
            }
        }

        PartitionFile reopened = file(4);
        assertEquals(8, reopened.recover(), "resumes after the last finished record, not in the checkpoint's old file");
        write(reopened, 8, 14);
        reopened.commit();
        reopened.close();
        List<String> all = new ArrayList<>();
        for (Path d : List.of(shipped, dir)) {
            try (Stream<Path> s = Files.list(d)) {
                for (Path p : s.filter(p -> !p.getFileName().toString().contains(".checkpoint")
                        && Files.isRegularFile(p)).sorted().toList()) {
                    byte[] bytes = Files.readAllBytes(p);
                    assertFalse(new String(bytes).contains("\0"), p + " holds NUL bytes");
                    all.addAll(Files.readAllLines(p));
                }
            }
        }
        assertEquals(lines(0, 14), all, "every record once, in order");
        assertEquals(List.of("orders-3-00000000000000000008-00000000000000000011.txt", "orders-3.inprogress", "shipped"),
                names());
    }

    @Test
    void aCrashBetweenTheRotationsCheckpointAndItsRenameFinishesTheFileOnRestart() throws IOException {
        committed(100, 104);
        long length = Files.size(dir.resolve("orders-3.inprogress"));
        // what rotate() leaves when the worker dies right after recording the rotation
        Files.writeString(dir.resolve("orders-3.checkpoint"), "rotating 100 104 4 " + length + "\n");

        assertEquals(104, file(0).recover());
        assertEquals(List.of("orders-3-00000000000000000100-00000000000000000103.txt"), names());
        assertEquals(lines(100, 104), Files.readAllLines(dir.resolve(names().get(0))));
    }

    @Test
    void anOpenFileShorterThanItsCheckpointSaysIsRefusedRatherThanPaddedWithNulBytes() throws IOException {
        committed(0, 10);
        Path open = dir.resolve("orders-3.inprogress");
        long length = Files.size(open);
        try (var ch = java.nio.channels.FileChannel.open(open, java.nio.file.StandardOpenOption.WRITE)) {
            ch.truncate(length - 5); // replaced or cut outside the sink
        }

        IOException e = assertThrows(IOException.class, () -> file(0).recover());
        assertTrue(e.getMessage().contains("fewer than the " + length), e.getMessage());
        assertEquals(length - 5, Files.size(open), "the file is left as it was");
    }

    @Test
    void aCheckpointOfAnEarlierVersionStillResumesItsOpenFile() throws IOException {
        PartitionFile f = file(0);
        f.recover();
        write(f, 100, 104);
        f.commit();
        write(f, 104, 106);
        f.close();
        Path open = dir.resolve("orders-3.inprogress");
        long durableLength = lines(100, 104).stream().mapToLong(l -> l.length() + 1).sum();
        Files.writeString(dir.resolve("orders-3.checkpoint"), "100 104 4 " + durableLength + "\n");

        PartitionFile reopened = file(0);
        assertEquals(104, reopened.recover());
        write(reopened, 104, 106);
        reopened.commit();
        assertEquals(lines(100, 106), Files.readAllLines(open));
    }

    /** Writes and commits records from..to-1 into a new open file, then lets it go as a stopped task does. */
    private void committed(long from, long to) throws IOException {
        PartitionFile f = file(0);
        f.recover();
        write(f, from, to);
        f.commit();
        f.close();
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
