package io.sluice.file.it;

import static io.sluice.file.it.FileConnectorsITSupport.lines;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ConnectorAssertions;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * cleanup.policy=MOVE: into a finished.path on another file system (tryout20), moved as mv does, crash-safe; and
 * never over an earlier finished file of the same name (tryout22).
 */
class FileSourceFinishedElsewhereIT {

    /** tmpfs on Linux, another file system than the temporary directory on most machines. */
    private static final Path OTHER_FILE_SYSTEM = Path.of("/dev/shm");

    @TempDir
    Path dir;
    private Path finished;

    @AfterEach
    void removeFinished() throws IOException {
        if (finished != null && Files.exists(finished)) {
            try (Stream<Path> files = Files.walk(finished)) {
                for (Path p : files.sorted((a, b) -> b.compareTo(a)).toList()) {
                    Files.delete(p);
                }
            }
        }
    }

    @Test
    void finishedFilesMoveToATmpfsDirectoryAndAMoveCutShortByACrashIsCompletedWithoutReadingTheFileAgain()
            throws IOException {
        assumeTrue(Files.isDirectory(OTHER_FILE_SYSTEM) && Files.isWritable(OTHER_FILE_SYSTEM),
                "needs a second file system at " + OTHER_FILE_SYSTEM + " (tmpfs on Linux)");
        assumeTrue(!Files.getFileStore(OTHER_FILE_SYSTEM).equals(Files.getFileStore(dir)),
                OTHER_FILE_SYSTEM + " and " + dir + " are one file system here: nothing to test");
        Path in = Files.createDirectories(dir.resolve("in"));
        finished = OTHER_FILE_SYSTEM.resolve("sluice-fin-" + System.nanoTime());
        Files.write(in.resolve("a.txt"), lines(0, 3000));
        Files.write(in.resolve("b.txt"), lines(3000, 6000));
        String topic = KafkaTestBroker.uniqueTopic("file-source-finished-elsewhere");
        KafkaTestBroker.createTopic(topic, 1);
        Map<String, String> config = new HashMap<>(Map.of(
                "connector.class", "io.sluice.file.source.FileSourceConnector", "input.path", in.toString(),
                "topic", topic, "cleanup.policy", "MOVE", "finished.path", finished.toString(),
                "finished.idle.ms", "300", "input.scan.interval.ms", "200"));
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-finished-elsewhere")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", config).status());
            Await.until(() -> Files.exists(finished.resolve("a.txt")) && Files.exists(finished.resolve("b.txt")),
                    Duration.ofSeconds(60), "both files moved to " + finished);
            assertEquals(lines(0, 3000), Files.readAllLines(finished.resolve("a.txt")));
            assertEquals(lines(3000, 6000), Files.readAllLines(finished.resolve("b.txt")));
            assertFalse(Files.exists(in.resolve("a.txt")), "the original is deleted once the copy is in place");
            assertEquals(List.of("a.txt", "b.txt"), names(finished), "no temporary copy is left");
            new ConnectorAssertions(rest).awaitRunning("source", 1);

            // c.txt is read and committed; the worker stops before it is finished
            config.put("finished.idle.ms", "600000");
            assertEquals(200, rest.put("/connectors/source/config", config).status());
            Files.write(in.resolve("c.txt"), lines(6000, 9000));
            assertEquals(9000, FileConnectorsITSupport.allValues(topic, 9000, Duration.ofSeconds(60),
                    Duration.ofSeconds(2)).size());
            worker.stop();
            // what crashes left: one move cut short after its rename (the original still there), a later one mid-copy
            Files.write(finished.resolve("c.txt"), lines(6000, 9000));
            Files.write(finished.resolve(".c.txt.sluice-copying"), lines(6000, 6100));

            worker.start();
            config.put("finished.idle.ms", "300");
            assertEquals(200, rest.put("/connectors/source/config", config).status());
            Await.until(() -> !Files.exists(in.resolve("c.txt")), Duration.ofSeconds(60), "c.txt moved after restart");
            assertEquals(lines(6000, 9000), Files.readAllLines(finished.resolve("c.txt")));
            assertEquals(List.of("a.txt", "b.txt", "c.txt"), names(finished));
            List<String> values = FileConnectorsITSupport.allValues(topic, 9000, Duration.ofSeconds(30),
                    Duration.ofSeconds(2));
            assertEquals(lines(0, 9000).stream().sorted().toList(), values.stream().sorted().toList(),
                    "every line once: a committed file is not read again to finish its move");
        }
    }

    /**
     * tryout22: an input that reuses a name (each day's app.log) had the earlier finished app.log replaced by the
     * next one's move, and the archive lost it without a word. A different file of that name is kept; the new one
     * goes beside it as app.log.1, then app.log.2.
     */
    @Test
    void aFinishedFileWhoseNameTheArchiveHoldsGoesBesideTheEarlierOneNotOverIt() throws IOException {
        Path in = Files.createDirectories(dir.resolve("in"));
        Path done = Files.createDirectories(dir.resolve("done"));
        Files.write(done.resolve("app.log"), lines(0, 100)); // yesterday's, moved there earlier
        String topic = KafkaTestBroker.uniqueTopic("file-source-same-name");
        KafkaTestBroker.createTopic(topic, 1);
        Map<String, String> config = new HashMap<>(Map.of(
                "connector.class", "io.sluice.file.source.FileSourceConnector", "input.path", in.toString(),
                "topic", topic, "cleanup.policy", "MOVE", "finished.path", done.toString(),
                "finished.idle.ms", "300", "input.scan.interval.ms", "200"));
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-same-name")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", config).status());
            Files.write(in.resolve("app.log"), lines(100, 200));
            Await.until(() -> Files.exists(done.resolve("app.log.1")), Duration.ofSeconds(60), "today's moved beside");
            Files.write(in.resolve("app.log"), lines(200, 300));
            Await.until(() -> Files.exists(done.resolve("app.log.2")), Duration.ofSeconds(60), "the next day's too");
            assertEquals(lines(0, 100), Files.readAllLines(done.resolve("app.log")), "the earlier one is kept");
            assertEquals(lines(100, 200), Files.readAllLines(done.resolve("app.log.1")));
            assertEquals(lines(200, 300), Files.readAllLines(done.resolve("app.log.2")));
            assertEquals(List.of("app.log", "app.log.1", "app.log.2"), names(done));
            assertEquals(200, FileConnectorsITSupport.allValues(topic, 200, Duration.ofSeconds(30),
                    Duration.ofSeconds(2)).size(), "each day's lines once");
        }
    }

    private static List<String> names(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return new ArrayList<>(files.map(p -> p.getFileName().toString()).sorted().toList());
        }
    }
}
