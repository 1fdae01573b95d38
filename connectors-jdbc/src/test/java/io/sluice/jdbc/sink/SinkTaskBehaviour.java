package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.TestDatabase;
import io.sluice.runtime.testing.StubSinkContext;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What the sink task does the same way on every database: keyed writes, replays, deletes and
 * errors. Each database's test class supplies the database and adds what is its own.
 */
abstract class SinkTaskBehaviour {

    static final Schema KEY = SchemaBuilder.struct().name("Key").field("id", Schema.INT64_SCHEMA).build();
    static final Schema VALUE = SchemaBuilder.struct().name("Value")
            .field("id", Schema.INT64_SCHEMA)
            .field("name", Schema.OPTIONAL_STRING_SCHEMA)
            .field("amount", Decimal.builder(2).optional().build())
            .build();

    private final List<JdbcSinkTask> tasks = new ArrayList<>();
    private long offset;

    abstract TestDatabase db();

    @AfterEach
    void stopTasks() {
        tasks.forEach(JdbcSinkTask::stop);
    }

    JdbcSinkTask task(StubSinkContext context, String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", db().url());
        props.put("auto.create", "true");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        JdbcSinkTask task = new JdbcSinkTask();
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    JdbcSinkTask task(String... keyValues) {
        return task(new StubSinkContext(), keyValues);
    }

    SinkRecord record(String topic, Schema keySchema, Object key, Schema valueSchema, Object value) {
        return new SinkRecord(topic, 0, keySchema, key, valueSchema, value, offset++);
    }

    SinkRecord keyed(String topic, long id, String name, String amount) {
        Struct value = new Struct(VALUE).put("id", id).put("name", name)
                .put("amount", amount == null ? null : new BigDecimal(amount));
        return record(topic, KEY, new Struct(KEY).put("id", id), VALUE, value);
    }

    SinkRecord tombstone(String topic, long id) {
        return record(topic, KEY, new Struct(KEY).put("id", id), VALUE, null);
    }

    @Test
    void upsertReplayOfTheSameBatchLeavesTheTableExactlyAsWrittenOnce() {
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key");
        List<SinkRecord> batch = List.of(keyed("upserts", 1, "one", "1.10"), keyed("upserts", 2, "two", "2.20"),
                keyed("upserts", 1, "uno", "1.11"), keyed("upserts", 3, "three", null));
        task.put(batch);
        List<List<Object>> once = db().query("SELECT id, name, amount FROM upserts ORDER BY id");
        task.put(batch);
        task.put(batch);
        assertEquals(once, db().query("SELECT id, name, amount FROM upserts ORDER BY id"));
        assertEquals(List.of(List.of(1L, "uno", new BigDecimal("1.11")), List.of(2L, "two", new BigDecimal("2.20")),
                Arrays.asList(3L, "three", null)), once);
    }

    @Test
    void tombstonesDeleteRowsAndTheLastRecordPerKeyWinsWithinABatch() {
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key", "delete.enabled", "true");
        task.put(List.of(keyed("deletes", 1, "a", null), keyed("deletes", 2, "b", null), keyed("deletes", 3, "c", null)));
        task.put(List.of(tombstone("deletes", 1), keyed("deletes", 2, "b2", null), tombstone("deletes", 2),
                tombstone("deletes", 3), keyed("deletes", 3, "c2", null), tombstone("deletes", 99)));
        assertEquals(List.of(List.of(3L, "c2")), db().query("SELECT id, name FROM deletes ORDER BY id"));
    }

    @Test
    void updateModeChangesExistingRowsOnly() {
        task("insert.mode", "upsert", "pk.mode", "record_value", "pk.fields", "id")
                .put(List.of(keyed("updates", 1, "a", null)));
        task("insert.mode", "update", "pk.mode", "record_value", "pk.fields", "id")
                .put(List.of(keyed("updates", 1, "a2", "5.00"), keyed("updates", 2, "never", null)));
        assertEquals(List.of(List.of(1L, "a2", new BigDecimal("5.00"))),
                db().query("SELECT id, name, amount FROM updates ORDER BY id"));
    }

    @Test
    void aMissingColumnWithoutAutoEvolveFailsNamingTableAndColumn() {
        db().execute("CREATE TABLE narrow (id bigint primary key)");
        ConnectException e = assertThrows(ConnectException.class,
                () -> task("auto.create", "false").put(List.of(keyed("narrow", 1, "a", null))));
        assertTrue(e.getMessage().contains("narrow") && e.getMessage().contains("\"name\""), e.getMessage());
    }

    @Test
    void withoutTolerationABadRecordFailsThePutAndWritesNothingOfIt() {
        db().execute("CREATE TABLE atomic (id bigint primary key, name text, amount numeric(4,2))");
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key");
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(List.of(
                keyed("atomic", 1, "fine", "1.00"), keyed("atomic", 2, "too big", "123456.00"))));
        assertTrue(e.getMessage().contains("atomic"), e.getMessage());
        assertEquals(0L, ((Number) db().scalar("SELECT count(*) FROM atomic")).longValue(), "one transaction per put");
    }

    @Test
    void aColumnAddedAtTheSourceWithADefaultGivesTheRowsAlreadyInTheReplicaThatDefault() {
        // tryout17: `ALTER TABLE customers ADD COLUMN tier int NOT NULL DEFAULT 3` at a CDC source; the replica's
        // ALTER carried no default, so its 831 existing rows held NULL where the source's held 3
        Schema v2 = SchemaBuilder.struct().name("Value").field("id", Schema.INT64_SCHEMA)
                .field("name", Schema.OPTIONAL_STRING_SCHEMA).field("amount", Decimal.builder(2).optional().build())
                .field("tier", SchemaBuilder.int32().defaultValue(3).build())
                .field("label", SchemaBuilder.string().optional().defaultValue("it's \\ new").build())
                .field("vip", SchemaBuilder.bool().defaultValue(true).build())
                .field("rate", Decimal.builder(2).defaultValue(new BigDecimal("1.50")).build())
                .field("score", SchemaBuilder.float64().defaultValue(0.25).build())
                .build();
        JdbcSinkTask task = task("insert.mode", "upsert", "pk.mode", "record_key", "auto.evolve", "true");
        task.put(List.of(keyed("defaults", 1, "old", null)));
        Struct added = new Struct(v2).put("id", 2L).put("name", "new").put("tier", 7).put("label", "given")
                .put("vip", false).put("rate", new BigDecimal("2.00")).put("score", 0.5);
        task.put(List.of(record("defaults", KEY, new Struct(KEY).put("id", 2L), v2, added)));
        List<List<Object>> rows = db().query("SELECT id, tier, label, vip, rate, score FROM defaults ORDER BY id");
        assertEquals(2, rows.size(), rows.toString());
        assertEquals(Arrays.asList(3, "it's \\ new", true, new BigDecimal("1.50"), 0.25),
                normalised(rows.get(0).subList(1, 6)), "the row written before the columns existed: " + rows);
        assertEquals(Arrays.asList(7, "given", false, new BigDecimal("2.00"), 0.5),
                normalised(rows.get(1).subList(1, 6)), "the row that carried the columns: " + rows);
    }

    /** Numbers and booleans as one shape whatever the driver returns (MariaDB gives a boolean as a tinyint). */
    private static List<Object> normalised(List<Object> row) {
        List<Object> out = new ArrayList<>();
        for (Object v : row) {
            if (v instanceof Byte || v instanceof Short || v instanceof Long) {
                v = ((Number) v).intValue();
            } else if (v instanceof Float f) {
                v = f.doubleValue();
            } else if (v instanceof BigDecimal d && d.scale() != 2) {
                v = d.setScale(2);
            }
            out.add(v);
        }
        if (out.get(2) instanceof Integer i) {
            out.set(2, i != 0);
        }
        return out;
    }
}
