package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JDBC source and an auto-evolving JDBC sink in a real worker while the source table is altered under them
 * (a column added, a NOT NULL column dropped, a column retyped, a new table created): the source task stays
 * RUNNING, every row arrives, and the sink's tables follow the new schemas.
 */
class SchemaChangePipelineIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("schemachange");

    @TempDir
    Path dir;

    @Test
    void tablesAlteredWhileTheSourceRunsKeepItRunningAndTheAutoEvolvingSinkFollows() {
        db.execute("CREATE SCHEMA evo",
                "CREATE TABLE evo.items (id bigserial primary key, name text NOT NULL, qty int NOT NULL)",
                "INSERT INTO evo.items (name, qty) SELECT 'n' || g, g FROM generate_series(1, 200) g");
        String prefix = KafkaTestBroker.uniqueTopic("evo").replace('-', '_') + "_";
        String sinkTable = "sink_" + prefix + "items";
        Map<String, String> source = TestWorkers.incrementingSource(db.url(), prefix, "schema.pattern", "evo",
                "table.poll.interval.ms", "1000", "transforms", "keyById",
                "transforms.keyById.type", "org.apache.kafka.connect.transforms.ValueToKey",
                "transforms.keyById.fields", "id");
        Map<String, String> sink = new HashMap<>();
        sink.put("connector.class", "io.sluice.jdbc.sink.JdbcSinkConnector");
        sink.put("connection.url", db.url());
        sink.put("topics.regex", prefix + ".*");
        sink.put("insert.mode", "upsert");
        sink.put("pk.mode", "record_key");
        sink.put("auto.create", "true");
        sink.put("auto.evolve", "true");
        sink.put("table.name.format", "sink_${topic}");
        // a new table's topic is found by the regex at the consumer's next metadata refresh
        sink.put("consumer.override.metadata.max.age.ms", "1000");
        for (Map<String, String> config : List.of(source, sink)) {
            config.put("key.converter", "org.apache.kafka.connect.json.JsonConverter");
            config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        }
        Set<String> states = ConcurrentHashMap.newKeySet();
        ScheduledExecutorService watcher = Executors.newSingleThreadScheduledExecutor();
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("evo-source", source).status());
            assertEquals(201, rest.createConnector("evo-sink", sink).status());
            awaitRows(rest, sinkTable, 200);
            // from here to the new table (whose discovery reconfigures, so restarts, the tasks) it must stay RUNNING
            watcher.scheduleWithFixedDelay(() -> states.add(String.valueOf(rest.taskState("evo-source", 0))),
                    0, 50, TimeUnit.MILLISECONDS);

            db.execute("ALTER TABLE evo.items ADD COLUMN note text",
                    "INSERT INTO evo.items (name, qty, note) SELECT 'n' || g, g, 'note' || g FROM generate_series(201, 300) g");
            awaitRows(rest, sinkTable, 300);
            db.execute("ALTER TABLE evo.items DROP COLUMN name",
                    "INSERT INTO evo.items (qty, note) SELECT g, 'note' || g FROM generate_series(301, 400) g");
            awaitRows(rest, sinkTable, 400);
            db.execute("ALTER TABLE evo.items ALTER COLUMN qty TYPE bigint",
                    "INSERT INTO evo.items (qty, note) SELECT 5000000000 + g, 'big' FROM generate_series(401, 500) g");
            awaitRows(rest, sinkTable, 500);
            watcher.shutdownNow();
            assertEquals(Set.of("RUNNING"), states, "the source task never left RUNNING while its table changed");
            db.execute("CREATE TABLE evo.later (id bigserial primary key, v text)",
                    "INSERT INTO evo.later (v) SELECT 'v' || g FROM generate_series(1, 50) g");
            awaitRows(rest, "sink_" + prefix + "later", 50);

            assertEquals("RUNNING", rest.taskState("evo-source", 0));
            assertEquals(List.of(List.of(500L, 500L, 1L, 500L)), db.query("SELECT count(*), count(DISTINCT id), "
                    + "min(id), max(id) FROM \"" + sinkTable + "\""), "every row once");
            assertEquals("[[n1, 1, null]]", db.query("SELECT name, qty, note FROM \""
                    + sinkTable + "\" WHERE id = 1").toString());
            assertEquals(List.of(List.of("null", "note350")).toString(), db.query("SELECT coalesce(name, 'null'), "
                    + "note FROM \"" + sinkTable + "\" WHERE id = 350").toString(), "name dropped: NULL from then on");
            assertEquals(5_000_000_450L, db.scalar("SELECT qty FROM \"" + sinkTable + "\" WHERE id = 450"));
            assertEquals(List.of(List.of("name", "text", "YES"), List.of("note", "text", "YES"),
                    List.of("qty", "bigint", "NO")).toString(), db.query("SELECT column_name, data_type, is_nullable "
                    + "FROM information_schema.columns WHERE table_name = '" + sinkTable + "' AND column_name <> 'id' "
                    + "ORDER BY 1").toString(), "the sink table evolved: note added, name nullable, qty widened");
        } finally {
            watcher.shutdownNow();
        }
    }

    private static void awaitRows(RestClient rest, String table, long rows) {
        try {
            Await.until(() -> count(table) >= rows, Duration.ofSeconds(60), table + " reaching " + rows + " rows");
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + "; it has " + count(table) + "; source "
                    + rest.get("/connectors/evo-source/status").raw() + "; sink "
                    + rest.get("/connectors/evo-sink/status").raw(), e);
        }
    }

    private static long count(String table) {
        try {
            return ((Number) db.scalar("SELECT count(*) FROM \"" + table + "\"")).longValue();
        } catch (IllegalStateException notYetCreated) {
            return 0;
        }
    }
}
