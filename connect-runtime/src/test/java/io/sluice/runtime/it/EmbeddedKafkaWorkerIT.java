package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.LogCapture;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * Without bootstrap.servers a worker runs its own broker, reachable by any Kafka client, whose data outlives the
 * worker, and its own schema registry beside it.
 */
class EmbeddedKafkaWorkerIT {

    @TempDir
    Path dir;

    /**
     * @param fixedPort the broker on a port of the config's (as config/standalone.properties has it), whose address is
     *                  known before it serves, so the worker builds REST and its clients while the broker starts; or
     *                  on a port picked at start (0)
     */
    @ParameterizedTest(name = "fixed broker port: {0}")
    @ValueSource(booleans = {false, true})
    void workerWithoutBootstrapServersRunsAnEmbeddedBrokerThatKeepsItsDataAcrossRestarts(boolean fixedPort)
            throws Exception {
        Set<Thread> before = Thread.getAllStackTraces().keySet();
        // no bootstrap.servers and the default group.id, whose internal topic names the test expects
        TestWorker.Builder embedded = TestWorker.standalone().with("bootstrap.servers", null).with("group.id", null)
                .with("embedded.kafka.dir", dir.resolve("kafka").toString())
                .with("embedded.kafka.port", fixedPort ? Integer.toString(WorkerLauncher.freePort()) : "0")
                // on by default with the embedded broker; a free port rather than 8081 so tests can run side by side
                .with("schema.registry.listeners", "http://127.0.0.1:0")
                // an existing (empty) plugin path: a missing one is a warning of its own
                .pluginPath(Files.createDirectories(dir.resolve("plugins")));
        try (LogCapture log = LogCapture.open(); TestWorker worker = embedded.start()) {
            // the stores' clients are built while the broker starts: none may try to connect before it listens
            assertEquals(List.of(), log.linesWith("could not be established"), "clients connecting too early");
            RestClient rest = worker.rest();
            RestClient.Response created = rest.post("/connectors", Map.of("name", "kept", "initial_state", "STOPPED",
                    "config", Map.of("connector.class", "io.sluice.runtime.worker.TestSourceConnector")));
            assertEquals(201, created.status(), created.raw());
            RestClient registry = new RestClient(worker.schemaRegistryUrl());
            assertEquals(200, registry.post("/subjects/kept-value/versions", Map.of("schema", "\"string\"")).status());
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", worker.bootstrapServers()))) {
                Set<String> topics = admin.listTopics().names().get();
                assertTrue(topics.containsAll(Set.of("connect-cluster-configs", "connect-cluster-offsets",
                        "connect-cluster-status", "_schemas")), topics.toString());
            }
        }
        LogCapture restartLog = LogCapture.open();
        try (restartLog; TestWorker restarted = embedded.start()) {
            RestClient rest = restarted.rest();
            // connectors start in the background: the restored target state shows once it is applied
            restarted.assertions().within(Duration.ofSeconds(30)).awaitState("kept", "STOPPED");
            assertEquals("kept", rest.get("/connectors/kept").body().path("name").asText());
            assertEquals("[1]", new RestClient(restarted.schemaRegistryUrl()).get("/subjects/kept-value/versions").raw());
        }
        // a user's log shows what needs them: the broker's every-start and every-stop chatter, which Kafka logs as
        // warnings and errors (a controller registration refused and retried), is not that
        assertEquals(List.of(), restartLog.lines().stream().filter(l -> l.startsWith("WARN") || l.startsWith("ERROR"))
                .toList(), "warnings and errors of a restart on existing data");
        Await.until(() -> leftOver(before).isEmpty(), Duration.ofSeconds(30),
                "a closed worker leaves no thread behind: " + leftOver(before));
    }

    /** Threads started since `before` that still run and would keep a JVM alive or belong to Sluice. */
    private static List<String> leftOver(Set<Thread> before) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> !before.contains(t) && t.isAlive())
                .filter(t -> !t.isDaemon() || t.getName().startsWith("sluice-"))
                .map(Thread::getName)
                .filter(name -> !name.startsWith("HttpClient-")) // the test's own HTTP client
                .toList();
    }
}
