package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
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
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The database drops the snapshot's connections (a restart, an administrator's pg_terminate_backend) while rows are
 * changed, twice: the task reconnects and reads the snapshot again, keeping the slot, as it does for a dropped
 * stream, and the replica the JDBC sink builds ends equal to the source, deletes made in between included.
 */
class CdcSnapshotReconnectIT {

    @RegisterExtension
    static final PostgresDatabase source = new PostgresDatabase("cdcsnapreconnect");

    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("cdcsnapreconnectreplica");

    @TempDir
    Path dir;

    @Test
    void snapshotConnectionsDroppedTwiceAreReconnectedAndTheReplicaEqualsTheSource() throws Exception {
        String schema = "reconnect";
        int rowsPerTable = 50_000;
        SourceLoad load = new SourceLoad(source, schema, 4, rowsPerTable);
        load.create(replica);
        String prefix = KafkaTestBroker.uniqueTopic("reconnect").replace('-', '_');
        List<String> tableTopics = load.tableNames().stream().filter(t -> t.startsWith("t"))
                .map(t -> prefix + "." + schema + "." + t).toList();
        Map<String, String> cdc = CdcReplicaIT.cdcConfig(source.url(), prefix, schema);
        cdc.put("retriable.restart.connector.wait.ms", "500");
        cdc.put("snapshot.max.threads", "1"); // one table after the other: the snapshot lasts long enough to cut
        try (TestWorker worker = TestWorkers.worker(dir).start(); load) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("reconnect-cdc", cdc).status());
            assertEquals(201, rest.createConnector("reconnect-replica",
                    CdcReplicaIT.sinkConfig(replica.url(), prefix, schema, load)).status());
            load.start(4_000, 5);
            for (int cut = 1; cut <= 2; cut++) {
                long before = total(tableTopics);
                int attempt = cut;
                Await.until(() -> total(tableTopics) >= before + 5_000 && copyRunning(schema),
                        Duration.ofSeconds(120), () -> "snapshot attempt " + attempt + " reading rows; task "
                                + rest.get("/connectors/reconnect-cdc/status").raw());
                // a delete of rows the snapshot already sent: only the slot's replay can take them from the replica
                source.execute("DELETE FROM " + schema + ".t0 WHERE id % 11 = 0");
                long cutAt = total(tableTopics);
                assertTrue(cutAt < 4L * rowsPerTable, "cut during the snapshot (" + cutAt + " rows sent)");
                assertTrue(terminateCopies(schema) > 0, "a COPY of the snapshot was terminated");
            }
            load.awaitDone();
            for (String table : load.tableNames()) {
                Await.until(() -> Replica.same(source, replica, schema, table), Duration.ofSeconds(180),
                        () -> "the replica of " + table + " equals the source (" + Replica.describe(source, replica,
                                schema, table) + "); task " + rest.get("/connectors/reconnect-cdc/status").raw());
            }
            assertEquals("RUNNING", rest.taskState("reconnect-cdc", 0));
        }
    }

    private static boolean copyRunning(String schema) {
        return ((Number) source.scalar("SELECT count(*) FROM pg_stat_activity WHERE query ILIKE 'COPY%"
                + schema + "%'")).intValue() > 0;
    }

    /** What the tester ran: ends the server processes reading the snapshot; how many it ended. */
    private static int terminateCopies(String schema) {
        return ((Number) source.scalar("SELECT count(*) FILTER (WHERE pg_terminate_backend(pid)) FROM "
                + "pg_stat_activity WHERE query ILIKE 'COPY%" + schema + "%' AND pid <> pg_backend_pid()")).intValue();
    }

    private static long total(List<String> topics) {
        return topics.stream().mapToLong(Topics::recordsIn).sum();
    }
}
