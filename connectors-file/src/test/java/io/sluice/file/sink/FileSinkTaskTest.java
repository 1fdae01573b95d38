package io.sluice.file.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.StubSinkContext;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The sink task on its own, driven as the runtime drives it. */
class FileSinkTaskTest {

    private static final TopicPartition TP = new TopicPartition("orders", 0);

    @TempDir
    Path dir;

    private StubSinkContext context;

    private FileSinkTask start() {
        return start(dir);
    }

    private FileSinkTask start(Path out) {
        FileSinkTask task = new FileSinkTask();
        context = new StubSinkContext();
        context.assignment.add(TP);
        task.initialize(context);
        task.start(Map.of("output.path", out.toString(), "flush.size", "2"));
        task.open(List.of(TP));
        return task;
    }

    private static List<SinkRecord> records(long from, long to) {
        return java.util.stream.LongStream.range(from, to).mapToObj(o ->
                new SinkRecord(TP.topic(), TP.partition(), null, null, Schema.STRING_SCHEMA, "v" + o, o)).toList();
    }

    @Test
    void afterAFailedWriteTheTaskCommitsNothingMoreAndItsRestartResumesFromWhatTheFilesHold() throws IOException {
        FileSinkTask task = start();
        task.put(records(0, 2)); // rotated into a finished file
        assertEquals(Map.of(TP, new OffsetAndMetadata(2)), task.preCommit(Map.of(TP, new OffsetAndMetadata(2))));
        Path blocker = Files.createDirectories(dir.resolve("orders-0-00000000000000000002-00000000000000000003.txt"));
        Files.writeString(blocker.resolve("x"), "x");

        ConnectException failed = assertThrows(ConnectException.class, () -> task.put(records(2, 4)));
        assertTrue(failed.getMessage().contains(dir.toString()), failed.getMessage());
        assertThrows(ConnectException.class, () -> task.preCommit(Map.of(TP, new OffsetAndMetadata(4))),
                "no offset is offered for commit once a write failed");
        assertThrows(ConnectException.class, () -> task.put(records(4, 5)), "nothing more is written");
        task.close(List.of(TP));
        task.stop();

        Files.delete(blocker.resolve("x"));
        Files.delete(blocker);
        FileSinkTask restarted = start();
        // 2-3 were fsynced and recorded as rotating before the rename failed: the restart finishes their file
        assertEquals(Map.of(TP, 4L), context.seeks, "the restart resumes after the last durable record");
        restarted.put(records(2, 5));
        restarted.preCommit(Map.of(TP, new OffsetAndMetadata(5)));
        restarted.stop();
        assertEquals(List.of("v2", "v3"), Files.readAllLines(dir.resolve("orders-0-00000000000000000002-00000000000000000003.txt")));
        assertEquals(List.of("v4"), Files.readAllLines(dir.resolve("orders-0.inprogress")));
    }

    /** tryout19: the output directory removed under a running sink; the status named only a file's path. */
    @Test
    void aRemovedOutputDirectoryIsNamedAsRemovedInTheFailure() throws IOException {
        Path out = Files.createDirectories(dir.resolve("out"));
        FileSinkTask task = start(out);
        task.put(records(0, 1));
        try (var files = Files.list(out)) {
            for (Path file : files.toList()) {
                Files.delete(file);
            }
        }
        Files.delete(out);

        ConnectException failed = assertThrows(ConnectException.class, () -> {
            task.put(records(1, 3));
            task.preCommit(Map.of(TP, new OffsetAndMetadata(3)));
        });
        assertTrue(failed.getMessage().contains("the directory " + out + " does not exist any more"), failed.getMessage());
        ConnectException next = assertThrows(ConnectException.class, () -> task.put(records(3, 4)));
        assertTrue(next.getMessage().contains("could not be written (the directory " + out + " does not exist any more)"),
                next.getMessage());
        task.stop();
    }
}
