package io.sluice.jdbc.cdc;

import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.TableId;
import io.sluice.jdbc.cdc.CdcConfig.SnapshotMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the task's capture thread does, start to end: makes sure of the publication, decides from the stored offset
 * and the slot whether the tables must be snapshotted, and if so creates the slot when there is none (its exported
 * snapshot and consistent point make the seam between snapshot and stream exact) or keeps the existing one (the
 * stream from its confirmed position replays every change since, deletes of rows an interrupted snapshot already
 * sent included), reads the snapshot, then streams from the slot.
 */
final class Capture {
    private static final Logger log = LoggerFactory.getLogger(Capture.class);
    private static final long SLOT_RELEASE_WAIT_MS = 5_000;

    private final CdcConfig config;
    private final CdcSessions sessions;
    private final Replication replication;
    private final TableSchemas schemas;
    private final EventRecords events;
    private final RecordQueue queue;
    private final AckTracker tracker;
    private final CdcMetrics metrics;
    /** The stored offset, until a snapshot attempt starts: then one that says the snapshot is unfinished. */
    private CdcOffsets.Stored stored;
    private final String name;
    private volatile InitialSnapshot snapshot;
    private volatile ChangeStream stream;
    private volatile boolean stopped;

    Capture(CdcConfig config, CdcSessions sessions, TableSchemas schemas, EventRecords events, RecordQueue queue,
            AckTracker tracker, CdcMetrics metrics, CdcOffsets.Stored stored, String name) {
        this.config = config;
        this.sessions = sessions;
        this.replication = new Replication(config);
        this.schemas = schemas;
        this.events = events;
        this.queue = queue;
        this.tracker = tracker;
        this.metrics = metrics;
        this.stored = stored;
        this.name = name;
    }

    void run() throws Exception {
        Start start = startWithRetries();
        if (start == null) {
            return; // stopped, or initial_only done
        }
        ChangeEvents changes = new ChangeEvents(config, schemas, events, tracker, metrics, start.resume());
        IncrementalSnapshot incremental = config.getString(CdcConfig.SIGNAL_TABLE).isBlank() ? null
                : new IncrementalSnapshot(config, schemas, events, sessions, stored.incremental());
        stream = new ChangeStream(config, sessions, changes, events, queue, tracker, metrics, incremental);
        if (stopped) {
            close(start.replication());
            return;
        }
        stream.run(start.replication(), start.lsn());
    }

    /**
     * Where streaming begins: on the replication connection that created the slot (null: a new one), at lsn, with
     * resume saying which changes were emitted already.
     */
    private record Start(Connection replication, long lsn, CdcOffsets.Stored resume) {
    }

    /**
     * Plans and snapshots until the stream can start, again after a database that went away (errors.max.retries
     * times, retriable.restart.connector.wait.ms apart), as the stream reconnects: a snapshot cut off is read again
     * the way an interrupted one is after a restart, from the slot its first attempt created or kept. Anything else
     * (authentication, permissions, a wrong slot) fails the task with the database's words.
     */
    private Start startWithRetries() throws Exception {
        for (int attempt = 1; !stopped; attempt++) {
            try {
                return start();
            } catch (SQLException e) {
                String phase = snapshot == null ? "Preparing change data capture" : "The snapshot";
                int max = config.getInt(CdcConfig.MAX_RETRIES);
                if (DatabaseFailure.of(e) != DatabaseFailure.TRANSIENT || max >= 0 && attempt > max) {
                    throw new ConnectException(phase + " failed: " + DatabaseFailure.reason(e), e);
                }
                long wait = config.getLong(CdcConfig.RETRY_WAIT_MS);
                log.warn("{} failed ({}); reconnecting in {} ms (attempt {})", phase, DatabaseFailure.reason(e), wait,
                        attempt);
                snapshot = null;
                long until = System.currentTimeMillis() + wait;
                while (!stopped && System.currentTimeMillis() < until) {
                    Thread.sleep(Math.min(200, Math.max(1, until - System.currentTimeMillis())));
                }
            }
        }
        return null;
    }

    private Start start() throws Exception {
        Plan plan;
        try (Connection connection = sessions.plain()) {
            plan = plan(connection);
        }
        if (stopped) {
            return null;
        }
        if (!plan.snapshot && !plan.createSlot) {
            return new Start(null, plan.startLsn, stored);
        }
        Connection replicationConnection = null;
        Connection exporter = null;
        boolean handedOver = false;
        try {
            long start = plan.startLsn;
            String snapshotName;
            if (plan.createSlot) {
                replicationConnection = sessions.replication();
                ReplicationSlotInfo slot = replication.createSlot(replicationConnection);
                start = slot.getConsistentPoint().asLong();
                snapshotName = slot.getSnapshotName();
            } else {
                // the kept slot streams from its confirmed position, before this snapshot: changes in between are
                // replayed after the snapshot's rows, so the snapshot needs only be consistent across tables
                exporter = sessions.plain();
                snapshotName = replication.exportSnapshot(exporter);
            }
            if (plan.snapshot) {
                // from here a retry finds the snapshot unfinished, whatever the task's stored offset said
                stored = new CdcOffsets.Stored(true, false, start, -1, stored.incremental());
                metrics.snapshotRunning(true);
                snapshot = new InitialSnapshot(sessions, schemas, events, queue, snapshotName, start, metrics,
                        tracker);
                try {
                    snapshot.run(plan.tables, name);
                } finally {
                    metrics.snapshotRunning(false);
                }
                if (config.snapshotMode() == SnapshotMode.INITIAL_ONLY) {
                    close(replicationConnection);
                    replicationConnection = null;
                    log.info("Snapshot done; snapshot.mode=initial_only: not streaming changes");
                    while (!stopped) {
                        Thread.sleep(200);
                    }
                    return null;
                }
            }
            handedOver = true;
            return new Start(replicationConnection, start,
                    new CdcOffsets.Stored(false, true, start, -1, stored.incremental()));
        } finally {
            close(exporter);
            if (!handedOver) {
                close(replicationConnection); // its exported snapshot is of no use to a retry
            }
        }
    }

    private static void close(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing a connection: {}", e.getMessage());
            }
        }
    }

    /** What start-up found: the tables, whether to snapshot, whether the slot must be created, where to stream from. */
    private record Plan(List<TableId> tables, boolean snapshot, boolean createSlot, long startLsn) {
    }

    private Plan plan(Connection connection) throws Exception {
        List<TableId> tables = Catalog.tables(connection, config.tableFilter());
        List<TableId> added = replication.ensurePublication(connection, tables);
        if (config.publicationMode() == CdcConfig.PublicationMode.FILTERED
                && config.getList(CdcConfig.TABLE_INCLUDE).isEmpty()) {
            log.warn("publication.autocreate.mode=filtered names the captured tables in publication {}: a table "
                    + "created while the connector runs is added at its next start only. Use all_tables to stream "
                    + "new tables from their first row", config.publicationName());
        }
        Replication.SlotState slot = replication.slot(connection);
        if (slot != null && !"pgoutput".equals(slot.plugin())) {
            throw new ConnectException("Replication slot " + config.slotName() + " decodes with " + slot.plugin()
                    + ", not pgoutput: name another slot.name, or drop that slot");
        }
        if (slot != null && !connection.getCatalog().equals(slot.database())) {
            throw new ConnectException("Replication slot " + config.slotName() + " belongs to database "
                    + slot.database() + ", not " + connection.getCatalog() + ": slot names are per server, choose "
                    + "another slot.name");
        }
        SnapshotMode mode = config.snapshotMode();
        boolean slotUsable = slot != null && !slot.lost();
        boolean snapshot = switch (mode) {
            case INITIAL, INITIAL_ONLY -> !stored.snapshotCompleted();
            case WHEN_NEEDED -> !stored.snapshotCompleted() || !slotUsable;
            case NO_DATA -> false;
        };
        if (snapshot) {
            log.info("Snapshot needed ({}): {}", mode.name().toLowerCase(java.util.Locale.ROOT),
                    !stored.exists() ? "no stored offset" : stored.snapshotting() ? "the last snapshot did not finish"
                            : "the slot is " + (slot == null ? "missing" : "lost"));
            if (slotUsable) {
                // an interrupted snapshot may have sent rows already: the slot holds their later changes (deletes
                // too), which a new slot would lose, so the new snapshot is followed by the stream from the slot's
                // confirmed position (at-least-once across the interruption, converging)
                log.info("Keeping replication slot {}: streaming from its confirmed position {} after the snapshot",
                        config.slotName(), Lsn.format(slot.confirmedFlush()));
                return new Plan(tables, true, false, slot.confirmedFlush());
            }
            if (slot != null) {
                dropSlotWhenFree(connection); // lost: it holds no changes to read
            }
            return new Plan(tables, true, true, Lsn.NONE);
        }
        if (slot == null || slot.lost()) {
            if (stored.exists()) {
                throw new ConnectException("Replication slot " + config.slotName() + " is " + (slot == null
                        ? "missing" : "lost (invalidated: it fell behind more than max_slot_wal_keep_size)")
                        + ", so the changes since offset LSN " + Lsn.format(stored.lsn()) + " cannot be read. "
                        + "Use snapshot.mode=when_needed to read the tables again, or reset the connector's offsets");
            }
            if (slot != null) {
                dropSlotWhenFree(connection);
            }
            return new Plan(tables, false, true, Lsn.NONE);
        }
        log.info("Resuming from slot {} (confirmed {}), offset LSN {}", config.slotName(),
                Lsn.format(slot.confirmedFlush()), Lsn.format(stored.lsn()));
        snapshotAdded(connection, added);
        return new Plan(tables, false, false, stored.lsn());
    }

    /**
     * Tables just added to the publication while resuming: their rows written before were never published, so
     * they are read by an incremental snapshot (an execute-snapshot signal, which the stream reaches after the
     * changes before it); without a signal table nothing can read them, which is said with the fix.
     */
    private void snapshotAdded(Connection connection, List<TableId> added) throws SQLException {
        String signal = config.getString(CdcConfig.SIGNAL_TABLE).trim();
        List<TableId> tables = added.stream().filter(t -> signal.isEmpty() || !t.equals(TableId.parse(signal)))
                .toList();
        if (tables.isEmpty()) {
            return;
        }
        if (signal.isEmpty()) {
            log.warn("Tables {} were added to publication {} only now: their rows written before were not streamed "
                    + "and are not snapshotted. Set {} and insert an execute-snapshot signal for them, or reset "
                    + "the connector's offsets to snapshot every table again", tables, config.publicationName(),
                    CdcConfig.SIGNAL_TABLE);
            return;
        }
        StringBuilder data = new StringBuilder("{\"data-collections\": [");
        for (int i = 0; i < tables.size(); i++) {
            data.append(i == 0 ? "\"" : ", \"").append(tables.get(i).toString().replace("\"", "\\\"")).append('"');
        }
        data.append("], \"type\": \"incremental\"}");
        try (PreparedStatement ps = connection.prepareStatement("INSERT INTO " + TableId.parse(signal).quotedText()
                + " (id, type, data) VALUES (?, 'execute-snapshot', ?)")) {
            ps.setString(1, IncrementalSnapshot.addedTablesSignalId(config.slotName()));
            ps.setString(2, data.toString());
            ps.execute();
        }
        log.info("Tables {} were added to publication {} only now: snapshotting their existing rows incrementally",
                tables, config.publicationName());
    }

    /** A slot still held by a previous instance's connection is waited for (slot.max.retries). */
    private void dropSlotWhenFree(Connection connection) throws Exception {
        int retries = config.getInt(CdcConfig.SLOT_MAX_RETRIES);
        for (int attempt = 0; ; attempt++) {
            Replication.SlotState slot = replication.slot(connection);
            if (slot == null) {
                return;
            }
            if (!slot.active()) {
                replication.dropSlot(connection);
                return;
            }
            if (attempt >= retries || stopped) {
                throw new ConnectException("Replication slot " + config.slotName() + " is in use by another "
                        + "connection: stop whatever reads it, or choose another slot.name");
            }
            log.warn("Replication slot {} is in use by another connection; waiting", config.slotName());
            Thread.sleep(config.getLong(CdcConfig.SLOT_RETRY_DELAY_MS));
        }
    }

    void confirm(long lsn) {
        ChangeStream s = stream;
        if (s != null) {
            s.confirm(lsn);
        }
    }

    /**
     * slot.drop.on.stop, after the capture thread ended: drops the slot so the server keeps no WAL for it, waiting
     * briefly for the walsender of the closed stream to let go of it. A failure is logged, not thrown: the task is
     * stopping either way.
     */
    void dropSlotAfterStop() {
        try (Connection connection = sessions.plain()) {
            long until = System.currentTimeMillis() + SLOT_RELEASE_WAIT_MS;
            Replication.SlotState slot = replication.slot(connection);
            while (slot != null && slot.active() && System.currentTimeMillis() < until) {
                Thread.sleep(100); // the server ends the walsender shortly after the stream's connection closed
                slot = replication.slot(connection);
            }
            if (slot == null) {
                return;
            }
            if (slot.active()) {
                log.warn("Replication slot {} is still in use by another connection: not dropped (slot.drop.on.stop)",
                        config.slotName());
                return;
            }
            replication.dropSlot(connection);
        } catch (SQLException e) {
            log.warn("Dropping replication slot {} at stop (slot.drop.on.stop) failed: {}", config.slotName(),
                    DatabaseFailure.reason(e));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    void stop() {
        stopped = true;
        InitialSnapshot s = snapshot;
        if (s != null) {
            s.stop();
        }
        ChangeStream c = stream;
        if (c != null) {
            c.stop();
        }
    }
}
