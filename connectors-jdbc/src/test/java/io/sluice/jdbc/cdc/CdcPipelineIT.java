package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The CDC source and the JDBC sink in a real worker on the test broker, keeping a replica database in step with the
 * source through every kind of change: inserts, updates (a key change too), deletes, ADD and DROP COLUMN, a type
 * change and a truncate; once from the flat rows, once from Debezium's envelope through Debezium's own
 * ExtractNewRecordState SMT (from its plugin).
 */
class CdcPipelineIT {

    @RegisterExtension
    static final PostgresDatabase source = new PostgresDatabase("cdcsource");

    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("cdcreplica");

    @TempDir
    Path dir;

    @Test
    void replicaBuiltFromFlatRowsFollowsEveryKindOfChange() {
        String schema = "flat";
        runChanges(schema, Map.of("output.format", "flat"), Map.of());
    }

    @Test
    void debeziumEnvelopeThroughExtractNewRecordStateBuildsTheSameReplica() {
        String schema = "envelope";
        Map<String, String> unwrap = new HashMap<>();
        unwrap.put("transforms", "unwrap");
        unwrap.put("transforms.unwrap.type", "io.debezium.transforms.ExtractNewRecordState");
        // ExtractNewRecordState drops truncate events: the CDC source marks them with the __op header, so a
        // predicate routes them past the SMT to the sink, which applies them
        unwrap.put("transforms.unwrap.predicate", "truncate");
        unwrap.put("transforms.unwrap.negate", "true");
        unwrap.put("predicates", "truncate");
        unwrap.put("predicates.truncate.type", "org.apache.kafka.connect.transforms.predicates.HasHeaderKey");
        unwrap.put("predicates.truncate.name", "__op");
        runChanges(schema, Map.of(), unwrap);
    }

    @Test
    void sinkSubscribedByRegexPicksUpTopicsCreatedLaterEvenWhileItWasAway() {
        String schema = "regex";
        createTables(schema, 100);
        source.execute("CREATE TABLE regex.extras (id int PRIMARY KEY, label text)",
                "INSERT INTO regex.extras SELECT g, 'x' || g FROM generate_series(1, 50) g");
        String prefix = KafkaTestBroker.uniqueTopic("rx").replace('-', '_');
        TestWorker.Builder workerConfig = TestWorkers.worker(dir);
        Map<String, String> sink = CdcReplicaIT.replicaSink(replica.url(), "topics.regex",
                prefix + "\\." + schema + "\\..*");
        Map<String, String> cdc = CdcReplicaIT.cdcConfig(source.url(), prefix, schema);
        cdc.put("table.include.list", "regex\\.(customers|orders)");
        // a second source writing topics of the same pattern, with its own slot and publication
        Map<String, String> extras = CdcReplicaIT.cdcConfig(source.url(), prefix, schema);
        extras.put("table.include.list", "regex\\.extras");
        extras.put("slot.name", prefix.toLowerCase() + "_extras");
        extras.put("publication.name", prefix + "_extras");
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            // the sink first: its pattern matches no topic yet, and its task starts with nothing assigned
            assertEquals(201, rest.createConnector("regex-replica", sink).status(), "sink created");
            Await.until(() -> "RUNNING".equals(rest.taskState("regex-replica", 0)), Duration.ofSeconds(30),
                    "the sink task runs");
            assertEquals(201, rest.createConnector("regex-cdc", cdc).status(), "source created");
            awaitSame(schema, "the snapshot, from topics created after the sink subscribed", "customers", "orders");
            // topics that appear and a worker that stops before the sink's consumer noticed them: its task comes
            // back as the same static member, which Kafka hands its previous assignment without a rebalance
            assertEquals(201, rest.createConnector("regex-extras", extras).status(), "second source created");
            Await.until(() -> Topics.recordsIn(prefix + "." + schema + ".extras") == 50, Duration.ofSeconds(60),
                    "the second source wrote its snapshot");
        }
        for (int restart = 1; restart <= 2; restart++) {
            try (TestWorker worker = workerConfig.start()) {
                source.execute("INSERT INTO regex.customers VALUES (" + (1000 + restart) + ", 'r', 1, false)",
                        "UPDATE regex.orders SET amount = amount + 1 WHERE id <= 10",
                        "UPDATE regex.extras SET label = label || '" + restart + "' WHERE id <= 10");
                awaitSame(schema, "the changes after restart " + restart, "customers", "orders", "extras");
            }
        }
    }

    private void runChanges(String schema, Map<String, String> sourceExtra, Map<String, String> sinkExtra) {
        createTables(schema, 500);
        String prefix = KafkaTestBroker.uniqueTopic("cdc").replace('-', '_');
        Path pluginPath = TestWorkers.pluginPath(dir);
        TestPlugins.install(TestPlugins.root().resolve("debezium-connector-postgres"), pluginPath);
        TestWorker.Builder workerConfig = TestWorkers.worker(dir);
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            Map<String, String> cdc = new HashMap<>();
            cdc.put("connector.class", "io.sluice.jdbc.cdc.PostgresCdcConnector");
            cdc.put("connection.url", source.url());
            cdc.put("topic.prefix", prefix);
            cdc.put("schema.include.list", schema);
            cdc.put("slot.name", (prefix + "_" + schema).toLowerCase());
            cdc.put("publication.name", prefix + "_" + schema);
            cdc.put("skipped.operations", "none");
            cdc.put("time.precision.mode", "connect");
            cdc.put("status.update.interval.ms", "500");
            cdc.putAll(sourceExtra);
            assertEquals(201, rest.createConnector("cdc-" + schema, cdc).status(), "source created");
            Map<String, String> sink = CdcReplicaIT.replicaSink(replica.url(), "topics", prefix + "." + schema
                    + ".customers," + prefix + "." + schema + ".orders");
            sink.putAll(sinkExtra);
            assertEquals(201, rest.createConnector("replica-" + schema, sink).status(), "sink created");
            awaitSame(schema, "the snapshot");

            source.execute(
                    "INSERT INTO " + schema + ".customers SELECT g, 'late' || g, g, true FROM generate_series(501, 600) g",
                    "UPDATE " + schema + ".customers SET balance = balance + 1, name = name || '!' WHERE id % 10 = 0",
                    "UPDATE " + schema + ".customers SET id = 1000 WHERE id = 7",
                    "DELETE FROM " + schema + ".customers WHERE id BETWEEN 100 AND 129",
                    "ALTER TABLE " + schema + ".customers ADD COLUMN tier text",
                    "UPDATE " + schema + ".customers SET tier = 'gold' WHERE id % 7 = 0",
                    "ALTER TABLE " + schema + ".customers DROP COLUMN vip",
                    "INSERT INTO " + schema + ".customers (id, name, tier) VALUES (2000, 'after drop', 'silver')",
                    "ALTER TABLE " + schema + ".orders ALTER COLUMN amount TYPE bigint",
                    "INSERT INTO " + schema + ".orders VALUES (5000, 1, 9000000000, 'big')",
                    "TRUNCATE " + schema + ".orders",
                    "INSERT INTO " + schema + ".orders SELECT g, 1, g, 'again' FROM generate_series(1, 50) g");
            awaitSame(schema, "the streamed changes");
        }
    }

    /** customers and orders in a new schema of the source (and the same schema, empty, in the replica). */
    private static void createTables(String schema, int customers) {
        source.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".customers (id int PRIMARY KEY, name text NOT NULL, balance numeric(10,2), "
                        + "vip boolean)",
                "CREATE TABLE " + schema + ".orders (id bigint PRIMARY KEY, customer int, amount int, note varchar(20))",
                "INSERT INTO " + schema + ".customers SELECT g, 'c' || g, g * 1.25, g % 3 = 0 FROM generate_series(1, "
                        + customers + ") g",
                "INSERT INTO " + schema + ".orders SELECT g, g % " + customers + " + 1, g * 7, 'n' || g FROM "
                        + "generate_series(1, " + 2 * customers + ") g");
        replica.execute("CREATE SCHEMA " + schema);
    }

    private static void awaitSame(String schema, String what) {
        awaitSame(schema, what, "customers", "orders");
    }

    private static void awaitSame(String schema, String what, String... tables) {
        for (String table : tables) {
            Await.until(() -> Replica.same(source, replica, schema, table), Duration.ofSeconds(90),
                    "the replica holds " + what + " (" + Replica.describe(source, replica, schema, table) + ")");
        }
    }
}
