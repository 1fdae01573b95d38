package io.sluice.jdbc.cdc;

import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.TaskThreads;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Watches the slot from the outside while the task runs, every status.update.interval.ms on a connection of its own:
 * a slot that keeps more WAL than slot.lag.warning.bytes (from its restart_lsn to the server's current position),
 * that the server is about to invalidate (unreserved) or that was invalidated (lost) is logged at WARN or ERROR, at
 * most once a minute. The figures themselves are the connector's metrics ({@link SlotFigures}).
 */
final class SlotMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotMonitor.class);
    private static final long WARN_EVERY_MS = 60_000;

    private final CdcConfig config;
    private final CdcSessions sessions;
    private final Replication replication;
    private final long warnBytes;
    private final ScheduledExecutorService executor;
    private Connection connection;
    private long lastWarning;

    SlotMonitor(CdcConfig config, CdcSessions sessions, String name) {
        this.config = config;
        this.sessions = sessions;
        this.replication = new Replication(config);
        this.warnBytes = config.getLong(CdcConfig.SLOT_LAG_WARNING_BYTES);
        this.executor = Executors.newSingleThreadScheduledExecutor(TaskThreads.named("sluice-cdc-slot-" + name));
        long interval = config.getInt(CdcConfig.STATUS_INTERVAL_MS);
        executor.scheduleWithFixedDelay(this::check, Math.min(interval, 1000), interval, TimeUnit.MILLISECONDS);
    }

    private void check() {
        try {
            if (connection == null || connection.isClosed()) {
                connection = sessions.plain();
            }
            Replication.SlotState slot = replication.slot(connection);
            if (slot == null) {
                return; // before the capture thread created it, or dropped: the stream reports the latter
            }
            long lag = slot.retainedBytes();
            String status = slot.walStatus() == null ? "unknown" : slot.walStatus();
            long now = System.currentTimeMillis();
            if (now - lastWarning < WARN_EVERY_MS) {
                return;
            }
            if (slot.lost()) {
                lastWarning = now;
                log.error("Replication slot {} was invalidated by the server (wal_status lost): the WAL it needed is "
                        + "gone. Its changes cannot be read any more; snapshot.mode=when_needed reads the tables "
                        + "again", config.slotName());
            } else if ("unreserved".equals(status)) {
                lastWarning = now;
                log.warn("Replication slot {} keeps {} bytes of WAL, more than max_slot_wal_keep_size: the server "
                        + "will invalidate it at its next checkpoint unless the connector catches up",
                        config.slotName(), lag);
            } else if (warnBytes > 0 && lag > warnBytes) {
                lastWarning = now;
                log.warn("Replication slot {} keeps {} bytes of WAL (slot.lag.warning.bytes={}): the connector "
                        + "is behind, or stopped while its slot stays", config.slotName(), lag, warnBytes);
            }
        } catch (SQLException e) {
            log.debug("Reading the state of slot {} failed: {}", config.slotName(), DatabaseFailure.reason(e));
            closeConnection();
        } catch (RuntimeException e) {
            log.warn("Reading the state of slot {} failed", config.slotName(), e);
        }
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the slot monitor's connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    @Override
    public void close() {
        executor.shutdownNow();
        try {
            executor.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        closeConnection();
    }
}
