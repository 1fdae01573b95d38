package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While its Kafka is down, a worker keeps answering reads and refuses changes with a clear error, in bounded time. */
class KafkaOutageIT {
    private static final long STORAGE_TIMEOUT_MS = 8_000;

    @TempDir
    Path dir;

    @Test
    void aChangeWhileKafkaIsDownFailsWithinTheStoreTimeoutSayingSoAndNothingIsMade() {
        int kafkaPort = WorkerLauncher.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), kafkaPort).start();
        // what is proved is that the refusal comes within the store's timeout, not its default length: a short one
        try (TestWorker worker = TestWorker.standalone().with("bootstrap.servers", broker.bootstrapServers())
                .with("storage.timeout.ms", String.valueOf(STORAGE_TIMEOUT_MS))
                .pluginPath(dir.resolve("plugins")).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("before", source()).status());
            // its task configs are written on the herder's thread: Kafka going away before that would keep the
            // thread on that write for the store's timeout and the change below would wait behind it
            worker.assertions().within(Duration.ofSeconds(30)).awaitTaskState("before", 0, "RUNNING");
            broker.close();

            long began = System.nanoTime();
            RestClient.Response refused = rest.createConnector("during", source());
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertEquals(500, refused.status(), refused.raw());
            assertTrue(refused.body().path("message").asText().contains("is Kafka reachable?"), refused.raw());
            assertTrue(tookMs < STORAGE_TIMEOUT_MS + 10_000, "answered after " + tookMs
                    + " ms (storage.timeout.ms is " + STORAGE_TIMEOUT_MS + "; it was rest.request.timeout.ms' 90 s)");
            assertEquals(200, rest.get("/connectors").status(), "reads go on from what the worker knows");
            assertEquals(200, rest.get("/connectors/before/status").status());
            assertEquals(404, rest.get("/connectors/during").status(), "nothing was made");

            broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), kafkaPort).start();
            assertEquals(201, rest.createConnector("after", source()).status(), "changes work again once Kafka is back");
        } finally {
            broker.close();
        }
    }

    private static Map<String, String> source() {
        return Map.of("connector.class", "io.sluice.runtime.worker.TestSourceConnector", "topic", "outage-topic",
                "count", "0");
    }
}
