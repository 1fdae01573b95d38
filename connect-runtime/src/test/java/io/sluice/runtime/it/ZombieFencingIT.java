package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A distributed worker cut off from Kafka stops its tasks once the group must have dropped it, before the
 * group hands them to another worker, so they never run twice. Its own broker, so the test can take it away.
 */
class ZombieFencingIT {

    @TempDir
    Path dir;

    @Test
    void aWorkerCutOffFromTheGroupCoordinatorStopsItsTasksAfterTheSessionTimeout() throws IOException {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Path input = dir.resolve("input.txt");
        Files.write(input, WorkerRestartIT.lines(0, 100));
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start();
             WorkerLauncher worker = new WorkerLauncher(Files.createDirectories(dir.resolve("worker")),
                     WorkerLauncher.freePort(), Map.of(
                     "bootstrap.servers", broker.bootstrapServers(),
                     "group.id", "fenced",
                     "plugin.path", pluginPath.toString(),
                     "session.timeout.ms", "6000",
                     "heartbeat.interval.ms", "1000",
                     "offset.flush.interval.ms", "500")).distributed()) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of("connector.class", "FileStreamSource",
                    "file", input.toString(), "topic", "lines")).status(), worker::tail);
            Await.until(() -> "RUNNING".equals(rest.taskState("source", 0)), Duration.ofSeconds(120),
                    "source task RUNNING");
            int logBefore = worker.logText().length();

            broker.close();

            Await.until(() -> {
                String log = worker.logText().substring(logBefore);
                return log.contains("the group has dropped this worker") && log.contains("Stopping task source-0");
            }, Duration.ofSeconds(90), "the cut-off worker stops its task on its own");
            assertTrue(rest.get("/").status() == 200, "the worker itself keeps running and answering");
            assertEquals(409, rest.createConnector("other", Map.of("connector.class", "FileStreamSource",
                    "file", input.toString(), "topic", "lines")).status(), "no changes while not a member");
        }
    }
}
