package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker on the embedded broker (config/standalone.properties: no bootstrap.servers) stopped as soon as its REST API
 * answers, as a user trying it out or a benchmark does, starts again as fast as after any other stop.
 */
class EmbeddedBrokerRestartIT {
    /**
     * The broker's own start on a restart: ~1.5 s on a quiet machine, 7-12 s at a load of 30 on 2 cores; after an
     * unclean stop it cannot serve before its old registration's session (9 s, wall time whatever the load) ran out,
     * on top of recovering every log. Generous for a loaded CI machine: the stop's own line is what tells for certain.
     */
    private static final long BROKER_START_BOUND_MS = 20_000;
    private static final Pattern BROKER_STOPPED = Pattern.compile("Embedded Kafka broker at \\S+ stopped");
    private static final Pattern BROKER_SERVING = Pattern.compile("Embedded Kafka broker serving at .* after (\\d+) ms");

    @TempDir
    Path dir;

    /**
     * The user's story: the first restart after the data directory was created took ~12 s, later ones ~3 s. REST
     * answers before the start has ended, and a SIGTERM then exited the JVM without stopping anything: the broker's
     * next start recovered every log and waited out its old registration's session (9 s) before it served.
     */
    @Test
    void aWorkerStoppedAsSoonAsItAnswersStopsItsBrokerAndItsNextBrokerServesWithinTheBound() throws Exception {
        Path kafka = dir.resolve("kafka");
        try (WorkerLauncher worker = embeddedWorker(kafka)) {
            RestClient rest = worker.start(); // formats the data dir
            assertEquals(201, rest.post("/connectors", Map.of("name", "kept", "initial_state", "STOPPED", "config",
                    Map.of("connector.class", "io.sluice.runtime.worker.TestSourceConnector"))).status());
            worker.stop();
            worker.startUntilConnectorList();
            worker.stop(); // at once: the start's tail (stores, registry, herder) still runs
            assertEquals(2, BROKER_STOPPED.matcher(worker.logText()).results().count(),
                    "each SIGTERM stopped the broker; log: " + worker.tail());

            awaitConnectorList(worker.startUntilConnectorList(), "kept");
            Matcher serving = BROKER_SERVING.matcher(worker.logText());
            long lastStartMs = -1;
            while (serving.find()) {
                lastStartMs = Long.parseLong(serving.group(1));
            }
            assertTrue(lastStartMs >= 0 && lastStartMs < BROKER_START_BOUND_MS, "the restarted broker served after "
                    + lastStartMs + " ms; log: " + worker.tail());
        }
    }

    /** SIGKILL gives the broker no chance to stop: its next start recovers the log, and nothing stored is lost. */
    @Test
    void aWorkerKilledAsSoonAsItAnswersKeepsItsConnectorsAcrossTheNextStart() throws Exception {
        try (WorkerLauncher worker = embeddedWorker(dir.resolve("kafka"))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.post("/connectors", Map.of("name", "kept", "initial_state", "STOPPED", "config",
                    Map.of("connector.class", "io.sluice.runtime.worker.TestSourceConnector"))).status());
            worker.kill();
            awaitConnectorList(worker.startUntilConnectorList(), "kept");
        }
    }

    private WorkerLauncher embeddedWorker(Path kafka) throws Exception {
        return new WorkerLauncher(Files.createDirectories(dir.resolve("worker")), WorkerLauncher.freePort(), Map.of(
                "embedded.kafka.dir", kafka.toString(), "embedded.kafka.port", "0",
                "schema.registry.listeners", "http://127.0.0.1:0",
                "plugin.path", Files.createDirectories(dir.resolve("plugins")).toString()));
    }

    private static void awaitConnectorList(RestClient rest, String connector) {
        Await.until(() -> {
            try {
                RestClient.Response list = rest.get("/connectors");
                return list.status() == 200 && list.raw().contains("\"" + connector + "\"");
            } catch (UncheckedIOException notYet) {
                return false;
            }
        }, Duration.ofSeconds(90), () -> "GET /connectors lists " + connector);
    }
}
