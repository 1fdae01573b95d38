package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ConnectorAssertions;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Apache's own FileStream connectors, dropped in as a plugin JAR, run unchanged on Sluice. */
class FileStreamPipelineIT {

    @TempDir
    Path dir;

    @Test
    void apacheFileStreamSourceToSinkMovesEveryLineInOrder() throws IOException {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Path input = dir.resolve("input.txt");
        Path output = dir.resolve("output.txt");
        int lines = 100_000;
        List<String> expected = new ArrayList<>(lines);
        for (int i = 0; i < lines; i++) {
            expected.add("line-" + i + " the quick brown fox jumps over the lazy dog");
        }
        Files.write(input, expected);
        String topic = KafkaTestBroker.uniqueTopic("filestream");

        try (TestWorker worker = TestWorker.standalone().pluginPath(pluginPath).stringConverters()
                .with("offset.flush.interval.ms", "1000").start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("file-source", Map.of(
                    "connector.class", "FileStreamSource",
                    "file", input.toString(),
                    "topic", topic)).status());
            assertEquals(201, rest.createConnector("file-sink", Map.of(
                    "connector.class", "org.apache.kafka.connect.file.FileStreamSinkConnector",
                    "file", output.toString(),
                    "topics", topic)).status());

            Await.until(() -> lineCount(output) >= lines, Duration.ofSeconds(120),
                    "sink wrote " + lines + " lines");
            ConnectorAssertions statuses = worker.assertions().within(Duration.ofSeconds(10));
            statuses.awaitTaskState("file-source", 0, "RUNNING");
            statuses.awaitTaskState("file-sink", 0, "RUNNING");
            assertEquals(expected, Files.readAllLines(output));
        }
    }

    private static long lineCount(Path file) {
        if (!Files.exists(file)) {
            return 0;
        }
        try (Stream<String> s = Files.lines(file)) {
            return s.count();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
