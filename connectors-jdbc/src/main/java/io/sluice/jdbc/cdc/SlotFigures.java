package io.sluice.jdbc.cdc;

import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.DatabaseFailure;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.LinkedHashMap;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.common.metrics.Gauge;
import org.apache.kafka.common.metrics.Measurable;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The slot's figures on the connector's metrics (JMX {@code kafka.connect:type=plugins,connector=<name>}, GET /metrics
 * {@code kafka_connect_plugins_slot_*} without a task label), read from pg_replication_slots when a metric is read:
 * at most once a second, on a connection opened for it, with a query timeout. They stay while the connector is paused
 * or stopped, because the slot keeps WAL on the server whatever the connector does, and that is when an operator
 * needs to see it. {@code slot-lag-bytes} is that WAL: pg_current_wal_lsn() - restart_lsn (the oldest WAL the slot
 * may still need); {@code slot-confirmed-lag-bytes} is what the connector has not confirmed yet.
 */
final class SlotFigures {
    private static final Logger log = LoggerFactory.getLogger(SlotFigures.class);
    private static final long FRESH_MS = 1_000;
    /** After a failed read (database down) the figures say unknown for this long instead of retrying on every read. */
    private static final long RETRY_MS = 10_000;

    /** The slot as last read (null when missing or unreadable) and its wal_status, missing or unknown. */
    private record Reading(Replication.SlotState slot, String status) {
    }

    private volatile CdcConfig config;
    private Reading last = new Reading(null, "unknown");
    private long nextRead;

    /** Registers the figures; none when the runtime gives no plugin metrics (Connect before 4.1). */
    void register(PluginMetrics plugin) {
        if (plugin == null) {
            return;
        }
        measurable(plugin, "slot-lag-bytes", "WAL the server keeps for the slot: the current WAL position minus the "
                + "slot's restart_lsn; -1 when the slot is missing or unreadable.",
                Replication.SlotState::retainedBytes);
        measurable(plugin, "slot-confirmed-lag-bytes", "WAL written since the position the connector confirmed "
                + "(confirmed_flush_lsn); -1 when the slot is missing or unreadable.",
                s -> s.currentLsn() - s.confirmedFlush());
        measurable(plugin, "slot-confirmed-flush-lsn", "The position confirmed to the slot, as a number.",
                Replication.SlotState::confirmedFlush);
        measurable(plugin, "slot-restart-lsn", "The slot's restart_lsn, as a number: WAL before it may be recycled.",
                Replication.SlotState::restart);
        measurable(plugin, "slot-active", "1 while a connection reads the slot (the task streams).",
                s -> s.active() ? 1 : 0);
        MetricName name = plugin.metricName("slot-wal-status", "The slot's wal_status: reserved, extended, unreserved "
                + "(about to lose WAL it needs), lost (invalidated), missing, or unknown (unreadable).",
                new LinkedHashMap<>());
        plugin.addMetric(name, (Gauge<String>) (metricConfig, now) -> read(now).status());
    }

    /** The connector's current configuration: which slot on which server. */
    void configure(CdcConfig config) {
        this.config = config;
        synchronized (this) {
            nextRead = 0;
        }
    }

    private void measurable(PluginMetrics plugin, String name, String doc,
                            ToDoubleFunction<Replication.SlotState> figure) {
        plugin.addMetric(plugin.metricName(name, doc, new LinkedHashMap<>()), (Measurable) (metricConfig, now) -> {
            Replication.SlotState s = read(now).slot();
            return s == null ? -1 : Math.max(0, figure.applyAsDouble(s));
        });
    }

    /** The slot as last read, read again when older than a second (ten after a failed read). */
    private synchronized Reading read(long now) {
        CdcConfig c = config;
        if (c == null || now < nextRead) {
            return last;
        }
        try (Connection connection = new CdcSessions(c, ConnectionKeys.dialect(c)).plain()) {
            Replication.SlotState slot = new Replication(c).slot(connection);
            last = new Reading(slot, slot == null ? "missing" : slot.walStatus() == null ? "unknown" : slot.walStatus());
            nextRead = now + FRESH_MS;
        } catch (SQLException | RuntimeException e) {
            log.debug("Reading the state of slot {} failed: {}", c.slotName(), e instanceof SQLException sql
                    ? DatabaseFailure.reason(sql) : e.toString());
            last = new Reading(null, "unknown");
            nextRead = now + RETRY_MS;
        }
        return last;
    }
}
