package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.type.TypeReference;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker whose stored connectors cannot start (their system refuses, is unknown, rejects the password, or
 * hangs) still starts at once, says what is wrong with each, and lets the user fix or delete them while the
 * others run.
 */
class ConnectorsThatCannotStartIT {
    @TempDir
    Path dir;

    private final List<AutoCloseable> servers = new CopyOnWriteArrayList<>();

    @AfterEach
    void closeServers() throws Exception {
        for (AutoCloseable server : servers) {
            server.close();
        }
    }

    @Test
    void workerWithStoredConnectorsThatCannotStartIsReadyAtOnceAndReportsEachOnesRealCause() throws Exception {
        Path input = dir.resolve("input.txt");
        Files.write(input, WorkerRestartIT.lines(0, 100));
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("still-running"), 1);

        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps())) {
            long firstLaunch = System.nanoTime();
            RestClient rest = startWithLines(worker, input, topic);
            long firstReadyMs = (System.nanoTime() - firstLaunch) / 1_000_000;
            createBroken(rest, "refused", "127.0.0.1", WorkerLauncher.freePort());
            createBroken(rest, "unknown-host", "db.invalid", 5432);
            createBroken(rest, "wrong-password", "127.0.0.1",
                    server("ERR FATAL: password authentication failed for user \"app\"\n"));
            createBroken(rest, "hung", "127.0.0.1", server(null));
            KafkaTestBroker.consumeAll(topic, 100, Duration.ofSeconds(60));
            worker.stop();

            Files.write(input, WorkerRestartIT.lines(100, 200), StandardOpenOption.APPEND);
            long launched = System.nanoTime();
            RestClient again = worker.start();
            long readyMs = (System.nanoTime() - launched) / 1_000_000;
            // a connector holding the start would add its whole start timeout (30 s); the bound scales with what an
            // empty start took on this machine at this moment, so load alone does not fail it
            long bound = Math.max(10_000, 2 * firstReadyMs);
            assertTrue(readyMs < bound, "ready in " + readyMs + " ms (bound " + bound + " ms: the first, empty start took "
                    + firstReadyMs + " ms); log:\n" + worker.tail());
            assertEquals(200, again.get("/connectors?expand=status").status());

            Await.until(() -> failed(again, "refused") && failed(again, "unknown-host")
                            && failed(again, "wrong-password"),
                    Duration.ofMillis(Math.max(1, 15_000 - (System.nanoTime() - launched) / 1_000_000)),
                    "every connector whose start() throws is FAILED within 15 s of the restart; log:\n" + worker.tail());
            // one that hangs in start() is reported once start.timeout.ms (10 s) passed since its start() began
            Await.until(() -> failed(again, "hung"), Duration.ofSeconds(15), "the hung connector reported; log:\n"
                    + worker.tail());
            assertTrue(trace(again, "refused").startsWith("Root cause: java.net.ConnectException: Connection refused"),
                    trace(again, "refused"));
            assertTrue(trace(again, "unknown-host").startsWith("Root cause: java.net.UnknownHostException: db.invalid"),
                    trace(again, "unknown-host"));
            assertTrue(trace(again, "wrong-password").startsWith(
                    "Root cause: java.sql.SQLException: FATAL: password authentication failed for user \"app\""),
                    trace(again, "wrong-password"));
            assertTrue(trace(again, "wrong-password").contains("which caused org.apache.kafka.connect.errors."
                    + "ConnectException: Could not connect to the database at 127.0.0.1"), "the whole chain, root first");
            Await.until(() -> again.get("/metrics").raw().contains("kafka_connect_connector_metrics_failure_cause{"
                    + "connector=\"unknown-host\",failure_cause=\"java.net.UnknownHostException: db.invalid\"} 1"),
                    Duration.ofSeconds(5), "JMX and /metrics name the root cause");
            String hung = trace(again, "hung");
            assertTrue(hung.contains("did not return from start() within 10000 ms (start.timeout.ms)"), hung);
            assertTrue(hung.contains(NetworkSourceConnector.class.getName() + ".start(NetworkSourceConnector.java"),
                    "the trace shows where it is stuck: " + hung);

            // the others run meanwhile, and change as asked while the hung one is still in its start()
            List<String> values = KafkaTestBroker.consumeAll(topic, 200, Duration.ofSeconds(60)).stream()
                    .map(r -> r.value()).toList();
            assertEquals(WorkerRestartIT.lines(0, 200), values.subList(0, 200));
            assertEquals(202, again.put("/connectors/lines/pause", Map.of()).status());
            Await.until(() -> "PAUSED".equals(again.taskState("lines", 0)), Duration.ofSeconds(30), "paused");
            assertEquals(202, again.put("/connectors/lines/resume", Map.of()).status());
            Await.until(() -> "RUNNING".equals(again.taskState("lines", 0)), Duration.ofSeconds(30), "resumed");

            for (String broken : List.of("refused", "unknown-host", "wrong-password", "hung")) {
                long began = System.nanoTime();
                assertEquals(204, again.delete("/connectors/" + broken).status());
                long tookMs = (System.nanoTime() - began) / 1_000_000;
                assertTrue(tookMs < 5_000, "deleting " + broken + " took " + tookMs + " ms");
                assertEquals(404, again.get("/connectors/" + broken + "/status").status());
            }
            assertEquals(List.of("lines"), again.get("/connectors").as(new TypeReference<List<String>>() { }));
            assertEquals("RUNNING", again.connectorState("lines"));
        }
    }

    @Test
    void restartOfAFailedConnectorAndItsTasksEndsWithEachRunningOrFailedWithItsCause() throws Exception {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("db-source"), 1);
        StandIn database = server(0, "OK\n");
        Map<String, String> config = Map.of("connector.class", NetworkSourceConnector.class.getName(),
                "host", "127.0.0.1", "port", Integer.toString(database.port()), "topic", topic, "tasks.max", "1");

        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps())) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("db-source", config).status());
            Await.until(() -> "RUNNING".equals(rest.taskState("db-source", 0)), Duration.ofSeconds(30), "running");
            worker.stop();

            database.shutdown().close(); // the worker restarts while its database is down
            RestClient again = worker.start();
            Await.until(() -> failed(again, "db-source") && "FAILED".equals(again.taskState("db-source", 0)),
                    Duration.ofSeconds(30), "connector and stored task FAILED; log:\n" + worker.tail());

            String restart = "/connectors/db-source/restart?includeTasks=true&onlyFailed=true";
            assertEquals(202, again.post(restart, Map.of()).status());
            Await.until(() -> failed(again, "db-source") && "FAILED".equals(again.taskState("db-source", 0)),
                    Duration.ofSeconds(30), "still down: both FAILED again; log:\n" + worker.tail());
            assertTrue(trace(again, "db-source").startsWith("Root cause: java.net.ConnectException: Connection refused"),
                    trace(again, "db-source"));
            assertTrue(taskTrace(again, "db-source").startsWith("Root cause: java.net.ConnectException: Connection refused"),
                    taskTrace(again, "db-source"));

            server(database.port(), "OK\n"); // the database is back
            assertEquals(202, again.post(restart, Map.of()).status());
            Await.until(() -> "RUNNING".equals(again.connectorState("db-source"))
                            && "RUNNING".equals(again.taskState("db-source", 0)), Duration.ofSeconds(30),
                    "connector and task RUNNING after the restart; log:\n" + worker.tail());
        }
    }

    @Test
    void safeStartRunsEveryStoredConnectorPausedUntilItIsResumed() throws Exception {
        Path input = dir.resolve("input.txt");
        Files.write(input, WorkerRestartIT.lines(0, 10));
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("safe-start"), 1);

        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps())) {
            RestClient rest = startWithLines(worker, input, topic);
            createBroken(rest, "hung", "127.0.0.1", server(null));
            KafkaTestBroker.consumeAll(topic, 10, Duration.ofSeconds(60));
            worker.stop();

            Files.write(input, WorkerRestartIT.lines(10, 20), StandardOpenOption.APPEND);
            RestClient safe = worker.start("--paused");
            Await.until(() -> "PAUSED".equals(safe.connectorState("lines")) && "PAUSED".equals(safe.taskState("lines", 0))
                    && "PAUSED".equals(safe.connectorState("hung")), Duration.ofSeconds(30),
                    "stored connectors held paused; log:\n" + worker.tail());
            assertTrue(worker.logText().contains("Safe start (start.paused): 2 connector(s) run paused until resumed"));

            assertEquals(202, safe.put("/connectors/lines/resume", Map.of()).status());
            Await.until(() -> "RUNNING".equals(safe.taskState("lines", 0)), Duration.ofSeconds(30), "resumed");
            assertEquals(WorkerRestartIT.lines(0, 20), KafkaTestBroker.consumeAll(topic, 20, Duration.ofSeconds(60))
                    .stream().map(r -> r.value()).toList().subList(0, 20));
            assertEquals("PAUSED", safe.connectorState("hung"), "the others stay held");
            assertEquals(204, safe.delete("/connectors/hung").status());
            worker.stop();

            RestClient normal = worker.start();
            Await.until(() -> "RUNNING".equals(normal.taskState("lines", 0)), Duration.ofSeconds(30),
                    "without the flag, the stored target state applies: nothing was written");
        }
    }

    /** Starts the worker and a FileStreamSource "lines" reading input into topic, which keeps running throughout. */
    private static RestClient startWithLines(WorkerLauncher worker, Path input, String topic) {
        RestClient rest = worker.start();
        assertEquals(201, rest.createConnector("lines", Map.of("connector.class", "FileStreamSource",
                "file", input.toString(), "topic", topic)).status());
        return rest;
    }

    private Map<String, String> workerProps() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        return WorkerLauncher.workerProps(pluginPath, KafkaTestBroker.uniqueTopic("cannot-start"),
                "offset.flush.interval.ms", "500");
    }

    private static void createBroken(RestClient rest, String name, String host, int port) {
        long began = System.nanoTime();
        RestClient.Response created = rest.createConnector(name, Map.of("connector.class",
                NetworkSourceConnector.class.getName(), "host", host, "port", Integer.toString(port)));
        assertEquals(201, created.status(), created.raw());
        long tookMs = (System.nanoTime() - began) / 1_000_000;
        assertTrue(tookMs < 5_000, "creating " + name + " waited " + tookMs + " ms for its start");
    }

    private static boolean failed(RestClient rest, String name) {
        return "FAILED".equals(rest.connectorState(name));
    }

    private static String taskTrace(RestClient rest, String name) {
        return rest.get("/connectors/" + name + "/status").body().path("tasks").path(0).path("trace").asText();
    }

    private static String trace(RestClient rest, String name) {
        return rest.get("/connectors/" + name + "/status").body().path("connector").path("trace").asText();
    }

    /** A server on a free port that answers each connection with greeting, or accepts and never answers (null). */
    private int server(String greeting) throws IOException {
        return server(0, greeting).port();
    }

    /** A stand-in database: the port it listens on, and its shutdown (also done after the test). */
    private record StandIn(int port, AutoCloseable shutdown) {
    }

    /** A server on port (0: a free one) that answers each connection with greeting, or never answers (null). */
    private StandIn server(int port, String greeting) throws IOException {
        ServerSocket server = new ServerSocket();
        server.setReuseAddress(true);
        server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 50);
        List<Socket> accepted = new CopyOnWriteArrayList<>();
        Thread acceptor = new Thread(() -> {
            while (!server.isClosed()) {
                try {
                    Socket socket = server.accept();
                    accepted.add(socket);
                    if (greeting != null) {
                        OutputStream out = socket.getOutputStream();
                        out.write(greeting.getBytes(StandardCharsets.UTF_8));
                        out.flush();
                    }
                } catch (IOException closed) {
                    return;
                }
            }
        }, "test-database-" + server.getLocalPort());
        acceptor.setDaemon(true);
        acceptor.start();
        AutoCloseable shutdown = () -> {
            server.close();
            for (Socket socket : accepted) {
                socket.close();
            }
        };
        servers.add(shutdown);
        return new StandIn(server.getLocalPort(), shutdown);
    }
}
