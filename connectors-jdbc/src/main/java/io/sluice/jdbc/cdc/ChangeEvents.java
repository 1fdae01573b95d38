package io.sluice.jdbc.cdc;

import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns the stream's pgoutput messages into records, one transaction at a time: numbers each change within its
 * transaction (the offset's seq), skips what the stored offset says was emitted already, registers every record
 * with the {@link AckTracker} before the worker can see it, and hands incremental snapshots the changes they must
 * know about. Runs on the stream thread only.
 */
final class ChangeEvents implements PgOutput.Handler {
    /** The offset seq of a transaction's END record: after every change, before the next transaction. */
    private static final long END_SEQ = CdcOffsets.WHOLE_TRANSACTION - 1;

    private final TableSchemas schemas;
    private final EventRecords events;
    private final AckTracker tracker;
    private final Set<String> skipped;
    private final boolean transactionMetadata;
    private final CdcMetrics metrics;
    private IncrementalSnapshot incremental;
    private Connection catalog;

    private CdcOffsets.Stored resume;
    private List<SourceRecord> out = new ArrayList<>();
    private AckTracker.Txn txn;
    private long commitLsn;
    private long xid;
    private long commitMicros;
    private long seq;
    private long messageLsn;
    /** The last streamed commit's LSN (source.sequence's first half); null until one, as Debezium's. */
    private Long lastCommitLsn;
    private long lastEndLsn;
    /** The last change emitted or deliberately passed over: where a reconnect resumes. */
    private long handledLsn = Lsn.NONE;
    private long handledSeq = -1;
    private Map<String, Long> perTable;

    ChangeEvents(CdcConfig config, TableSchemas schemas, EventRecords events, AckTracker tracker, CdcMetrics metrics,
                 CdcOffsets.Stored resume) {
        this.schemas = schemas;
        this.events = events;
        this.tracker = tracker;
        this.skipped = config.skippedOperations();
        this.transactionMetadata = config.getBoolean(CdcConfig.TRANSACTION_METADATA);
        this.metrics = metrics;
        this.resume = resume;
        // a stored stream position is a commit's; a snapshot's (seq -1) is the slot's consistent point, no commit
        this.lastCommitLsn = resume.exists() && resume.seq() >= 0 ? resume.lsn() : null;
    }

    void incremental(IncrementalSnapshot incremental) {
        this.incremental = incremental;
    }

    /** The connection relation messages are looked up on (the catalog's NOT NULL and keys). */
    void catalog(Connection catalog) {
        this.catalog = catalog;
    }

    /** The WAL position of the message about to be decoded (the source block's lsn). */
    void at(long lsn) {
        messageLsn = lsn;
    }

    /** Records made since the last call. */
    List<SourceRecord> take() {
        List<SourceRecord> taken = out;
        out = new ArrayList<>();
        return taken;
    }

    int pending() {
        return out.size();
    }

    boolean inTransaction() {
        return txn != null;
    }

    /** The end of the last transaction read. */
    long lastEndLsn() {
        return lastEndLsn;
    }

    /**
     * After a reconnect: the server sends again what it has not had confirmed, and what this task already emitted
     * is skipped as after a restart. A transaction cut off is read again from its BEGIN.
     */
    void reconnected() {
        if (handledLsn > resume.lsn() || handledLsn == resume.lsn() && handledSeq > resume.seq()) {
            resume = new CdcOffsets.Stored(false, true, handledLsn, handledSeq, null);
        }
        txn = null;
        schemas.forgetRelations();
    }

    @Override
    public void begin(long finalLsn, long micros, long xid) {
        this.txn = tracker.begin(finalLsn);
        this.commitLsn = finalLsn;
        this.xid = xid;
        this.commitMicros = micros + PgOutput.PG_EPOCH_MICROS;
        this.seq = 0;
        if (!resume.covers(finalLsn, 0)) {
            handledLsn = finalLsn;
            handledSeq = 0;
        }
        if (transactionMetadata) {
            perTable = new LinkedHashMap<>();
            if (!resume.covers(commitLsn, 0)) {
                emit(events.transactionBegin(transactionId(), commitMicros, offset(0)));
            }
        }
    }

    @Override
    public void commit(long commitLsn, long endLsn, long micros) {
        if (transactionMetadata && !resume.covers(this.commitLsn, END_SEQ)) {
            emit(events.transactionEnd(transactionId(), commitMicros, perTable, offset(END_SEQ)));
        }
        tracker.committed(txn, endLsn);
        handledLsn = this.commitLsn;
        handledSeq = CdcOffsets.WHOLE_TRANSACTION;
        lastCommitLsn = this.commitLsn;
        lastEndLsn = endLsn;
        metrics.streamed(commitMicros);
        txn = null;
    }

    @Override
    public void relation(PgOutput.Relation relation) {
        try {
            schemas.relation(catalog, relation, xid);
        } catch (SQLException e) {
            throw new CatalogFailure(e);
        }
    }

    /** A catalog lookup failed while reading the stream: the stream reconnects (or fails) as for its own errors. */
    static final class CatalogFailure extends RuntimeException {
        CatalogFailure(SQLException cause) {
            super(cause);
        }

        SQLException sqlCause() {
            return (SQLException) getCause();
        }
    }

    @Override
    public void insert(int relationOid, RowText after) {
        TableSchema table = changeOf(relationOid);
        if (table == null) {
            return;
        }
        if (incremental != null && incremental.signal(table, after, this)) {
            return;
        }
        if (incremental != null) {
            incremental.changed(table, after);
        }
        if (!skipped.contains("c")) {
            Struct row = events.flat() ? table.sentColumns(after, null) : table.value(after, null);
            emitChange(table, "c", null, row);
        }
    }

    @Override
    public void update(int relationOid, RowText old, RowText after) {
        TableSchema table = changeOf(relationOid);
        if (table == null || incremental != null && incremental.isSignalTable(table)) {
            return;
        }
        if (incremental != null) {
            incremental.changed(table, after);
            if (old != null) {
                incremental.changed(table, old);
            }
        }
        Struct before = old == null ? null : table.value(old, null);
        Struct value = table.value(after, old);
        if (before != null && table.keySchema() != null
                && !Objects.equals(table.key(before), table.key(value))) {
            // the key changed: as Debezium, a delete of the old key and a create of the new one
            if (!skipped.contains("d")) {
                emitChange(table, "d", before, null);
                emitTombstone(table, before);
            }
            if (!skipped.contains("c")) {
                emitChange(table, "c", null, events.flat() ? table.sentColumns(after, old) : value);
            }
            return;
        }
        if (!skipped.contains("u")) {
            emitChange(table, "u", before, events.flat() ? table.sentColumns(after, old) : value);
        }
    }

    @Override
    public void delete(int relationOid, RowText old) {
        TableSchema table = changeOf(relationOid);
        if (table == null || incremental != null && incremental.isSignalTable(table)) {
            return;
        }
        if (incremental != null) {
            incremental.changed(table, old);
        }
        if (!skipped.contains("d")) {
            Struct before = table.value(old, null);
            emitChange(table, "d", before, null);
            emitTombstone(table, before);
        }
    }

    @Override
    public void truncate(int[] relationOids, boolean cascade, boolean restartIdentity) {
        for (int oid : relationOids) {
            TableSchema table = changeOf(oid);
            if (table != null && !skipped.contains("t")) {
                emit(events.truncate(table, source(table, null, commitMicros), offset(seq)));
            }
        }
    }

    /**
     * The source block of an event emitted at this point of the stream, a change's or (snapshot "incremental") a
     * chunk row's: this transaction's id, the message's LSN and the last commit's, as Debezium gives both.
     */
    Struct source(TableSchema table, String snapshot, long micros) {
        return events.source(table, snapshot, micros, xid, messageLsn, lastCommitLsn);
    }

    /** The change's table, numbering the change; null when it is not captured or was emitted before a restart. */
    private TableSchema changeOf(int relationOid) {
        seq++;
        if (resume.covers(commitLsn, seq)) {
            return null;
        }
        handledLsn = commitLsn;
        handledSeq = seq;
        return schemas.forRelation(relationOid);
    }

    private void emitChange(TableSchema table, String op, Struct before, Struct after) {
        Struct source = events.flat() ? null : source(table, null, commitMicros);
        Struct block = null;
        if (transactionMetadata) {
            String name = table.table().toString();
            long inTable = perTable.merge(name, 1L, Long::sum);
            long total = perTable.values().stream().mapToLong(Long::longValue).sum();
            block = events.transactionBlock(transactionId(), total, inTable);
        }
        emit(events.change(table, op, before, after, source, block, offset(seq)));
    }

    private void emitTombstone(TableSchema table, Struct before) {
        SourceRecord tombstone = events.tombstone(table, before, offset(seq));
        if (tombstone != null) {
            emit(tombstone);
        }
    }

    /** A record made within the current transaction (chunk rows of an incremental snapshot, too). */
    void emit(SourceRecord record) {
        tracker.emitted(txn);
        out.add(record);
    }

    Map<String, Object> offset(long index) {
        return CdcOffsets.stream(commitLsn, index, xid, commitMicros,
                incremental == null ? null : incremental.state());
    }

    long currentSeq() {
        return seq;
    }

    private String transactionId() {
        return xid + ":" + commitLsn;
    }
}
