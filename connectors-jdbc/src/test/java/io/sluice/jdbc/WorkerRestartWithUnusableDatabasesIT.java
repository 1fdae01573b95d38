package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Stored JDBC connectors whose database can no longer be used when their worker restarts (its port closed, its host
 * unknown, its password changed: the connection settings come from files through the file config provider, as
 * rotated secrets do): the worker is ready at once, each is FAILED with the database's reason, each can be deleted or
 * restarted to a real state, and a healthy JDBC connector runs meanwhile.
 */
class WorkerRestartWithUnusableDatabasesIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("restart_unusable");

    private static final String ROLE = "restart_reader";

    @TempDir
    Path dir;

    @Test
    void aRestartedWorkerIsReadyAtOnceAndEachStoredConnectorThatCannotReachItsDatabaseIsFailedWithItsReason()
            throws Exception {
        prepareTable("stored_rows");
        TestWorker.Builder workerConfig = workerConfig();
        List<String> broken = List.of("refused", "unknown-host", "wrong-password");
        String healthyPrefix = KafkaTestBroker.uniqueTopic("healthy") + "-";
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            for (String name : broken) {
                writeSettings(name, db.bareUrl(), "right");
                assertEquals(201, rest.createConnector(name, sourceFromFile(name, "stored_rows")).status());
            }
            assertEquals(201, rest.createConnector("healthy", TestWorkers.incrementingSource(db.bareUrl(), healthyPrefix,
                    "table.include.list", "public.stored_rows", "connection.user", ROLE,
                    "connection.password", "right")).status());
            for (String name : List.of("refused", "unknown-host", "wrong-password", "healthy")) {
                Await.until(() -> "RUNNING".equals(rest.taskState(name, 0)), Duration.ofSeconds(60), name + " runs");
            }
        }
        writeSettings("refused", "jdbc:postgresql://127.0.0.1:" + WorkerLauncher.freePort() + "/" + db.name(), "right");
        writeSettings("unknown-host", "jdbc:postgresql://no-such-host.invalid:5432/" + db.name(), "right");
        writeSettings("wrong-password", db.bareUrl(), "wrong");
        db.execute("INSERT INTO stored_rows (name) VALUES ('after the restart')");

        long launched = System.nanoTime();
        try (TestWorker worker = workerConfig.start()) {
            long readyMs = (System.nanoTime() - launched) / 1_000_000;
            RestClient rest = worker.rest();
            assertTrue(readyMs < 10_000, "ready in " + readyMs + " ms");
            assertEquals(200, rest.get("/connectors?expand=status").status());
            Await.until(() -> broken.stream().allMatch(name -> "FAILED".equals(rest.connectorState(name))),
                    Duration.ofMillis(Math.max(1, 15_000 - (System.nanoTime() - launched) / 1_000_000)),
                    "all three FAILED within 15 s of the restart");
            System.out.println("Ready " + readyMs + " ms after launch; all three FAILED "
                    + (System.nanoTime() - launched) / 1_000_000 + " ms after launch");
            assertTrue(connectorTrace(rest, "refused").contains("refused"), connectorTrace(rest, "refused"));
            assertTrue(connectorTrace(rest, "unknown-host").contains("no-such-host.invalid"),
                    connectorTrace(rest, "unknown-host"));
            assertTrue(connectorTrace(rest, "wrong-password").contains("password authentication failed"),
                    connectorTrace(rest, "wrong-password"));
            for (String name : broken) {
                assertTrue(connectorTrace(rest, name).startsWith("Root cause: "), "root cause first: "
                        + connectorTrace(rest, name));
                assertTrue(!connectorTrace(rest, name).contains("no task configs"), connectorTrace(rest, name));
            }

            assertEquals(3, KafkaTestBroker.consumeAll(healthyPrefix + "stored_rows", 3, Duration.ofSeconds(60)).size(),
                    "the healthy connector read the row added while the worker was down");
            for (String name : broken) {
                assertEquals(204, rest.delete("/connectors/" + name).status());
                assertEquals(404, rest.get("/connectors/" + name + "/status").status());
            }
            assertEquals("RUNNING", rest.connectorState("healthy"));
        }
    }

    @Test
    void restartingAFailedSourceAndItsTasksEndsWithBothRunningOrFailedWithTheirCause() throws Exception {
        prepareTable("restarted_rows");
        TestWorker.Builder workerConfig = workerConfig();
        String closedUrl = "jdbc:postgresql://127.0.0.1:" + WorkerLauncher.freePort() + "/" + db.name();
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            writeSettings("down", db.bareUrl(), "right");
            assertEquals(201, rest.createConnector("down", sourceFromFile("down", "restarted_rows")).status());
            Await.until(() -> "RUNNING".equals(rest.taskState("down", 0)), Duration.ofSeconds(60), "it runs");
        }
        writeSettings("down", closedUrl, "right"); // the worker restarts while the database is unreachable

        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            Await.until(() -> "FAILED".equals(rest.connectorState("down")) && "FAILED".equals(rest.taskState("down", 0)),
                    Duration.ofSeconds(30), "connector and its stored task FAILED");

            String restart = "/connectors/down/restart?includeTasks=true&onlyFailed=true";
            assertEquals(202, rest.post(restart, Map.of()).status());
            Await.until(() -> "FAILED".equals(rest.connectorState("down")) && "FAILED".equals(rest.taskState("down", 0)),
                    Duration.ofSeconds(30), "still unreachable: both FAILED again, not left RESTARTING or UNASSIGNED; "
                            + rest.get("/connectors/down/status").raw());
            assertTrue(connectorTrace(rest, "down").contains("refused"), connectorTrace(rest, "down"));

            writeSettings("down", db.bareUrl(), "right"); // the database is reachable again
            assertEquals(202, rest.post(restart, Map.of()).status());
            Await.until(() -> "RUNNING".equals(rest.connectorState("down")) && "RUNNING".equals(rest.taskState("down", 0)),
                    Duration.ofSeconds(30), "both RUNNING after the restart; " + rest.get("/connectors/down/status").raw());
        }
    }

    private static void prepareTable(String table) {
        db.passwordRole(ROLE, "right");
        db.execute("CREATE TABLE " + table + " (id bigserial primary key, name text)",
                "INSERT INTO " + table + " (name) VALUES ('a'), ('b')", "GRANT SELECT ON " + table + " TO " + ROLE);
    }

    private TestWorker.Builder workerConfig() {
        return TestWorkers.worker(dir).with("config.providers", "file")
                .with("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
    }

    /** A JDBC source whose URL and password come from the connector's own settings file. */
    private Map<String, String> sourceFromFile(String name, String table) {
        String file = settings(name).toString();
        Map<String, String> config = new HashMap<>(TestWorkers.incrementingSource("${file:" + file + ":url}",
                KafkaTestBroker.uniqueTopic(name) + "-", "table.include.list", "public." + table,
                "connection.user", ROLE, "connection.password", "${file:" + file + ":password}"));
        // a refused connection is tried again at start: twice, 200 ms apart, to keep the test short
        config.put("connection.attempts", "2");
        config.put("connection.backoff.ms", "200");
        return config;
    }

    private void writeSettings(String name, String url, String password) throws IOException {
        Files.writeString(settings(name), "url=" + url + "\npassword=" + password + "\n");
    }

    private Path settings(String name) {
        return dir.resolve(name + ".properties");
    }

    private static String connectorTrace(RestClient rest, String name) {
        return rest.get("/connectors/" + name + "/status").body().path("connector").path("trace").asText();
    }
}
