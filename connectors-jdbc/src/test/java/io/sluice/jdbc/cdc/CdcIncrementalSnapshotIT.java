package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * An incremental snapshot asked for through Debezium's signal table, while changes stream: a connector that only
 * streams (snapshot.mode=no_data) leaves a replica holding just the changed rows; an execute-snapshot signal reads
 * every table in chunks between watermarks while the writer goes on updating and deleting, and the replica ends
 * equal to the source: no chunk row overwrites a newer streamed change, and no deleted row comes back.
 */
class CdcIncrementalSnapshotIT {

    @RegisterExtension
    static final PostgresDatabase source = new PostgresDatabase("cdcincremental");

    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("cdcincrementalreplica");

    @TempDir
    Path dir;

    @Test
    void anExecuteSnapshotSignalFillsTheReplicaWhileChangesStreamWithoutUndoingAnyOfThem() throws Exception {
        String schema = "inc";
        SourceLoad load = new SourceLoad(source, schema, 2, 10_000);
        load.create(replica);
        source.execute("CREATE TABLE " + schema + ".dbz_signal (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, "
                + "data varchar(2048))");
        String prefix = KafkaTestBroker.uniqueTopic("inc").replace('-', '_');
        Map<String, String> cdc = CdcReplicaIT.cdcConfig(source.url(), prefix, schema);
        cdc.put("snapshot.mode", "no_data");
        cdc.put("signal.data.collection", schema + ".dbz_signal");
        cdc.put("incremental.snapshot.chunk.size", "500");
        try (TestWorker worker = TestWorkers.worker(dir).start(); load) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("inc-cdc", cdc).status());
            assertEquals(201, rest.createConnector("inc-replica",
                    CdcReplicaIT.sinkConfig(replica.url(), prefix, schema, load)).status());
            Await.until(() -> "RUNNING".equals(rest.taskState("inc-cdc", 0)) && source.scalar(
                            "SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '"
                                    + prefix.toLowerCase() + "'") != null, Duration.ofSeconds(60),
                    "the connector streaming");
            load.start(3_000, 5, 2);
            Await.until(() -> load.changes() >= 500, Duration.ofSeconds(60), "changes running");
            source.execute("INSERT INTO " + schema + ".dbz_signal VALUES ('snap-1', 'execute-snapshot', "
                    + "'{\"data-collections\": [\"" + schema + ".t0\", \"" + schema + ".t1\"], \"type\": \"incremental\"}')");
            load.awaitDone();
            for (String table : load.tableNames()) {
                Await.until(() -> Replica.same(source, replica, schema, table), Duration.ofSeconds(180),
                        "the replica of " + table + " equals the source (" + Replica.describe(source, replica, schema,
                                table) + ")");
            }
        }
    }
}
