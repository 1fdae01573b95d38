package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    @Test
    void streamedChangesCarryDebeziumsSequenceWithNoLastCommitBeforeTheFirstOne() throws Exception {
        db.execute("CREATE SCHEMA seqs", "CREATE TABLE seqs.items (id int PRIMARY KEY)", "INSERT INTO seqs.items VALUES (1)");
        RecordingSourceContext context = new RecordingSourceContext();
        PostgresCdcTask task = start(context, config(slot(), "schema.include.list", "seqs"));
        Struct snapshot = ((Struct) collect(task, context, 1).get(0).value()).getStruct("source");
        assertEquals("[null,\"" + snapshot.getInt64("lsn") + "\"]", snapshot.getString("sequence"));

        db.execute("INSERT INTO seqs.items VALUES (2)");
        db.execute("INSERT INTO seqs.items VALUES (3)");
        List<Struct> streamed = collect(task, context, 2).stream()
                .map(r -> ((Struct) r.value()).getStruct("source")).toList();
        // the snapshot's position is the slot's consistent point, not a commit: nothing was committed before
        assertEquals("[null,\"" + streamed.get(0).getInt64("lsn") + "\"]", streamed.get(0).getString("sequence"));
        String second = streamed.get(1).getString("sequence");
        assertTrue(second.matches("\\[\"\\d+\",\"" + streamed.get(1).getInt64("lsn") + "\"\\]"),
                "then the last commit's position: " + second);
    }

    @Test
    void incrementalSnapshotRowsCarryTheTransactionIdOfTheStreamPositionTheyAreEmittedAt() throws Exception {
        RecordingSourceContext context = new RecordingSourceContext();
        String slot = slot();
        PostgresCdcTask task = streamingWithSignalTable("incids", context, slot);
        signalSnapshotOfItems("incids");
        List<Struct> sources = collect(task, context, 5).stream()
                .filter(r -> "r".equals(op(r))).map(r -> ((Struct) r.value()).getStruct("source")).toList();
        assertEquals(5, sources.size());
        for (Struct source : sources) {
            assertEquals("incremental", source.getString("snapshot"));
            assertTrue(source.getInt64("txId") != null && source.getInt64("txId") > 0, "txId set: " + source);
            assertTrue(source.getInt64("lsn") != null, "lsn set: " + source);
        }
    }

    @Test
    void aSnapshotOfOnlyEmptyTablesIsRecordedSoARestartStreamsInsteadOfSnapshottingAgain() throws Exception {
        db.execute("CREATE SCHEMA empties", "CREATE TABLE empties.a (id int PRIMARY KEY)",
                "CREATE TABLE empties.b (id int PRIMARY KEY)");
        RecordingSourceContext context = new RecordingSourceContext();
        Map<String, String> props = config(slot(), "schema.include.list", "empties");
        PostgresCdcTask task = start(context, props);

        SourceRecord done = collect(task, context, 1).get(0);
        assertEquals("__debezium-heartbeat.srv", done.topic(), "no row to carry it: a heartbeat records the snapshot");
        assertEquals(Boolean.TRUE, context.offsets.get(CdcOffsets.partition("srv")).get("last_snapshot_record"));
        stop(task);

        db.execute("INSERT INTO empties.a VALUES (1)");
        PostgresCdcTask restarted = start(context, props);
        SourceRecord first = collect(restarted, context, 1).get(0);
        assertEquals("c", op(first), "the row written while stopped streams as a change, not a new snapshot's read");
    }

    @Test
    void incrementalSnapshotChunkRowsBelongToTheirWindowsTransactionSoTheSlotWaitsForTheirAcknowledgement()
            throws Exception {
        RecordingSourceContext context = new RecordingSourceContext();
        String slot = slot();
        PostgresCdcTask task = streamingWithSignalTable("incacks", context, slot);
        db.execute("INSERT INTO incacks.items VALUES (100)");
        signalSnapshotOfItems("incacks");
        List<SourceRecord> chunk = new ArrayList<>();
        long created = 0;
        long deadline = System.currentTimeMillis() + 60_000;
        while (chunk.size() < 6 && System.currentTimeMillis() < deadline) {
            List<SourceRecord> batch = task.poll();
            for (SourceRecord r : batch == null ? List.<SourceRecord>of() : batch) {
                if ("c".equals(op(r))) {
                    task.commitRecord(r, null); // only the streamed insert is acknowledged
                    created = (Long) r.sourceOffset().get(CdcOffsets.LSN);
                } else {
                    chunk.add(r);
                }
            }
        }
        assertEquals(6, chunk.size(), "the chunk's rows: " + chunk);
        long chunkLsn = (Long) chunk.get(0).sourceOffset().get(CdcOffsets.LSN);
        assertTrue(chunkLsn > created, "the chunk rows are emitted in the window-close signal's transaction");
        for (SourceRecord r : chunk) {
            assertEquals(chunkLsn, r.sourceOffset().get(CdcOffsets.LSN));
            assertTrue((Long) r.sourceOffset().get(CdcOffsets.SEQ) < CdcOffsets.WHOLE_TRANSACTION,
                    "a change's place in its transaction, which the slot's confirmation waits for: " + r);
        }

        task.commit();
        long insertCommit = created;
        Await.until(() -> confirmedFlush(slot) > insertCommit, Duration.ofSeconds(20),
                "the acknowledged insert confirmed");
        assertTrue(confirmedFlush(slot) < chunkLsn, "the slot does not pass the unacknowledged chunk rows");

        chunk.forEach(r -> task.commitRecord(r, null));
        task.commit();
        Await.until(() -> confirmedFlush(slot) > chunkLsn, Duration.ofSeconds(20),
                "the chunk's transaction confirmed once its rows were acknowledged");
    }

    /** A schema with items 1 to 5 and a signal table, and a task that only streams it, once its slot exists. */
    private PostgresCdcTask streamingWithSignalTable(String schema, RecordingSourceContext context, String slot) {
        db.execute("CREATE SCHEMA " + schema, "CREATE TABLE " + schema + ".items (id int PRIMARY KEY)",
                "INSERT INTO " + schema + ".items SELECT g FROM generate_series(1, 5) g",
                "CREATE TABLE " + schema + ".signals (id varchar(42) PRIMARY KEY, type varchar(32) NOT NULL, "
                        + "data varchar(2048))");
        PostgresCdcTask task = start(context, config(slot, "schema.include.list", schema, "snapshot.mode", "no_data",
                "signal.data.collection", schema + ".signals"));
        Await.until(() -> confirmedFlush(slot) > 0, Duration.ofSeconds(30), "the slot created, the stream reading");
        return task;
    }

    private void signalSnapshotOfItems(String schema) {
        db.execute("INSERT INTO " + schema + ".signals VALUES ('s1', 'execute-snapshot', "
                + "'{\"data-collections\": [\"" + schema + ".items\"], \"type\": \"incremental\"}')");
    }

    @Test
    void rowsWrittenInTheTransactionThatCreatesTheirTableAreKeyed() throws Exception {
        // no table.include.list and a publication FOR ALL TABLES: each table is new to the stream, as after a Flyway
        // or Liquibase migration that creates and seeds it in one transaction. The stream decodes such a commit a
        // moment before the catalog shows the table: several tables, so a lookup in that moment is likely
        db.execute("CREATE SCHEMA seeded");
        RecordingSourceContext context = new RecordingSourceContext();
        String slot = slot();
        PostgresCdcTask task = start(context, config(slot, "schema.include.list", "seeded"));
        // the snapshot of a schema without tables is recorded on a heartbeat, the stream's first record
        assertTrue(collect(task, context, 1).get(0).topic().startsWith("__debezium-heartbeat."),
                "the empty snapshot's heartbeat");
        Await.until(() -> confirmedFlush(slot) > 0, Duration.ofSeconds(30), "the slot created, the stream reading");

        int tables = 20;
        for (int t = 0; t < tables; t++) {
            db.execute("BEGIN; CREATE TABLE seeded.newt" + t + " (id int PRIMARY KEY, v text NOT NULL); "
                    + "INSERT INTO seeded.newt" + t + " VALUES (1, 'first'), (2, 'second'); "
                    + "INSERT INTO seeded.newt" + t + " VALUES (3, 'third'); COMMIT");
        }
        List<SourceRecord> seeded = new ArrayList<>(collect(task, context, 3 * tables));

        // the key as of the seeding transaction, though the catalog no longer has it when the stream reads it
        stop(task);
        db.execute("BEGIN; CREATE TABLE seeded.rekeyed (id int PRIMARY KEY, v text NOT NULL); "
                + "INSERT INTO seeded.rekeyed VALUES (1, 'first'); COMMIT",
                "ALTER TABLE seeded.rekeyed DROP CONSTRAINT rekeyed_pkey");
        task = start(context, config(slot, "schema.include.list", "seeded"));
        seeded.addAll(collect(task, context, 1));
        for (SourceRecord r : seeded) {
            assertEquals("c", op(r), "streamed: " + r);
            assertEquals(r.topic() + ".Key", r.keySchema() == null ? null : r.keySchema().name(),
                    "keyed by the primary key: " + r);
            assertEquals(row(r).getInt32("id"), ((Struct) r.key()).getInt32("id"));
        }
        assertFalse(row(seeded.get(0)).schema().field("v").schema().isOptional(), "a NOT NULL column is required");
    }

    private long confirmedFlush(String slot) {
        Object lsn = db.scalar("SELECT confirmed_flush_lsn FROM pg_replication_slots WHERE slot_name = '" + slot + "'");
        return lsn == null ? 0 : Lsn.parse(lsn.toString());
    }
}
