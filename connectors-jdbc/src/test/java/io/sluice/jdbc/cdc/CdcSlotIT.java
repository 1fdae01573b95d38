package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The replication slot as an operator sees it, through a real worker: the WAL it keeps and its status in GET /metrics
 * (the connector's plugin metrics, also in JMX), read when asked and still there while the connector is stopped; heartbeats that let it advance while the
 * captured tables are quiet and the rest of the database is not; a slot dropped under the connector fails the task
 * with a cause that says so; the REST path that drops slot and publication before a connector is deleted, and
 * slot.drop.on.stop, which drops the slot whenever the task stops (a delete too). A reset by a user that does not
 * own the publication drops the slot and leaves the publication (it failed half-way, the slot gone, the offsets not).
 */
class CdcSlotIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("cdcslot");

    @TempDir
    Path dir;

    @BeforeAll
    static void tables() {
        db.execute("CREATE SCHEMA quiet", "CREATE TABLE quiet.items (id int PRIMARY KEY, name text)",
                "INSERT INTO quiet.items SELECT g, 'i' || g FROM generate_series(1, 100) g",
                "CREATE TABLE quiet.heartbeat (id int PRIMARY KEY, beat timestamptz)",
                "CREATE SCHEMA busy", "CREATE TABLE busy.log (id bigserial PRIMARY KEY, payload text)",
                "CREATE SCHEMA steady", "CREATE TABLE steady.log (id bigint PRIMARY KEY, payload text)");
    }

    private static Map<String, String> cdc(String name, String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.sluice.jdbc.cdc.PostgresCdcConnector");
        config.put("connection.url", db.url());
        config.put("topic.prefix", KafkaTestBroker.uniqueTopic(name).replace('-', '_'));
        config.put("schema.include.list", "quiet");
        config.put("slot.name", name.replace('-', '_'));
        config.put("publication.name", name.replace('-', '_'));
        config.put("status.update.interval.ms", "500");
        config.put("retriable.restart.connector.wait.ms", "500");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static long confirmedFlush(String slot) {
        Object lsn = db.scalar("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        return lsn == null ? -1 : Lsn.parse(String.valueOf(lsn));
    }

    private static long currentWal() {
        return Lsn.parse(String.valueOf(db.scalar("SELECT pg_current_wal_insert_lsn()")));
    }

    /** The value of one of the connector's task metrics in GET /metrics, or null when it is not shown. */
    private static Double metric(RestClient rest, String connector, String name) {
        return metric(rest, connector, name, true);
    }

    /** One of the connector's own metrics (the slot's figures: no task label), NaN when it is not shown. */
    private static double slotMetric(RestClient rest, String connector, String name) {
        Double value = metric(rest, connector, name, false);
        return value == null ? Double.NaN : value;
    }

    private static Double metric(RestClient rest, String connector, String name, boolean task) {
        String text = rest.get("/metrics").raw();
        for (String line : text.split("\n")) {
            if (line.startsWith("kafka_connect_plugins_" + name + "{") && line.contains("connector=\"" + connector + "\"")
                    && line.contains("task=\"0\"") == task) {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return null;
    }

    /**
     * WAL the server keeps for the slot now, from its restart_lsn to the insert position: the test server runs with
     * synchronous_commit=off, so pg_current_wal_lsn() (the write position) may not yet include a committed insert.
     */
    private static long retained(String slot) {
        Object bytes = db.scalar("SELECT pg_current_wal_insert_lsn() - restart_lsn FROM pg_replication_slots "
                + "WHERE slot_name = '" + slot + "'");
        return ((Number) bytes).longValue();
    }

    @Test
    void slotLagIsTheWalKeptFromRestartLsnReadWhenAskedAndStillShownWhileTheConnectorIsStopped() {
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("slot-kept", cdc("slot-kept")).status());
            Await.until(() -> confirmedFlush("slot_kept") > 0 && slotMetric(rest, "slot-kept", "slot_active") == 1.0,
                    Duration.ofSeconds(60),
                    "streaming, the slot read by the task");

            assertEquals(204, rest.put("/connectors/slot-kept/stop", Map.of()).status());
            // the server's word that no walsender holds the slot any more: the task confirms nothing from here on
            Await.until(() -> "STOPPED".equals(rest.connectorState("slot-kept")) && Boolean.FALSE.equals(
                    db.scalar("SELECT active FROM pg_replication_slots WHERE slot_name = 'slot_kept'")),
                    Duration.ofSeconds(30), "stopped, its slot idle");
            Await.until(() -> slotMetric(rest, "slot-kept", "slot_active") == 0.0, Duration.ofSeconds(10),
                    () -> "its slot still in the metrics, idle: " + rest.get("/metrics").raw());
            // a stopped connector's slot keeps every byte written since: what the operator must see grow
            db.execute("INSERT INTO busy.log (payload) SELECT repeat('w', 500) FROM generate_series(1, 4000)");
            long before = retained("slot_kept");
            assertTrue(before > 1_500_000, "the insert's WAL is kept: " + before);
            // read when asked: no task samples it any more, and at most a second old
            Await.until(() -> slotMetric(rest, "slot-kept", "slot_lag_bytes") >= before, Duration.ofSeconds(5),
                    () -> "slot-lag-bytes shows the WAL kept from restart_lsn (" + before + "), not an old sample: "
                            + slotMetric(rest, "slot-kept", "slot_lag_bytes"));
            double lag = slotMetric(rest, "slot-kept", "slot_lag_bytes");
            assertTrue(lag <= retained("slot_kept"), lag + " is at most the WAL kept from restart_lsn");
            assertTrue(slotMetric(rest, "slot-kept", "slot_confirmed_lag_bytes") > 1_500_000,
                    "the unconfirmed WAL is shown too");
            assertTrue(rest.get("/metrics").raw().contains("kafka_connect_plugins_slot_wal_status{connector=\""
                    + "slot-kept\""), "the wal_status too");

            assertEquals(202, rest.put("/connectors/slot-kept/resume", Map.of()).status());
            Await.until(() -> slotMetric(rest, "slot-kept", "slot_confirmed_lag_bytes") < 1_000_000,
                    Duration.ofSeconds(60), "resumed, the connector catches up and confirms");
        }
    }

    /**
     * A connector behind the server (here: resumed after a stop, 50,000 one-row transactions waiting, a queue they
     * all fit in) reads without a pause between messages for as long as it catches up: the slot's confirmed position
     * still follows the worker's commits meanwhile, so the server can recycle the WAL already acknowledged instead of
     * keeping all of it.
     */
    @Test
    void theSlotAdvancesWhileChangesStreamWithoutPause() {
        try (TestWorker worker = TestWorkers.worker(dir).with("offset.flush.interval.ms", "500").start()) {
            RestClient rest = worker.rest();
            Map<String, String> config = cdc("slot-steady", "schema.include.list", "steady",
                    "max.queue.size", "200000");
            String topic = config.get("topic.prefix") + ".steady.log";
            db.execute("INSERT INTO steady.log VALUES (0, 'snapshot')");
            assertEquals(201, rest.createConnector("slot-steady", config).status());
            Await.until(() -> confirmedFlush("slot_steady") > 0, Duration.ofSeconds(60), "the slot created");
            long created = confirmedFlush("slot_steady");
            // a streamed change confirmed: the snapshot is acknowledged, the resumed task streams
            db.execute("INSERT INTO steady.log VALUES (-1, 'streamed')");
            Await.until(() -> confirmedFlush("slot_steady") > created, Duration.ofSeconds(60), "streaming");
            assertEquals(204, rest.put("/connectors/slot-steady/stop", Map.of()).status());
            Await.until(() -> Boolean.FALSE.equals(db.scalar(
                    "SELECT active FROM pg_replication_slots WHERE slot_name = 'slot_steady'")),
                    Duration.ofSeconds(30), "stopped, its slot idle");
            long stoppedAt = confirmedFlush("slot_steady");
            int transactions = 50_000;
            db.execute("DO $$ BEGIN FOR i IN 1.." + transactions + " LOOP "
                    + "INSERT INTO steady.log VALUES (i, md5(i::text)); COMMIT; END LOOP; END $$");

            assertEquals(202, rest.put("/connectors/slot-steady/resume", Map.of()).status());
            long expected = transactions + 2L;
            long[] confirmedWhileBehind = {-1, 0};
            Await.until(() -> {
                long confirmed = confirmedFlush("slot_steady"); // read first: the records count only grows
                long read = Topics.recordsIn(topic);
                if (confirmed > stoppedAt && read < expected && confirmedWhileBehind[0] < 0) {
                    confirmedWhileBehind[0] = confirmed;
                    confirmedWhileBehind[1] = read;
                }
                return read >= expected;
            }, Duration.ofSeconds(180), () -> "the backlog read: " + Topics.recordsIn(topic) + " of " + expected);
            assertTrue(confirmedWhileBehind[0] > stoppedAt, "the slot stayed at " + Lsn.format(stoppedAt)
                    + " while the connector read " + (expected - 2) + " changes without a pause");
            System.out.printf("slot confirmed %s with %d of %d changes read%n", Lsn.format(confirmedWhileBehind[0]),
                    confirmedWhileBehind[1], expected - 2);
        }
    }

    @Test
    void aStoppedConnectorsSlotFiguresAreShownAfterTheWorkerRestarts() {
        TestWorker.Builder workerConfig = TestWorkers.worker(dir);
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("slot-restart", cdc("slot-restart")).status());
            Await.until(() -> confirmedFlush("slot_restart") > 0, Duration.ofSeconds(60), "streaming");
            assertEquals(204, rest.put("/connectors/slot-restart/stop", Map.of()).status());
            Await.until(() -> "STOPPED".equals(rest.connectorState("slot-restart")), Duration.ofSeconds(30),
                    "stopped");
        }
        db.execute("INSERT INTO busy.log (payload) SELECT repeat('r', 500) FROM generate_series(1, 4000)");
        long kept = retained("slot_restart");
        // a new worker never started this connector: the slot's figures come from its stored config alone
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            Await.until(() -> "STOPPED".equals(rest.connectorState("slot-restart")), Duration.ofSeconds(60),
                    "still stopped after the restart");
            Await.until(() -> slotMetric(rest, "slot-restart", "slot_lag_bytes") >= kept, Duration.ofSeconds(30),
                    () -> "the WAL its slot keeps (" + kept + ") is shown after the restart: "
                            + slotMetric(rest, "slot-restart", "slot_lag_bytes"));
            assertEquals(0.0, slotMetric(rest, "slot-restart", "slot_active"), "its slot idle");
            assertTrue(rest.get("/metrics").raw().contains("kafka_connect_plugins_slot_wal_status{connector=\""
                    + "slot-restart\""), "the wal_status too");
            assertEquals(200, rest.delete("/connectors/slot-restart/offsets").status(), "its slot dropped");
        }
    }

    @Test
    void slotLagIsInTheMetricsAndHeartbeatsLetTheSlotAdvanceWhileTheCapturedTablesAreQuiet() {
        Map<String, String> config = cdc("slot-heartbeat", "heartbeat.interval.ms", "300",
                "heartbeat.action.query", "INSERT INTO quiet.heartbeat VALUES (1, now()) "
                        + "ON CONFLICT (id) DO UPDATE SET beat = excluded.beat");
        String heartbeatTopic = "__debezium-heartbeat." + config.get("topic.prefix");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("slot-heartbeat", config).status());
            Await.until(() -> Topics.recordsIn(config.get("topic.prefix") + ".quiet.items") == 100,
                    Duration.ofSeconds(60), "the snapshot of quiet.items");
            Await.until(() -> slotMetric(rest, "slot-heartbeat", "slot_lag_bytes") >= 0, Duration.ofSeconds(30),
                    "the slot's lag measured and in GET /metrics: " + rest.get("/metrics").raw());
            Await.until(() -> Topics.recordsIn(heartbeatTopic) > 0, Duration.ofSeconds(30),
                    "heartbeat records on " + heartbeatTopic);

            // WAL that concerns no captured table: only keepalives and the heartbeat query's writes reach the slot
            db.execute("INSERT INTO busy.log (payload) SELECT repeat('x', 200) FROM generate_series(1, 20000)");
            long written = currentWal();
            Await.until(() -> confirmedFlush("slot_heartbeat") >= written, Duration.ofSeconds(60),
                    "the slot confirmed past the other tables' WAL (at " + Lsn.format(confirmedFlush("slot_heartbeat"))
                            + ", WAL written to " + Lsn.format(written) + ")");
            // restart_lsn follows the confirmed position at the server's next running-transactions record (15 s)
            Await.until(() -> slotMetric(rest, "slot-heartbeat", "slot_lag_bytes") < 1_000_000,
                    Duration.ofSeconds(90), "the WAL the slot keeps, in the metrics, comes back down");

            assertEquals(204, rest.post("/connectors/slot-heartbeat/tasks/0/restart", Map.of()).status());
            Await.until(() -> "RUNNING".equals(rest.taskState("slot-heartbeat", 0))
                            && metric(rest, "slot-heartbeat", "streaming") != null
                            && metric(rest, "slot-heartbeat", "streaming") == 1.0, Duration.ofSeconds(60),
                    "the restarted task streams and shows its metrics again: " + rest.get(
                            "/connectors/slot-heartbeat/status").raw());
        }
    }

    @Test
    void aSlotDroppedUnderTheConnectorFailsTheTaskWithACauseThatSaysSo() {
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("slot-dropped", cdc("slot-dropped")).status());
            Await.until(() -> confirmedFlush("slot_dropped") > 0 && metric(rest, "slot-dropped", "streaming") != null
                    && metric(rest, "slot-dropped", "streaming") == 1.0, Duration.ofSeconds(60), "streaming");
            // the walsender holds the slot: end it, then drop the slot before the connector reconnects
            Await.until(() -> {
                db.execute("SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots "
                        + "WHERE slot_name = 'slot_dropped' AND active_pid IS NOT NULL");
                try {
                    db.execute("SELECT pg_drop_replication_slot('slot_dropped')");
                    return true;
                } catch (RuntimeException stillActive) {
                    return false;
                }
            }, Duration.ofSeconds(30), "the slot dropped");
            Await.until(() -> "FAILED".equals(rest.taskState("slot-dropped", 0)), Duration.ofSeconds(60),
                    "the task fails");
            String trace = rest.get("/connectors/slot-dropped/status").body().path("tasks").get(0).path("trace")
                    .asText();
            assertTrue(trace.contains("Replication slot slot_dropped no longer exists")
                    && trace.contains("snapshot.mode=when_needed"), trace);
        }
    }

    @Test
    void stoppingAndResettingTheOffsetsDropsSlotAndPublicationSoTheConnectorCanBeDeletedWithoutLeavingThem() {
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("slot-delete", cdc("slot-delete")).status());
            Await.until(() -> confirmedFlush("slot_delete") > 0, Duration.ofSeconds(60), "the slot created");
            assertEquals(1L, db.scalar("SELECT count(*) FROM pg_publication WHERE pubname = 'slot_delete'"));

            assertEquals(204, rest.put("/connectors/slot-delete/stop", Map.of()).status());
            Await.until(() -> "STOPPED".equals(rest.connectorState("slot-delete")), Duration.ofSeconds(30),
                    "the connector stopped");
            RestClient.Response reset = rest.delete("/connectors/slot-delete/offsets");
            assertEquals(200, reset.status(), reset.raw());
            assertEquals(-1L, confirmedFlush("slot_delete"), "the slot is dropped");
            assertEquals(0L, db.scalar("SELECT count(*) FROM pg_publication WHERE pubname = 'slot_delete'"));
            assertEquals(204, rest.delete("/connectors/slot-delete").status());
            assertFalse(rest.get("/connectors").raw().contains("slot-delete"));
        }
    }

    @Test
    void withSlotDropOnStopDeletingTheConnectorDropsItsSlot() {
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("slot-stop", cdc("slot-stop", "slot.drop.on.stop", "true"))
                    .status());
            Await.until(() -> confirmedFlush("slot_stop") > 0, Duration.ofSeconds(60), "the slot created");
            assertEquals(204, rest.delete("/connectors/slot-stop").status());
            Await.until(() -> confirmedFlush("slot_stop") == -1, Duration.ofSeconds(30), "the slot dropped");
        }
    }

    @Test
    void resettingTheOffsetsDropsTheSlotButLeavesAPublicationADbaCreatedForTheConnector() {
        db.passwordRole("cdc_slot_user", "pw");
        db.execute("ALTER ROLE cdc_slot_user WITH REPLICATION", "GRANT SELECT ON quiet.items TO cdc_slot_user",
                "CREATE PUBLICATION dba_made FOR TABLE quiet.items",
                "SELECT pg_create_logical_replication_slot('slot_dba', 'pgoutput')");
        Map<String, String> config = cdc("slot-dba", "connection.url", db.bareUrl(), "connection.user", "cdc_slot_user",
                "connection.password", "pw", "publication.name", "dba_made");
        Map<String, Object> partition = Map.of("server", config.get("topic.prefix"));
        java.util.Map<Map<String, ?>, Map<String, ?>> reset = new HashMap<>();
        reset.put(partition, null);
        assertTrue(new PostgresCdcConnector().alterOffsets(config, reset));
        assertEquals(-1L, confirmedFlush("slot_dba"), "the slot is dropped");
        assertEquals(1L, db.scalar("SELECT count(*) FROM pg_publication WHERE pubname = 'dba_made'"),
                "a publication the connector's user does not own stays (DROP would fail: must be owner)");
    }
}
