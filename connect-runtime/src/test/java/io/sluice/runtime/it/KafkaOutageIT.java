package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** While its Kafka is down, a worker keeps answering reads and refuses changes with a clear error, in bounded time. */
class KafkaOutageIT {
    @TempDir
    Path dir;

    @Test
    void aChangeWhileKafkaIsDownFailsWithinTheStoreTimeoutSayingSoAndNothingIsMade() {
        int kafkaPort = WorkerLauncher.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), kafkaPort).start();
        Map<String, String> props = Map.of("bootstrap.servers", broker.bootstrapServers(),
                "listeners", "http://127.0.0.1:0", "plugin.path", dir.resolve("plugins").toString(),
                "group.id", "outage");
        try (WorkerProcess worker = WorkerProcess.start(props)) {
            RestClient rest = new RestClient(worker.restUrl());
            assertEquals(201, rest.createConnector("before", source()).status());
            // its task configs are written on the herder's thread: Kafka going away before that would keep the
            // thread on that write for the store's timeout and the change below would wait behind it
            Await.until(() -> "RUNNING".equals(rest.taskState("before", 0)), Duration.ofSeconds(30), "before ran");
            broker.close();

            long began = System.nanoTime();
            RestClient.Response refused = rest.createConnector("during", source());
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertEquals(500, refused.status(), refused.raw());
            assertTrue(refused.body().path("message").asText().contains("is Kafka reachable?"), refused.raw());
            assertTrue(tookMs < 40_000, "answered after " + tookMs + " ms (the store's timeout is 30 s; it was 90 s)");
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
