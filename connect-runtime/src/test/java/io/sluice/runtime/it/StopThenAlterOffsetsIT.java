package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user's script stops a connector and changes its offsets in the next request, as it does against Apache, whose
 * stop answers once the connector's empty task configs are stored. Sluice answered the stop as soon as the STOPPED
 * state was stored and the connector's worker wrote the empty task configs a moment later, so the change was refused
 * with "Connectors must be in the STOPPED state" (S3SourceOffsetsIT on a busy machine, even after STOPPED showed).
 */
class StopThenAlterOffsetsIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    @TempDir
    Path dir;

    @ParameterizedTest(name = "distributed={0}")
    @ValueSource(booleans = {false, true})
    void anOffsetsChangeSentRightAfterTheStopIsAccepted(boolean distributed) throws Exception {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Path input = Files.writeString(dir.resolve("input.txt"), "a\nb\nc\n");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("stop-alter"), 1);
        TestWorker.Builder builder = distributed
                ? TestWorker.distributed(KafkaTestBroker.uniqueTopic("stop-alter-group")) : TestWorker.standalone();
        try (TestWorker worker = builder.pluginPath(pluginPath).with("offset.flush.interval.ms", "200").start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("script", Map.of("connector.class", "FileStreamSource",
                    "file", input.toString(), "topic", topic)).status());
            Map<String, Object> rewind = Map.of("offsets", List.of(Map.of(
                    "partition", Map.of("filename", input.toString()), "offset", Map.of("position", 0))));
            awaitRecords(topic, 3);
            for (int round = 1; round <= 5; round++) {
                int r = round;
                Await.until(() -> "RUNNING".equals(rest.taskState("script", 0)), WAIT, "round " + r + ": task runs");
                assertEquals(204, rest.put("/connectors/script/stop", Map.of()).status());
                RestClient.Response altered = rest.patch("/connectors/script/offsets", rewind);
                assertEquals(200, altered.status(), "round " + round + ": " + altered.raw());
                assertEquals(202, rest.put("/connectors/script/resume", Map.of()).status());
                // the rewind was used: the three lines are read once more
                awaitRecords(topic, 3 * (round + 1));
            }
        }
    }

    private static void awaitRecords(String topic, int count) {
        Await.until(() -> KafkaTestBroker.consumeToEnd(topic).size() == count, WAIT,
                () -> count + " records wanted, the topic holds " + KafkaTestBroker.consumeToEnd(topic).size());
    }
}
