package io.sluice.runtime.metrics;

import io.sluice.runtime.model.LogContext;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One INFO line per connector that wrote records, at most once per interval (a minute by
 * default): records written by its tasks on this worker since the last line (acknowledged by Kafka for
 * sources, by preCommit for sinks), the rate, and the totals since the tasks started. Runs on the metrics
 * sampler thread, with the connector in the MDC.
 */
final class ProgressLog {
    private static final Logger log = LoggerFactory.getLogger(ProgressLog.class);

    private final ConnectMetrics metrics;
    private final long intervalMs;
    private long last;

    ProgressLog(ConnectMetrics metrics, long intervalMs) {
        this.metrics = metrics;
        this.intervalMs = intervalMs;
        this.last = System.currentTimeMillis();
    }

    void tick(long now) {
        if (intervalMs <= 0 || now - last < intervalMs) {
            return;
        }
        double seconds = (now - last) / 1000.0;
        last = now;
        for (String connector : metrics.connectorsWithTasks()) {
            long moved = 0;
            long total = 0;
            long in = 0;
            long pending = 0;
            String type = null;
            for (TaskMetrics task : metrics.tasks(connector)) {
                long written = task.recordsWritten();
                moved += Math.max(0, written - task.loggedOut);
                task.loggedOut = written;
                total += written;
                in += task.recordsIn();
                pending += task.pending();
                type = task.type();
            }
            if (moved == 0) {
                continue;
            }
            try (LogContext context = LogContext.connector(connector)) {
                String totals = "sink".equals(type)
                        ? String.format(Locale.ROOT, "%,d read and %,d written since its tasks started, %,d pending",
                                in, total, pending)
                        : String.format(Locale.ROOT, "%,d in and %,d out since its tasks started", in, total);
                log.info(String.format(Locale.ROOT, "Connector %s wrote %,d records in the last %.0f s (%,.1f records/s); %s",
                        connector, moved, seconds, moved / seconds, totals));
            }
        }
    }
}
