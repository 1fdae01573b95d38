package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file connectors moved into the module's source/ and sink/ packages; configs written with their earlier
 * names (io.sluice.file.FileSourceConnector, io.sluice.file.FileSinkConnector) keep running.
 */
class FileConnectorNamesIT {

    @TempDir
    Path dir;

    @Test
    void configsNamingTheConnectorsBeforeTheyMovedStillRun() throws IOException {
        Path input = dir.resolve("in.txt");
        List<String> lines = FileConnectorsITSupport.lines(0, 100);
        Files.write(input, lines);
        Path out = dir.resolve("out");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("file-names"), 1);
        try (TestWorker worker = FileConnectorsITSupport.inJvmWorker(FileConnectorsITSupport.pluginPath(dir)).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("old-source", Map.of(
                    "connector.class", "io.sluice.file.FileSourceConnector", "file", input.toString(),
                    "topic", topic)).status());
            assertEquals(201, rest.createConnector("old-sink", Map.of(
                    "connector.class", "io.sluice.file.FileSinkConnector", "topics", topic,
                    "output.path", out.toString(), "flush.size", "100")).status());
            Await.until(() -> written(out).equals(lines), Duration.ofSeconds(60),
                    () -> "every line through both connectors, named by their old classes: " + written(out).size());
        }
    }

    private static List<String> written(Path out) {
        if (!Files.isDirectory(out)) {
            return List.of();
        }
        // list, not walk: walk reads each entry's attributes, and a checkpoint's .tmp renamed away meanwhile throws
        try (Stream<Path> files = Files.list(out)) {
            // finished files only: the partition's .checkpoint and .inprogress files are the sink's own state
            return files.filter(f -> f.getFileName().toString().endsWith(".txt")).sorted().flatMap(f -> {
                try {
                    return Files.readAllLines(f).stream();
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
