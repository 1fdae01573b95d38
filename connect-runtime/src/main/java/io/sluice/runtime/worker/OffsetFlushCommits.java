package io.sluice.runtime.worker;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * At-least-once source commits: an offset becomes committable once Kafka acknowledged its record and every
 * earlier one of its source partition, and is written every offset.flush.interval.ms on the worker's committer
 * thread (so pause or a slow poll do not hold it back) and once more at stop.
 */
final class OffsetFlushCommits implements SourceCommits {
    private static final Logger log = LoggerFactory.getLogger(OffsetFlushCommits.class);

    private final ScheduledExecutorService committer;
    private final long intervalMs;
    private final long timeoutMs;
    /** Offsets whose write failed, kept so the next flush writes them even if no newer record came. */
    private final Map<Map<String, Object>, Map<String, Object>> unwritten = new HashMap<>();
    private final Object commitLock = new Object();
    private Task task;
    private ScheduledFuture<?> schedule;

    OffsetFlushCommits(ScheduledExecutorService committer, long intervalMs, long timeoutMs) {
        this.committer = committer;
        this.intervalMs = intervalMs;
        this.timeoutMs = timeoutMs;
    }

    @Override
    public void start(Task task) {
        this.task = task;
        schedule = committer.scheduleAtFixedRate(this::scheduledCommit, intervalMs, intervalMs, TimeUnit.MILLISECONDS);
    }

    @Override
    public TransactionContext transactionContext() {
        return null;
    }

    @Override
    public void send(List<SourceRecord> batch) {
        task.sender().send(batch);
    }

    @Override
    public void afterPoll() {
    }

    @Override
    public void beforePause() {
    }

    @Override
    public void close(boolean started, boolean clean, boolean cancelled) {
        if (schedule != null) {
            schedule.cancel(false);
        }
        // a failed task still writes what Kafka acknowledged; a cancelled one must not write anything more
        if (!started || task == null || cancelled) {
            return;
        }
        // after a failed send, the failed record is never acked: waiting for it would only delay the stop
        boolean interrupted = false;
        try {
            if (!task.sender().failed() && !task.submitted().awaitAllAcked(timeoutMs, TimeUnit.MILLISECONDS)) {
                log.warn("{} stopping with {} records not acknowledged; their offsets are not committed",
                        task.name(), task.submitted().unackedCount());
            }
        } catch (InterruptedException e) {
            // an interrupt the task's own code left on its thread must not cost the offsets Kafka acknowledged:
            // they are committed (the flag is restored after); a task given up on commits nothing more
            interrupted = true;
            if (task.cancelled().getAsBoolean()) {
                Thread.currentThread().interrupt();
                return;
            }
            log.warn("{} was interrupted while waiting for {} records to be acknowledged; committing the offsets "
                    + "of those that were", task.name(), task.submitted().unackedCount());
        }
        // the commit says what it wrote, or why it could not
        log.debug("{} committing its offsets at stop", task.name());
        try {
            commit();
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public String description() {
        return "";
    }

    private void scheduledCommit() {
        try (PluginScope scope = PluginScope.task(task.loader(), task.id().connector(), task.id().task())) {
            commit();
        } catch (Throwable t) {
            log.error("{} offset commit failed; will retry at the next interval", task.name(), t);
        }
    }

    /** Writes the offsets of acknowledged records, then calls the task's commit(). */
    void commit() {
        synchronized (commitLock) {
            unwritten.putAll(task.submitted().committableOffsets());
            if (!unwritten.isEmpty()) {
                Map<Map<String, Object>, Map<String, Object>> toWrite = new HashMap<>(unwritten);
                long started = System.nanoTime();
                try {
                    task.offsets().write(task.id().connector(), toWrite).get(timeoutMs, TimeUnit.MILLISECONDS);
                    task.metrics().commit((System.nanoTime() - started) / 1_000_000L, true);
                    toWrite.forEach(unwritten::remove);
                    log.debug("{} committed offsets {}", task.name(), toWrite);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    log.warn("{} interrupted while writing offsets", task.name());
                    return;
                } catch (Exception e) {
                    task.metrics().commit((System.nanoTime() - started) / 1_000_000L, false);
                    log.error("{} failed to write offsets within {} ms; will retry", task.name(), timeoutMs, e);
                    return;
                }
            }
            task.commit().run();
        }
    }
}
