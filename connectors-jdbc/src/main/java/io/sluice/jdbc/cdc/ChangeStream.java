package io.sluice.jdbc.cdc;

import io.sluice.jdbc.DatabaseFailure;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.postgresql.PGConnection;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads the slot's pgoutput stream on its own thread and queues the records {@link ChangeEvents} makes of it.
 * After each message it confirms to the server the position the worker's commits found acknowledged (never further:
 * see {@link AckTracker}); in pauses, and between transactions at least every 100 ms when there is none, it queues
 * what it read, notes where it is, emits heartbeats and reads due incremental snapshot chunks; it keeps the
 * connection alive while the queue is full. A database that goes away is reconnected to
 * (errors.max.retries), a slot held by another connection is waited for (slot.max.retries); anything else fails
 * the task with the server's words.
 */
final class ChangeStream {
    private static final Logger log = LoggerFactory.getLogger(ChangeStream.class);
    private static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(5);
    /** How long a stream that always has a message pending goes without the housekeeping of a pause. */
    private static final long HOUSEKEEPING_NANOS = TimeUnit.MILLISECONDS.toNanos(100);
    /**
     * How often a quiet stream writes a status update to learn whether the server is still there: pgjdbc's read of
     * pending messages takes a closed connection for a quiet one, so without a write a restarted server went unnoticed
     * until the next status interval.
     */
    private static final long LIVENESS_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** The first reconnect's wait; each next one is four times longer, up to retriable.restart.connector.wait.ms. */
    private static final long FIRST_RETRY_WAIT_MS = 250;

    private final CdcConfig config;
    private final CdcSessions sessions;
    private final ChangeEvents changes;
    private final EventRecords events;
    private final RecordQueue queue;
    private final AckTracker tracker;
    private final CdcMetrics metrics;
    private final IncrementalSnapshot incremental;
    private final int batchSize;
    private final long heartbeatMs;
    private final String heartbeatQuery;
    private final AtomicLong toConfirm = new AtomicLong(Lsn.NONE);
    private final PgOutput decoder = new PgOutput();
    private volatile boolean stopped;

    private Connection replication;
    private Connection catalog;
    private PGReplicationStream stream;
    private long confirmedSent = Lsn.NONE;
    private long nextHeartbeat;
    private long lastHousekeeping = System.nanoTime();
    private long lastStatusWrite = System.nanoTime();
    private int failuresInARow;

    ChangeStream(CdcConfig config, CdcSessions sessions, ChangeEvents changes, EventRecords events, RecordQueue queue,
                 AckTracker tracker, CdcMetrics metrics, IncrementalSnapshot incremental) {
        this.config = config;
        this.sessions = sessions;
        this.changes = changes;
        this.events = events;
        this.queue = queue;
        this.tracker = tracker;
        this.metrics = metrics;
        this.incremental = incremental;
        this.batchSize = config.getInt(CdcConfig.MAX_BATCH_SIZE);
        this.heartbeatMs = config.getInt(CdcConfig.HEARTBEAT_INTERVAL_MS);
        this.heartbeatQuery = config.getString(CdcConfig.HEARTBEAT_ACTION_QUERY).trim();
        changes.incremental(incremental);
    }

    /** The task's commit found this position acknowledged: it is confirmed to the server at the next chance. */
    void confirm(long lsn) {
        toConfirm.accumulateAndGet(lsn, Math::max);
    }

    void stop() {
        stopped = true;
    }

    /**
     * Streams from startLsn until stopped, on the given replication connection first (the one that created the slot,
     * when the snapshot ran) and on new ones after a reconnect.
     */
    void run(Connection firstConnection, long startLsn) throws Exception {
        replication = firstConnection;
        try {
            while (!stopped) {
                try {
                    if (stream == null) {
                        connect(startLsn);
                    }
                    readSome();
                    failuresInARow = 0;
                } catch (SQLException e) {
                    recoverOrThrow(e);
                } catch (ChangeEvents.CatalogFailure e) {
                    recoverOrThrow(e.sqlCause());
                }
            }
        } finally {
            disconnect();
            if (incremental != null) {
                incremental.closeConnection();
            }
        }
    }

    private void connect(long startLsn) throws SQLException {
        // after a reconnect the slot resumes from what was confirmed to it, not from where the task started
        long from = Math.max(startLsn, confirmedSent);
        if (replication == null) {
            replication = sessions.replication();
        }
        if (catalog == null) {
            catalog = sessions.plain();
        }
        changes.catalog(catalog);
        String publication = '"' + config.publicationName().replace("\"", "\"\"") + '"';
        stream = replication.unwrap(PGConnection.class).getReplicationAPI().replicationStream().logical()
                .withSlotName(config.slotName())
                .withStartPosition(LogSequenceNumber.valueOf(from))
                .withSlotOption("proto_version", "1")
                .withSlotOption("publication_names", publication)
                .withStatusInterval(config.getInt(CdcConfig.STATUS_INTERVAL_MS), TimeUnit.MILLISECONDS)
                .withAutomaticFlush(false)
                .start();
        metrics.streaming(true);
        lastStatusWrite = System.nanoTime();
        log.info("Streaming changes from slot {} at LSN {}", config.slotName(), Lsn.format(from));
    }

    /** Reads what the server sent; between messages, does the stream's housekeeping. */
    private void readSome() throws Exception {
        ByteBuffer message = stream.readPending();
        if (message == null) {
            idle();
            LockSupport.parkNanos(IDLE_PARK_NANOS);
            return;
        }
        changes.at(stream.getLastReceiveLSN().asLong());
        decoder.decode(message, changes);
        if (changes.pending() >= batchSize) {
            flush();
        }
        // a worker behind the server or a steady write load leaves a message pending at every read: without this
        // nothing would be confirmed (the server keeping all WAL), no chunk read and no heartbeat sent until a pause
        if (!changes.inTransaction() && System.nanoTime() - lastHousekeeping >= HOUSEKEEPING_NANOS) {
            idle();
        } else {
            confirmIfAsked();
        }
    }

    private void idle() throws Exception {
        lastHousekeeping = System.nanoTime();
        flush();
        if (!changes.inTransaction()) {
            tracker.between(Math.max(stream.getLastReceiveLSN().asLong(), changes.lastEndLsn()));
            if (incremental != null) {
                incremental.readChunkIfDue();
            }
            heartbeatIfDue();
        }
        confirmIfAsked();
        if (System.nanoTime() - lastStatusWrite >= LIVENESS_NANOS) {
            stream.forceUpdateStatus(); // fails once the server is gone (the write after its close is refused)
            lastStatusWrite = System.nanoTime();
        }
    }

    private void flush() throws Exception {
        if (changes.pending() == 0) {
            return;
        }
        List<SourceRecord> batch = changes.take();
        log.debug("Queueing {} records (stream at {})", batch.size(), stream.getLastReceiveLSN());
        queue.put(batch, () -> {
            // the worker is behind: keep the walsender from timing out (wal_sender_timeout) while waiting
            confirmIfAsked();
            stream.forceUpdateStatus();
        });
    }

    private void confirmIfAsked() throws SQLException {
        long lsn = toConfirm.get();
        if (lsn > confirmedSent) {
            LogSequenceNumber position = LogSequenceNumber.valueOf(lsn);
            stream.setFlushedLSN(position);
            stream.setAppliedLSN(position);
            stream.forceUpdateStatus();
            lastStatusWrite = System.nanoTime();
            confirmedSent = lsn;
            log.debug("Confirmed LSN {} to slot {}", Lsn.format(lsn), config.slotName());
        }
    }

    private void heartbeatIfDue() throws Exception {
        if (heartbeatMs <= 0) {
            return;
        }
        long now = System.currentTimeMillis();
        if (now < nextHeartbeat) {
            return;
        }
        nextHeartbeat = now + heartbeatMs;
        if (!heartbeatQuery.isEmpty()) {
            try (Statement s = catalog.createStatement()) {
                s.execute(heartbeatQuery);
            }
        }
        long position = Math.max(stream.getLastReceiveLSN().asLong(), changes.lastEndLsn());
        queue.put(List.of(events.heartbeat(CdcOffsets.between(position,
                incremental == null ? null : incremental.state()))), null);
    }

    private void recoverOrThrow(SQLException e) throws Exception {
        disconnect();
        String reason = DatabaseFailure.reason(e);
        String state = e.getSQLState();
        if ("42704".equals(state) || reason.contains("does not exist")) {
            throw new ConnectException("Replication slot " + config.slotName() + " no longer exists (" + reason
                    + "): its changes since the last confirmed position are lost. Restart with snapshot.mode="
                    + "when_needed to read the tables again, or reset the connector's offsets", e);
        }
        if (reason.contains("can no longer get changes") || reason.contains("has been invalidated")
                || reason.contains("already been removed")) {
            throw new ConnectException("Replication slot " + config.slotName() + " was invalidated by the server ("
                    + reason + "): it fell further behind than max_slot_wal_keep_size allows. Restart with "
                    + "snapshot.mode=when_needed to read the tables again", e);
        }
        boolean slotBusy = "55006".equals(state);
        int maxRetries = slotBusy ? config.getInt(CdcConfig.SLOT_MAX_RETRIES) : config.getInt(CdcConfig.MAX_RETRIES);
        long wait = slotBusy ? config.getLong(CdcConfig.SLOT_RETRY_DELAY_MS) : config.getLong(CdcConfig.RETRY_WAIT_MS);
        if (!slotBusy && DatabaseFailure.of(e) != DatabaseFailure.TRANSIENT) {
            throw new ConnectException("Streaming from slot " + config.slotName() + " failed: " + reason, e);
        }
        failuresInARow++;
        if (!slotBusy) {
            // a server restart is usually over in a second or two: try soon, then back off to the configured wait
            wait = Math.min(wait, FIRST_RETRY_WAIT_MS << Math.min(20, 2 * (failuresInARow - 1)));
        }
        if (maxRetries >= 0 && failuresInARow > maxRetries) {
            throw new ConnectException("Streaming from slot " + config.slotName() + " failed " + failuresInARow
                    + " times in a row: " + reason, e);
        }
        log.warn("Streaming from slot {} failed ({}); reconnecting in {} ms (attempt {})", config.slotName(), reason,
                wait, failuresInARow);
        changes.reconnected();
        long until = System.currentTimeMillis() + wait;
        while (!stopped && System.currentTimeMillis() < until) {
            Thread.sleep(Math.min(200, Math.max(1, until - System.currentTimeMillis())));
        }
    }

    private void disconnect() {
        metrics.streaming(false);
        if (stream != null) {
            try {
                stream.close();
            } catch (SQLException e) {
                log.debug("Closing the replication stream: {}", e.getMessage());
            }
            stream = null;
        }
        for (Connection c : new Connection[] {replication, catalog}) {
            if (c != null) {
                try {
                    c.close();
                } catch (SQLException e) {
                    log.debug("Closing a connection: {}", e.getMessage());
                }
            }
        }
        replication = null;
        catalog = null;
    }
}
