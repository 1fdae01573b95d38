package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker asked to stop stops everything it runs at once: quickly, however many connectors, and losing nothing. */
class WorkerShutdownIT {
    private static final int CONNECTORS = 200;
    private static final int LINES = 20;

    @TempDir
    Path dir;

    @Test
    void sigtermWithTwoHundredRunningConnectorsExitsWithinTenSecondsWithTheirOffsetsCommittedAndLogsHowManyStopped() throws Exception {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("shutdown"), 1);
        // no periodic commit: the offsets found after the restart are the ones committed at the stop
        Map<String, String> props = WorkerLauncher.workerProps(pluginPath, KafkaTestBroker.uniqueTopic("shutdown-cluster"),
                "offset.flush.interval.ms", "3600000");
        List<Path> inputs = new ArrayList<>();
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), props)) {
            RestClient rest = worker.start();
            for (int i = 0; i < CONNECTORS; i++) {
                Path input = dir.resolve("input-" + i + ".txt");
                Files.write(input, WorkerRestartIT.lines(i * LINES, (i + 1) * LINES));
                inputs.add(input);
                RestClient.Response created = rest.createConnector("source-" + i, Map.of(
                        "connector.class", "FileStreamSource", "file", input.toString(), "topic", topic));
                assertEquals(201, created.status(), created.raw());
            }
            Await.until(() -> runningTasks(rest) == CONNECTORS, Duration.ofSeconds(120),
                    "every connector's task RUNNING; log:\n" + worker.tail());
            KafkaTestBroker.consumeAll(topic, CONNECTORS * LINES, Duration.ofSeconds(120));

            long stopping = System.nanoTime();
            worker.stop();
            long stopMs = (System.nanoTime() - stopping) / 1_000_000;
            assertEquals(143, worker.exitCode(), "a clean exit on SIGTERM; log:\n" + worker.tail());
            assertTrue(stopMs < 10_000, "stopped " + CONNECTORS + " connectors in " + stopMs + " ms; log:\n"
                    + worker.tail());
            // logging stops after the worker, not beside it: the stop's own lines (a task that did not stop in
            // time, offsets not committed) reach the log; and the summary counts what stopped, not the empty maps
            // left behind by the herder's stop (tryout15: "Stopped 0 task(s) and 0 connector(s)" after seven of each)
            assertTrue(worker.logText().matches("(?s).*Stopped " + CONNECTORS + " task\\(s\\) and " + CONNECTORS
                            + " connector\\(s\\) in \\d+ ms.*Worker \\S+ stopped.*"),
                    "the stop's summary counts every task and connector and comes last:\n" + worker.tail());

            RestClient again = worker.start();
            for (int i = 0; i < CONNECTORS; i++) {
                JsonNode offsets = again.get("/connectors/source-" + i + "/offsets").body().path("offsets");
                assertEquals(1, offsets.size(), "source-" + i + ": " + offsets);
                assertEquals(Files.size(inputs.get(i)), offsets.get(0).path("offset").path("position").asLong(),
                        "source-" + i + " committed the position of its last line at the stop");
            }
        }
    }

    private static int runningTasks(RestClient rest) {
        JsonNode all = rest.get("/connectors?expand=status").body();
        int running = 0;
        for (JsonNode connector : all) {
            for (JsonNode task : connector.path("status").path("tasks")) {
                if ("RUNNING".equals(task.path("state").asText())) {
                    running++;
                }
            }
        }
        return running;
    }
}
