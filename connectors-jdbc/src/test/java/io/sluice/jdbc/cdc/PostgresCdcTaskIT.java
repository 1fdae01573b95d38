package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** The CDC task against a real PostgreSQL: snapshot, stream, the seam between them, and confirmations to the slot. */
class PostgresCdcTaskIT extends CdcTaskHarness {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("cdctask");

    @Override
    PostgresDatabase db() {
        return db;
    }

    @Test
    void existingRowsComeAsReadEventsThenChangesAsTheyHappen() throws Exception {
        db.execute("CREATE SCHEMA basic", "CREATE TABLE basic.items (id int PRIMARY KEY, name text NOT NULL, "
                        + "price numeric(8,2))",
                "INSERT INTO basic.items SELECT g, 'item' || g, g * 1.5 FROM generate_series(1, 100) g");
        RecordingSourceContext context = new RecordingSourceContext();
        String slot = slot();
        PostgresCdcTask task = start(context, config(slot, "schema.include.list", "basic"));

        List<SourceRecord> snapshot = collect(task, context, 100);
        assertEquals(100, snapshot.stream().filter(r -> op(r).equals("r")).count());
        SourceRecord first = snapshot.get(0);
        assertEquals("srv.basic.items", first.topic());
        assertEquals("srv.basic.items.Key", first.keySchema().name());
        assertEquals("srv.basic.items.Envelope", first.valueSchema().name());
        assertEquals(1, ((Struct) first.key()).getInt32("id"));
        assertEquals("item1", row(first).getString("name"));
        assertEquals(new java.math.BigDecimal("1.50"), row(first).get("price"));
        assertEquals("last", ((Struct) snapshot.get(99).value()).getStruct("source").getString("snapshot"));

        db.execute("INSERT INTO basic.items VALUES (101, 'new', 9.99)",
                "UPDATE basic.items SET name = 'renamed' WHERE id = 1",
                "DELETE FROM basic.items WHERE id = 2");
        List<SourceRecord> changes = collect(task, context, 4);
        assertEquals(List.of("c", "u", "d"), changes.subList(0, 3).stream().map(PostgresCdcTaskIT::op).toList());
        assertEquals("new", row(changes.get(0)).getString("name"));
        assertEquals("renamed", row(changes.get(1)).getString("name"));
        assertEquals(2, row(changes.get(2)).getInt32("id"));
        assertNull(changes.get(3).value(), "a tombstone follows the delete");
        Struct source = ((Struct) changes.get(0).value()).getStruct("source");
        assertEquals("postgresql", source.getString("connector"));
        assertEquals("basic", source.getString("schema"));
        assertTrue(source.getInt64("lsn") > 0);

        Await.until(() -> confirmedFlush(slot) > 0, Duration.ofSeconds(20), "the slot confirmed the acknowledged changes");
    }

    @Test
    void snapshotEventsCarryTheSnapshotTransactionsIdAsDebeziumDoes() throws Exception {
        db.execute("CREATE SCHEMA txids", "CREATE TABLE txids.items (id int PRIMARY KEY)",
                "INSERT INTO txids.items SELECT g FROM generate_series(1, 20) g");
        long written = ((Number) db.scalar("SELECT max(xmin::text::bigint) FROM txids.items")).longValue();
        RecordingSourceContext context = new RecordingSourceContext();
        PostgresCdcTask task = start(context, config(slot(), "schema.include.list", "txids"));

        List<Long> snapshotTxIds = collect(task, context, 20).stream()
                .map(r -> ((Struct) r.value()).getStruct("source").getInt64("txId")).distinct().toList();
        assertEquals(1, snapshotTxIds.size(), "one snapshot transaction: " + snapshotTxIds);
        long snapshotTxId = snapshotTxIds.get(0);
        assertTrue(snapshotTxId > written, "the snapshot's transaction came after the rows' own: " + snapshotTxId);

        db.execute("INSERT INTO txids.items VALUES (21)");
        long streamed = ((Struct) collect(task, context, 1).get(0).value()).getStruct("source").getInt64("txId");
        assertTrue(streamed > snapshotTxId, "a later change's transaction comes after it: " + streamed);
    }

    private long confirmedFlush(String slot) {
        Object lsn = db.scalar("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        return lsn == null ? 0 : Lsn.parse(lsn.toString());
    }
}
