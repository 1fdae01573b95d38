package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A file truncated in place and written again (logrotate's copytruncate) past the read position before the source
 * looks at it again: the new content is read from its start, while the worker runs and across a restart.
 */
class FileSourceCopyTruncateIT {

    @TempDir
    Path dir;

    @Test
    void copytruncatedFileThatGrewPastTheOldPositionBeforeTheNextScanHasEveryLineOfBothContentsOnceAndNoFragment()
            throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path sameLength = logs.resolve("in7.txt");
        Path longer = logs.resolve("in11.txt");
        Files.write(sameLength, numbered("a7-%07d", 1000));
        Files.write(longer, numbered("short-%05d", 1000));
        String topic = KafkaTestBroker.uniqueTopic("file-source-copytruncate");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-copytruncate-cluster")) {
            RestClient rest = worker.start();
            // a scan interval far beyond the test: only reading on, not a scan, can notice the rewrite
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector", "file", logs + "/in*.txt",
                    "topic", topic, "input.scan.interval.ms", "600000")).status());
            KafkaTestBroker.consumeAll(topic, 2000, Duration.ofSeconds(60));

            copytruncate(sameLength, numbered("b7-%07d", 3000));
            copytruncate(longer, numbered("a-much-longer-line-version-%07d", 1000));

            List<String> expected = new ArrayList<>(numbered("a7-%07d", 1000));
            expected.addAll(numbered("b7-%07d", 3000));
            expected.addAll(numbered("short-%05d", 1000));
            expected.addAll(numbered("a-much-longer-line-version-%07d", 1000));
            assertEveryLineOnce(expected, FileConnectorsITSupport.allValues(topic, expected.size(),
                    Duration.ofSeconds(60), Duration.ofSeconds(3)));
            assertTrue(worker.logText().contains("File " + sameLength + " no longer begins with the"), worker.tail());
        }
    }

    @Test
    void copytruncatedWhileTheWorkerIsDownIsReadFromItsStartAfterTheRestart() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path log = logs.resolve("app.log");
        Files.write(log, numbered("a7-%07d", 1000));
        String topic = KafkaTestBroker.uniqueTopic("file-source-copytruncate-restart");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-copytruncate-restart-cluster")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector", "file", log.toString(),
                    "topic", topic)).status());
            KafkaTestBroker.consumeAll(topic, 1000, Duration.ofSeconds(60));
            worker.stop();

            copytruncate(log, numbered("b7-%07d", 3000));
            worker.start();
            List<String> expected = new ArrayList<>(numbered("a7-%07d", 1000));
            expected.addAll(numbered("b7-%07d", 3000));
            assertEveryLineOnce(expected, FileConnectorsITSupport.allValues(topic, expected.size(),
                    Duration.ofSeconds(60), Duration.ofSeconds(3)));
            assertTrue(worker.logText().contains("File " + log + " no longer begins with the"), worker.tail());

            // and a restart with the file as it was read resumes at its committed position, reading nothing again
            worker.stop();
            Files.write(log, numbered("c7-%07d", 10), StandardOpenOption.APPEND);
            worker.start();
            expected.addAll(numbered("c7-%07d", 10));
            assertEveryLineOnce(expected, FileConnectorsITSupport.allValues(topic, expected.size(),
                    Duration.ofSeconds(60), Duration.ofSeconds(3)));
        }
    }

    /** What logrotate's copytruncate does: copy the file aside, empty it in place, and the writer goes on. */
    private static void copytruncate(Path file, List<String> newContent) throws IOException {
        Files.copy(file, file.resolveSibling(file.getFileName() + ".1"), StandardCopyOption.REPLACE_EXISTING);
        Files.write(file, new byte[0], StandardOpenOption.TRUNCATE_EXISTING);
        Files.write(file, newContent, StandardOpenOption.APPEND);
    }

    private static List<String> numbered(String format, int count) {
        List<String> lines = new ArrayList<>(count);
        for (int i = 1; i <= count; i++) {
            lines.add(String.format(format, i));
        }
        return lines;
    }

    private static void assertEveryLineOnce(List<String> expected, List<String> values) {
        Map<String, Long> counts = values.stream().collect(Collectors.groupingBy(Function.identity(), HashMap::new,
                Collectors.counting()));
        Set<String> wanted = new HashSet<>(expected);
        List<String> missing = expected.stream().filter(v -> !counts.containsKey(v)).toList();
        List<String> extra = values.stream().filter(v -> !wanted.contains(v) || counts.get(v) > 1).distinct().toList();
        assertTrue(missing.isEmpty(), missing.size() + " lines missing, first " + missing.stream().limit(5).toList());
        assertTrue(extra.isEmpty(), "fragments or lines read twice: " + extra.stream().limit(5).toList());
        assertEquals(expected.size(), values.size());
    }
}
