package io.sluice.runtime.worker;

import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Automatic restarts of failed tasks (task.auto.restart.*), which Apache leaves to operators: each failure
 * schedules a restart after an exponentially growing backoff, up to a number of attempts, and says so in
 * the task's FAILED status trace. A task that ran for longer than the longest backoff starts afresh.
 */
final class TaskRestarts implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TaskRestarts.class);

    private record Attempts(int count, long lastRestartMs) {
    }

    private final boolean enabled;
    private final long initialBackoffMs;
    private final long maxBackoffMs;
    private final int maxAttempts;
    private final StatusReporter status;
    private final Consumer<ConnectorTaskId> restart;
    private final Map<ConnectorTaskId, Attempts> attempts = new ConcurrentHashMap<>();
    private final ScheduledThreadPoolExecutor scheduler;

    TaskRestarts(WorkerConfig config, StatusReporter status, Consumer<ConnectorTaskId> restart) {
        this.enabled = config.getBoolean(WorkerConfig.TASK_AUTO_RESTART_ENABLE);
        this.initialBackoffMs = config.getLong(WorkerConfig.TASK_AUTO_RESTART_BACKOFF_INITIAL_MS);
        this.maxBackoffMs = Math.max(initialBackoffMs, config.getLong(WorkerConfig.TASK_AUTO_RESTART_BACKOFF_MAX_MS));
        this.maxAttempts = config.getInt(WorkerConfig.TASK_AUTO_RESTART_MAX_ATTEMPTS);
        this.status = status;
        this.restart = restart;
        this.scheduler = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sluice-restarter");
            t.setDaemon(true);
            return t;
        });
        scheduler.setRemoveOnCancelPolicy(true);
    }

    /** A task failed with the given trace: schedules its restart, or records that the attempts ran out. */
    void failed(ConnectorTaskId id, String trace) {
        if (!enabled || scheduler.isShutdown()) {
            return;
        }
        long now = System.currentTimeMillis();
        Attempts previous = attempts.get(id);
        int count = previous == null || now - previous.lastRestartMs() > maxBackoffMs ? 0 : previous.count();
        if (maxAttempts >= 0 && count >= maxAttempts) {
            attempts.remove(id);
            status.taskFailedNote(id, "Gave up restarting automatically after " + count + " attempt(s) "
                    + "(task.auto.restart.max.attempts); restart it through the REST API\n" + trace);
            log.warn("Task {} failed again; gave up restarting it after {} attempt(s)", id, count);
            return;
        }
        long backoff = Math.min(maxBackoffMs, initialBackoffMs << Math.min(count, 30));
        attempts.put(id, new Attempts(count + 1, now + backoff));
        status.taskFailedNote(id, "Restarting automatically in " + backoff + " ms (attempt " + (count + 1)
                + (maxAttempts >= 0 ? " of " + maxAttempts : "") + ")\n" + trace);
        log.info("Task {} failed; restarting it in {} ms (attempt {})", id, backoff, count + 1);
        scheduler.schedule(() -> {
            try {
                restart.accept(id);
            } catch (RuntimeException e) {
                log.warn("Automatic restart of task {} failed", id, e);
            }
        }, backoff, TimeUnit.MILLISECONDS);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        try {
            scheduler.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
