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
 * The CDC source and the JDBC sink with the Avro converter (io.confluent.connect.avro.AvroConverter's settings) and
 * the worker's schema registry, as a Confluent user runs them: the replica follows the snapshot and the stream, and a
 * column added with a default and a column dropped while changes stream become the subject's next versions, each
 * accepted under its compatibility rule (BACKWARD, the registry's default), and reach the replica.
 */
class CdcAvroIT {

    @RegisterExtension
    static final PostgresDatabase source = new PostgresDatabase("cdcavro");

    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("cdcavroreplica");

    @TempDir
    Path dir;

    @Test
    void avroThroughTheRegistryKeepsTheReplicaAcrossAnAddedColumnWithADefaultAndADroppedColumn() {
        String schema = "flat";
        source.execute("CREATE SCHEMA " + schema,
                "CREATE TABLE flat.customers (id int PRIMARY KEY, name text NOT NULL, balance numeric(10,2), "
                        + "vip boolean)",
                "INSERT INTO flat.customers SELECT g, 'c' || g, g * 1.25, g % 3 = 0 FROM generate_series(1, 300) g");
        replica.execute("CREATE SCHEMA " + schema);
        String prefix = KafkaTestBroker.uniqueTopic("avro").replace('-', '_');
        String subject = prefix + "." + schema + ".customers-value";
        try (TestWorker worker = TestWorkers.worker(dir).with("schema.registry.listeners", "http://127.0.0.1:0")
                .start()) {
            RestClient rest = worker.rest();
            RestClient registry = new RestClient(worker.schemaRegistryUrl());
            String url = worker.schemaRegistryUrl().toString();
            Map<String, String> cdc = TestWorkers.avro(url, CdcReplicaIT.cdcConfig(source.url(), prefix, schema));
            assertEquals(201, rest.createConnector("avro-cdc", cdc).status(), "source created");
            Map<String, String> sink = TestWorkers.avro(url, CdcReplicaIT.replicaSink(replica.url(), "topics",
                    prefix + "." + schema + ".customers"));
            assertEquals(201, rest.createConnector("avro-replica", sink).status(), "sink created");
            awaitSame(rest, schema, "the snapshot");
            assertEquals("[1]", registry.get("/subjects/" + subject + "/versions").raw());

            source.execute("INSERT INTO flat.customers SELECT g, 'late' || g, g, true FROM generate_series(301, 350) g",
                    "DELETE FROM flat.customers WHERE id BETWEEN 100 AND 119",
                    "ALTER TABLE flat.customers ADD COLUMN tier text NOT NULL DEFAULT 'basic'",
                    "UPDATE flat.customers SET tier = 'gold' WHERE id % 7 = 0",
                    // the rows the ALTER filled with the default change no row in the stream: the sink's own ALTER
                    // gives the replica's the same default (tryout17 found them NULL)
                    "INSERT INTO flat.customers (id, name) VALUES (1000, 'defaulted')");
            awaitSame(rest, schema, "the added column");
            source.execute("ALTER TABLE flat.customers DROP COLUMN vip",
                    "INSERT INTO flat.customers (id, name, tier) VALUES (2000, 'after drop', 'silver')",
                    "UPDATE flat.customers SET name = name || '!' WHERE id % 10 = 0");
            awaitSame(rest, schema, "the dropped column");
            assertEquals("[1,2,3]", registry.get("/subjects/" + subject + "/versions").raw(),
                    "one version per shape of the table");
            assertEquals("BACKWARD", registry.get("/config").body().path("compatibilityLevel").asText());
            assertEquals("RUNNING", rest.taskState("avro-cdc", 0));
            assertEquals("RUNNING", rest.taskState("avro-replica", 0));
        }
    }

    private static void awaitSame(RestClient rest, String schema, String what) {
        Await.until(() -> Replica.same(source, replica, schema, "customers"), Duration.ofSeconds(90),
                () -> "the replica holds " + what + " (" + Replica.describe(source, replica, schema, "customers")
                        + "); source " + rest.get("/connectors/avro-cdc/status").raw() + ", sink "
                        + rest.get("/connectors/avro-replica/status").raw());
    }
}
