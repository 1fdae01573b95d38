package io.sluice.jdbc.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-setup start with Avro between two PostgreSQL tables: a worker without bootstrap.servers runs its broker
 * and schema registry; the JDBC source writes Avro through the registry, the JDBC sink reads it and evolves its
 * table when the source table gains a column (the registry's version 2, BACKWARD compatible); a column the old
 * records cannot fill is refused with the registry's 409 and fails the source task with that message.
 */
class JdbcAvroPipelineIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("avropipe");

    @TempDir
    Path dir;

    @Test
    void rowsTravelAsAvroAndAnAddedColumnEvolvesTheSinkTable() {
        db.execute("CREATE TABLE src_orders (id bigserial PRIMARY KEY, item text NOT NULL, price numeric(10,2) NOT NULL)",
                "INSERT INTO src_orders (item, price) VALUES ('apple', 1.50), ('pear', 2.25), ('plum', 0.75)");
        Path plugins = dir.resolve("plugins");
        TestPlugins.install(Path.of(System.getProperty("sluice.plugin.dir")), plugins);
        // its own broker and registry: no bootstrap.servers
        try (TestWorker worker = TestWorker.standalone().with("bootstrap.servers", null).pluginPath(plugins)
                .with("embedded.kafka.dir", dir.resolve("kafka").toString())
                .with("embedded.kafka.port", "0")
                .with("schema.registry.listeners", "http://127.0.0.1:0").start()) {
            RestClient rest = worker.rest();
            RestClient registry = new RestClient(worker.schemaRegistryUrl());
            String url = worker.schemaRegistryUrl().toString();
            assertEquals(201, rest.createConnector("avro-source", TestWorkers.avro(url, Map.of(
                    "connector.class", "io.sluice.jdbc.source.JdbcSourceConnector",
                    "connection.url", db.url(),
                    "mode", "incrementing",
                    "incrementing.column.name", "id",
                    "table.include.list", "public.src_orders",
                    "topic.prefix", "avro_",
                    "poll.interval.ms", "200"))).status());
            assertEquals(201, rest.createConnector("avro-sink", TestWorkers.avro(url, Map.of(
                    "connector.class", "io.sluice.jdbc.sink.JdbcSinkConnector",
                    "connection.url", db.url(),
                    "topics", "avro_src_orders",
                    "table.name.format", "dst_orders",
                    "insert.mode", "upsert",
                    "pk.mode", "record_value",
                    "pk.fields", "id",
                    "auto.create", "true",
                    "auto.evolve", "true"))).status());
            Await.until(() -> rows("SELECT id, item, price FROM dst_orders ORDER BY id").equals(
                    List.of("1|apple|1.50", "2|pear|2.25", "3|plum|0.75")), Duration.ofSeconds(90),
                    "3 rows copied; have " + rows("SELECT id, item, price FROM dst_orders ORDER BY id"));
            assertEquals("[1]", registry.get("/subjects/avro_src_orders-value/versions").raw());

            db.execute("ALTER TABLE src_orders ADD COLUMN note text",
                    "INSERT INTO src_orders (item, price, note) VALUES ('fig', 3.00, 'ripe')");
            Await.until(() -> rows("SELECT id, item, note FROM dst_orders WHERE id = 4").equals(List.of("4|fig|ripe")),
                    Duration.ofSeconds(90), "the sink table gained the column; have "
                            + rows("SELECT id, item FROM dst_orders ORDER BY id"));
            assertEquals("[1,2]", registry.get("/subjects/avro_src_orders-value/versions").raw());
            assertEquals(List.of("1|apple|null"), rows("SELECT id, item, note FROM dst_orders WHERE id = 1"));

            db.execute("ALTER TABLE src_orders ADD COLUMN qty int NOT NULL DEFAULT 1",
                    "INSERT INTO src_orders (item, price, note, qty) VALUES ('kiwi', 1.00, null, 5)");
            Await.until(() -> "FAILED".equals(rest.taskState("avro-source", 0)), Duration.ofSeconds(90),
                    "the source task fails on the refused schema");
            String trace = rest.get("/connectors/avro-source/status").body().path("tasks").path(0).path("trace").asText();
            assertTrue(trace.contains("incompatible") && trace.contains("409"), trace);
            assertEquals("[1,2]", registry.get("/subjects/avro_src_orders-value/versions").raw());
        }
    }

    private static List<String> rows(String sql) {
        try {
            return db.query(sql).stream().map(r -> String.join("|", r.stream().map(String::valueOf).toList())).toList();
        } catch (IllegalStateException notYet) {
            return List.of();
        }
    }
}
