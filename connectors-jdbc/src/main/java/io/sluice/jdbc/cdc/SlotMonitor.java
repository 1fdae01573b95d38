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
 * Watches the slot from the outside, every status.update.interval.ms on a connection of its own: how many bytes of
 * WAL it holds back (the server's current position minus the confirmed one) and its wal_status. Both go to the
 * task's metrics; a slot that holds back more than slot.lag.warning.bytes, that the server is about to invalidate
 * (unreserved), that was invalidated (lost) or that disappeared is logged at WARN or ERROR, at most once a minute.
 */
final class SlotMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SlotMonitor.class);
    private static final long WARN_EVERY_MS = 60_000;

    private final CdcConfig config;
    private final CdcSessions sessions;
    private final CdcMetrics metrics;
    private final Replication replication;
    private final long warnBytes;
    private final ScheduledExecutorService executor;
    private Connection connection;
    private long lastWarning;

    SlotMonitor(CdcConfig config, CdcSessions sessions, CdcMetrics metrics, String name) {
        this.config = config;
        this.sessions = sessions;
        this.metrics = metrics;
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
                metrics.slot(-1, 0, "missing");
                return; // before the capture thread created it, or dropped: the stream reports the latter
            }
            long lag = Math.max(0, slot.currentLsn() - slot.confirmedFlush());
            String status = slot.walStatus() == null ? "unknown" : slot.walStatus();
            metrics.slot(lag, slot.confirmedFlush(), status);
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
                log.warn("Replication slot {} holds back {} bytes of WAL, more than max_slot_wal_keep_size: the server "
                        + "will invalidate it at its next checkpoint unless the connector catches up",
                        config.slotName(), lag);
            } else if (warnBytes > 0 && lag > warnBytes) {
                lastWarning = now;
                log.warn("Replication slot {} holds back {} bytes of WAL (slot.lag.warning.bytes={}): the connector "
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
