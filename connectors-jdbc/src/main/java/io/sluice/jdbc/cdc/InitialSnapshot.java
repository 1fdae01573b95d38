package io.sluice.jdbc.cdc;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.TaskThreads;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the existing rows of the captured tables as of the slot's exported snapshot: each of snapshot.max.threads
 * threads imports the snapshot on its own connection and streams whole tables with {@code COPY ... TO STDOUT}, so
 * the rows are exactly those committed before the slot's consistent point, where the stream then starts. The last
 * record of each table is held back until every table is read, so the very last record of the snapshot (marked
 * {@code last}, with the offset that says the snapshot is complete) is only acknowledged after all the others; a
 * snapshot of empty tables sends that offset on a heartbeat record instead.
 */
final class InitialSnapshot {
    private static final Logger log = LoggerFactory.getLogger(InitialSnapshot.class);
    private static final long READERS_STOP_WAIT_S = 10;

    private final CdcSessions sessions;
    private final TableSchemas schemas;
    private final EventRecords events;
    private final RecordQueue queue;
    private final String snapshotName;
    private final long consistentPoint;
    private final int batchSize;
    private final CdcMetrics metrics;
    private final AckTracker tracker;
    private final AtomicBoolean firstTaken = new AtomicBoolean();
    private final List<SourceRecord> heldBack = new ArrayList<>();
    private final Map<String, Object> offset;
    /** source.txId of every snapshot event: the snapshot transaction's id, as Debezium gives it. */
    private Long txId;
    private volatile boolean stopped;

    InitialSnapshot(CdcSessions sessions, TableSchemas schemas, EventRecords events, RecordQueue queue,
                    String snapshotName, long consistentPoint, CdcMetrics metrics, AckTracker tracker) {
        this.sessions = sessions;
        this.schemas = schemas;
        this.events = events;
        this.queue = queue;
        this.snapshotName = snapshotName;
        this.consistentPoint = consistentPoint;
        this.batchSize = sessions.config().getInt(CdcConfig.MAX_BATCH_SIZE);
        this.metrics = metrics;
        this.tracker = tracker;
        this.offset = CdcOffsets.snapshot(consistentPoint, false);
    }

    /** Reads every table; returns when all their records are queued (or the snapshot was stopped). */
    void run(List<TableId> tables, String name) throws Exception {
        long started = System.nanoTime();
        tracker.snapshotStarted();
        int threads = Math.max(1, Math.min(sessions.config().getInt(CdcConfig.SNAPSHOT_THREADS), tables.size()));
        log.info("Snapshot of {} tables at LSN {} with {} thread(s)", tables.size(), Lsn.format(consistentPoint),
                threads);
        txId = transactionId();
        ConcurrentLinkedQueue<TableId> todo = new ConcurrentLinkedQueue<>(tables);
        AtomicLong rows = new AtomicLong();
        ExecutorService pool = Executors.newFixedThreadPool(threads, TaskThreads.named("sluice-cdc-snapshot-" + name));
        try {
            List<Future<?>> readers = new ArrayList<>();
            for (int i = 0; i < threads; i++) {
                readers.add(pool.submit(() -> {
                    readTables(todo, rows);
                    return null;
                }));
            }
            for (Future<?> reader : readers) {
                try {
                    reader.get();
                } catch (java.util.concurrent.ExecutionException e) {
                    stopped = true;
                    throw e.getCause() instanceof Exception cause ? cause : e;
                }
            }
        } finally {
            pool.shutdownNow();
            // a reader still putting rows must be gone before a retry reads the snapshot again beside it
            if (!pool.awaitTermination(READERS_STOP_WAIT_S, java.util.concurrent.TimeUnit.SECONDS)) {
                log.warn("A snapshot reader did not stop within {} s", READERS_STOP_WAIT_S);
            }
        }
        if (stopped) {
            return;
        }
        List<SourceRecord> last = new ArrayList<>(heldBack);
        if (last.isEmpty()) {
            // every table was empty: a heartbeat carries the completed snapshot's offset (the only way a source task
            // stores one), or a restart before the first change would snapshot again
            last.add(events.heartbeat(CdcOffsets.snapshot(consistentPoint, true)));
        } else {
            last.set(last.size() - 1, markLast(last.get(last.size() - 1)));
        }
        queue.put(last, null);
        double seconds = (System.nanoTime() - started) / 1e9;
        log.info("Snapshot read {} rows of {} tables in {} s ({} rows/s)", rows.get(), tables.size(),
                String.format("%.1f", seconds), String.format("%.0f", rows.get() / Math.max(seconds, 1e-3)));
    }

    void stop() {
        stopped = true;
    }

    /**
     * The id PostgreSQL assigns to a transaction in the exported snapshot (Debezium's snapshot events carry its
     * snapshot transaction's txid_current()); the readers' own transactions are read-only and get none.
     */
    private long transactionId() throws SQLException {
        try (Connection connection = sessions.plain()) {
            inSnapshot(connection, false);
            try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery("SELECT txid_current()")) {
                rs.next();
                return rs.getLong(1);
            } finally {
                connection.rollback();
            }
        }
    }

    /** Begins a repeatable-read transaction that sees the slot's exported snapshot. */
    private void inSnapshot(Connection connection, boolean readOnly) throws SQLException {
        connection.setAutoCommit(false);
        try (Statement s = connection.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ" + (readOnly ? ", READ ONLY" : ""));
            s.execute("SET TRANSACTION SNAPSHOT '" + snapshotName + "'");
        }
    }

    private void readTables(ConcurrentLinkedQueue<TableId> todo, AtomicLong rows) throws Exception {
        try (Connection connection = sessions.plain()) {
            inSnapshot(connection, true);
            TableId table;
            while (!stopped && (table = todo.poll()) != null) {
                rows.addAndGet(readTable(connection, table));
            }
            connection.rollback();
        }
    }

    private long readTable(Connection connection, TableId table) throws Exception {
        Catalog.TableInfo info = Catalog.describe(connection, table);
        if (info == null) {
            log.warn("Table {} was dropped before the snapshot; skipping it", table);
            return 0;
        }
        TableSchema schema = schemas.of(connection, info);
        StringJoiner columns = new StringJoiner(", ");
        info.columns().forEach(c -> columns.add('"' + c.name().replace("\"", "\"\"") + '"'));
        String sql = "COPY " + table.quotedText() + " (" + columns + ") TO STDOUT";
        CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        RowText row = new RowText();
        int n = schema.columns().size();
        long count = 0;
        SourceRecord previous = null;
        boolean tableFirst = true;
        List<SourceRecord> batch = new ArrayList<>(batchSize);
        Struct source = null;
        try {
            byte[] line;
            while (!stopped && (line = copy.readFromCopy()) != null) {
                CopyLine.split(line, line.length, row, n);
                String marker = tableFirst ? (firstTaken.compareAndSet(false, true) ? "first"
                        : "first_in_data_collection") : "true";
                if (tableFirst || source == null || count % batchSize == 0) {
                    source = events.source(schema, marker, System.currentTimeMillis() * 1000L, txId,
                            consistentPoint, null);
                }
                SourceRecord record = events.change(schema, "r", null, events.flat()
                        ? schema.sentColumns(row, null) : schema.value(row, null), source, null, offset);
                if (tableFirst) {
                    source = null; // the next record gets a source block of its own, marked true
                    tableFirst = false;
                }
                if (previous != null) {
                    batch.add(previous);
                    if (batch.size() >= batchSize) {
                        if (!queue.put(batch, null)) {
                            return count;
                        }
                        batch = new ArrayList<>(batchSize);
                    }
                }
                previous = record;
                count++;
                metrics.snapshotRow();
            }
        } finally {
            if (copy.isActive()) {
                copy.cancelCopy();
            }
        }
        if (!batch.isEmpty()) {
            queue.put(batch, null);
        }
        if (previous != null) {
            synchronized (heldBack) {
                heldBack.add(markLastOfTable(previous));
            }
        }
        log.info("Snapshot of table {}: {} rows", table, count);
        return count;
    }

    private SourceRecord markLastOfTable(SourceRecord record) {
        return remark(record, "last_in_data_collection", offset);
    }

    private SourceRecord markLast(SourceRecord record) {
        return remark(record, "last", CdcOffsets.snapshot(consistentPoint, true));
    }

    /** The record with another snapshot marker (a fresh source block: others may share the old one) and offset. */
    private SourceRecord remark(SourceRecord record, String marker, Map<String, Object> newOffset) {
        Object value = record.value();
        if (value instanceof Struct envelope && envelope.schema().field("source") != null) {
            Struct oldSource = envelope.getStruct("source");
            Struct source = new CheckedStruct(oldSource.schema());
            oldSource.schema().fields().forEach(f -> source.put(f, oldSource.get(f)));
            source.put("snapshot", marker);
            Struct copy = new Struct(envelope.schema());
            envelope.schema().fields().forEach(f -> copy.put(f, envelope.get(f)));
            copy.put("source", source);
            value = copy;
        }
        return new SourceRecord(record.sourcePartition(), newOffset, record.topic(), record.kafkaPartition(),
                record.keySchema(), record.key(), record.valueSchema(), value, record.timestamp(), record.headers());
    }

}
