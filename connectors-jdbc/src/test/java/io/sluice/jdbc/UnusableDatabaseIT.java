package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.sink.JdbcSinkTask;
import io.sluice.jdbc.source.JdbcSourceConnector;
import io.sluice.jdbc.source.JdbcSourceTask;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.RecordingConnectorContext;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RecordingSourceContext;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.StubSinkContext;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A database the configuration cannot use (a closed port, an unknown host, a wrong password): the source
 * connector, the source task and the sink task each fail at start, within seconds, with the database's own
 * words in their exception and the driver's error in its cause chain, which is what the status trace shows; in a
 * real worker, connectors whose password was changed are FAILED within seconds of a restart, the cause in the trace.
 */
class UnusableDatabaseIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("unusable");

    private static final String ROLE = "unusable_reader";

    @TempDir
    Path dir;

    /** One way a configuration cannot reach or use the database, and the words the failure must carry. */
    enum Fault {
        CLOSED_PORT("refused"), UNKNOWN_HOST("no-such-host.invalid"), WRONG_PASSWORD("password authentication failed");

        final String reason;

        Fault(String reason) {
            this.reason = reason;
        }
    }

    private static Map<String, String> config(Fault fault) {
        db.passwordRole(ROLE, "right");
        Map<String, String> config = new HashMap<>();
        config.put("name", "unusable-" + fault);
        config.put("connection.user", ROLE);
        config.put("connection.password", "right");
        config.put("connection.url", db.bareUrl());
        // a refused connection is tried again at start: twice, 200 ms apart, to keep the test short
        config.put("connection.attempts", "2");
        config.put("connection.backoff.ms", "200");
        switch (fault) {
            case CLOSED_PORT -> config.put("connection.url", "jdbc:postgresql://127.0.0.1:" + WorkerLauncher.freePort()
                    + "/" + db.name());
            case UNKNOWN_HOST -> config.put("connection.url", "jdbc:postgresql://no-such-host.invalid:5432/" + db.name());
            case WRONG_PASSWORD -> config.put("connection.password", "wrong");
        }
        config.put("topic.prefix", "unusable-");
        config.put("tables", "public.anything");
        return config;
    }

    private static void assertFailsFastWithTheDatabasesReason(Fault fault, Consumer<Map<String, String>> start) {
        long began = System.nanoTime();
        ConnectException e = assertThrows(ConnectException.class, () -> start.accept(config(fault)));
        long seconds = (System.nanoTime() - began) / 1_000_000_000L;
        assertTrue(seconds < 10, "failed after " + seconds + " s");
        assertTrue(e.getMessage().contains(fault.reason), e.getMessage());
        boolean driverErrorInChain = false;
        for (Throwable t = e; t != null; t = t.getCause()) {
            driverErrorInChain |= t instanceof SQLException;
        }
        assertTrue(driverErrorInChain, "the driver's own error is in the cause chain");
        assertTrue(!e.getMessage().contains("right") && !e.getMessage().contains("wrong"), "no password in " + e);
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aSourceConnectorThatCannotUseItsDatabaseFailsAtStartWithTheDatabasesReason(Fault fault) {
        JdbcSourceConnector connector = new JdbcSourceConnector();
        connector.initialize(new RecordingConnectorContext());
        try {
            assertFailsFastWithTheDatabasesReason(fault, connector::start);
        } finally {
            connector.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aSourceTaskThatCannotUseItsDatabaseFailsAtStartWithTheDatabasesReason(Fault fault) {
        JdbcSourceTask task = new JdbcSourceTask();
        task.initialize(new RecordingSourceContext());
        try {
            assertFailsFastWithTheDatabasesReason(fault, task::start);
        } finally {
            task.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(Fault.class)
    void aSinkTaskThatCannotUseItsDatabaseFailsAtStartWithTheDatabasesReason(Fault fault) {
        JdbcSinkTask task = new JdbcSinkTask();
        task.initialize(new StubSinkContext(true));
        try {
            assertFailsFastWithTheDatabasesReason(fault, task::start);
        } finally {
            task.stop();
        }
    }

    @ParameterizedTest
    @EnumSource(value = Fault.class, names = "CLOSED_PORT")
    void aRefusedConnectionIsTriedConnectionAttemptsTimesBeforeTheTaskFails(Fault fault) {
        Map<String, String> config = config(fault);
        config.put("connection.attempts", "3");
        config.put("connection.backoff.ms", "700");
        JdbcSinkTask task = new JdbcSinkTask();
        task.initialize(new StubSinkContext());
        long began = System.nanoTime();
        assertThrows(ConnectException.class, () -> task.start(config));
        long millis = (System.nanoTime() - began) / 1_000_000L;
        task.stop();
        assertTrue(millis >= 1400, "two backoffs between three attempts, took " + millis + " ms");
        assertEquals(true, millis < 8000, "took " + millis + " ms");
    }
    @Test
    void aDatabaseThatNeverAnswersFailsATaskAfterOneConnectTimeoutNotAfterEveryAttempt() throws Exception {
        // a port that completes the TCP handshake (the kernel's backlog) but never speaks: a hung server, or a
        // proxy in front of a dead one
        try (ServerSocket silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress())) {
            Map<String, String> config = config(Fault.WRONG_PASSWORD);
            config.put("connection.url", "jdbc:postgresql://127.0.0.1:" + silent.getLocalPort() + "/" + db.name());
            config.put("connection.attempts", "3");
            config.put("connection.backoff.ms", "1000");
            JdbcSinkTask task = new JdbcSinkTask();
            task.initialize(new StubSinkContext());
            long began = System.nanoTime();
            ConnectException e = assertThrows(ConnectException.class, () -> task.start(config));
            long seconds = (System.nanoTime() - began) / 1_000_000_000L;
            task.stop();
            assertTrue(e.getMessage().contains("timed out"), e.getMessage());
            assertTrue(seconds >= ConnectionPool.CONNECT_TIMEOUT_SECONDS - 1 && seconds < 2 * ConnectionPool.CONNECT_TIMEOUT_SECONDS,
                    "one attempt's connect timeout, not three: " + seconds + " s");
        }
    }

    @Test
    void connectorsWhosePasswordWasChangedAreFailedWithinSecondsOfARestartWithTheCauseInTheirTrace() {
        db.passwordRole("rotated", "before");
        db.execute("CREATE TABLE rotated_source (id bigserial primary key, name text)",
                "INSERT INTO rotated_source (name) VALUES ('a')", "GRANT SELECT ON rotated_source TO rotated");
        Map<String, String> sink = new HashMap<>(Map.of("connector.class", "io.sluice.jdbc.sink.JdbcSinkConnector",
                "topics", KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("rotated"), 1),
                "auto.create", "true", "connection.url", db.bareUrl(), "connection.user", "rotated",
                "connection.password", "before"));
        Map<String, String> source = new HashMap<>(Map.of("connector.class",
                "io.sluice.jdbc.source.JdbcSourceConnector", "table.include.list", "public.rotated_source",
                "topic.prefix", KafkaTestBroker.uniqueTopic("rotated") + "-", "mode", "incrementing",
                "incrementing.column.name", "id", "connection.url", db.bareUrl(), "connection.user", "rotated",
                "connection.password", "before"));
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("rotated-sink", sink).status());
            assertEquals(201, rest.createConnector("rotated-source", source).status());
            Await.until(() -> "RUNNING".equals(rest.taskState("rotated-sink", 0))
                    && "RUNNING".equals(rest.taskState("rotated-source", 0)), Duration.ofSeconds(60), "both run");

            db.execute("ALTER ROLE rotated PASSWORD 'after'");
            long restarted = System.nanoTime();
            assertEquals(202, rest.post("/connectors/rotated-sink/restart?includeTasks=true", Map.of()).status());
            assertEquals(202, rest.post("/connectors/rotated-source/restart?includeTasks=true", Map.of()).status());
            Await.until(() -> "FAILED".equals(rest.taskState("rotated-sink", 0))
                    && "FAILED".equals(rest.connectorState("rotated-source")), Duration.ofSeconds(15),
                    "both FAILED within 15 s of the restart");
            System.out.println("FAILED " + (System.nanoTime() - restarted) / 1_000_000 + " ms after the restart");
            String sinkTrace = rest.get("/connectors/rotated-sink/status").body().path("tasks").get(0).path("trace")
                    .asText();
            assertTrue(sinkTrace.contains("password authentication failed"), sinkTrace);
            String sourceTrace = rest.get("/connectors/rotated-source/status").body().path("connector").path("trace")
                    .asText();
            assertTrue(sourceTrace.contains("password authentication failed"), sourceTrace);
        }
    }
}
