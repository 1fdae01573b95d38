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
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables created while the CDC source runs, with no table.include.list: none of their rows may be lost, whether the
 * publication covers all tables (the default, as Debezium's) or names them (filtered, extended at the next start).
 */
class CdcNewTablesIT {

    @RegisterExtension
    static final PostgresDatabase source = new PostgresDatabase("cdcnewsource");

    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("cdcnewreplica");

    @TempDir
    Path dir;

    @Test
    void aTableCreatedWhileCapturingAllTablesStreamsFromItsFirstRow() {
        String schema = "alltables";
        source.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".first (id int PRIMARY KEY, v text)",
                "INSERT INTO " + schema + ".first VALUES (1, 'x')");
        replica.execute("CREATE SCHEMA " + schema);
        String prefix = KafkaTestBroker.uniqueTopic("all").replace('-', '_');
        Map<String, String> cdc = CdcReplicaIT.cdcConfig(source.url(), prefix, schema);
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("all-replica", CdcReplicaIT.replicaSink(replica.url(),
                    "topics.regex", prefix + "\\." + schema + "\\..*")).status(), "sink created");
            assertEquals(201, rest.createConnector("all-cdc", cdc).status(), "source created");
            awaitSame(schema, "first", "the snapshot");
            assertEquals(Boolean.TRUE, source.scalar("SELECT puballtables FROM pg_publication WHERE pubname = '"
                    + prefix + "'"), "the default publication covers all tables, as Debezium's all_tables");

            source.execute("CREATE TABLE " + schema + ".newt (id int PRIMARY KEY, v text)",
                    "INSERT INTO " + schema + ".newt VALUES (1, 'a')", "INSERT INTO " + schema + ".newt VALUES (2, 'b')");
            awaitSame(schema, "newt", "the new table's rows, without a restart");
        }
    }

    @Test
    void aTableAddedToAFilteredPublicationAtRestartHasItsEarlierRowsSnapshottedByThatConnectorAlone() {
        String schema = "filtered";
        // the signal table as Debezium documents it (id VARCHAR(42)), shared by two connectors (tryout17: the
        // other connector ran the first one's signal for its added table too, a needless second snapshot)
        source.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".first (id int PRIMARY KEY, v text)",
                "INSERT INTO " + schema + ".first VALUES (1, 'x')",
                "CREATE TABLE " + schema + ".signals (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, "
                        + "data varchar(2048))");
        replica.execute("CREATE SCHEMA " + schema);
        String prefix = KafkaTestBroker.uniqueTopic("filt").replace('-', '_');
        String other = KafkaTestBroker.uniqueTopic("other").replace('-', '_');
        Map<String, String> cdc = filtered(prefix, schema);
        TestWorker.Builder workerConfig = TestWorkers.worker(dir);
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("filt-replica", CdcReplicaIT.replicaSink(replica.url(),
                    "topics.regex", prefix + "\\." + schema + "\\.(first|newt)")).status(), "sink created");
            assertEquals(201, rest.createConnector("filt-cdc", cdc).status(), "source created");
            awaitSame(schema, "first", "the snapshot");
            // not in the publication yet: these rows are not published while the connector runs
            source.execute("CREATE TABLE " + schema + ".newt (id int PRIMARY KEY, v text)",
                    "INSERT INTO " + schema + ".newt VALUES (1, 'a')", "INSERT INTO " + schema + ".newt VALUES (2, 'b')",
                    "INSERT INTO " + schema + ".first VALUES (2, 'y')");
            awaitSame(schema, "first", "a change after the new table was created");
            // a second connector on the same signal table, whose own snapshot read newt's two rows
            assertEquals(201, rest.createConnector("filt-other", filtered(other, schema)).status(), "other created");
            Await.until(() -> KafkaTestBroker.consumeToEnd(other + "." + schema + ".newt").size() == 2,
                    Duration.ofSeconds(60), "the other connector's snapshot of newt");
        }
        try (TestWorker worker = workerConfig.start()) {
            source.execute("INSERT INTO " + schema + ".newt VALUES (3, 'c')");
            awaitSame(schema, "newt", "the rows written before the restart added it to the publication, and after");
            source.execute("INSERT INTO " + schema + ".first VALUES (3, 'z')");
            Await.until(() -> KafkaTestBroker.consumeToEnd(other + "." + schema + ".first").size() == 3,
                    Duration.ofSeconds(60), "the other connector streamed past the first connector's signal");
            List<String> keys = KafkaTestBroker.consumeToEnd(other + "." + schema + ".newt").stream()
                    .map(ConsumerRecord::key).toList();
            assertEquals(3, keys.size(), "the other connector's newt: its snapshot's two rows and row 3, once: " + keys);
            assertEquals(3, new HashSet<>(keys).size(), keys.toString());
        }
    }

    private static Map<String, String> filtered(String prefix, String schema) {
        Map<String, String> cdc = CdcReplicaIT.cdcConfig(source.url(), prefix, schema);
        cdc.put("publication.autocreate.mode", "filtered");
        cdc.put("table.exclude.list", schema + "\\.signals");
        cdc.put("signal.data.collection", schema + ".signals");
        return cdc;
    }

    private static void awaitSame(String schema, String table, String what) {
        Await.until(() -> Replica.same(source, replica, schema, table), Duration.ofSeconds(90),
                "the replica holds " + what + " (" + Replica.describe(source, replica, schema, table) + ")");
    }
}
