package io.sluice.runtime.worker;

import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs of connectors or tasks (keyed by name or task id) that were asked to stop: each stop is bounded by
 * task.shutdown.graceful.timeout.ms, after which the run is given up, and is remembered until it ended so that
 * the next run under the same key begins only then. Two runs of a connector or a task never overlap on a worker.
 */
final class RunEndings<K> {
    private final ScheduledExecutorService timer;
    private final long gracefulTimeoutMs;
    private final Map<K, CompletableFuture<Void>> ending = new ConcurrentHashMap<>();

    RunEndings(ScheduledExecutorService timer, long gracefulTimeoutMs) {
        this.timer = timer;
        this.gracefulTimeoutMs = gracefulTimeoutMs;
    }

    /**
     * A run under key is stopping; ended completes when it has. Returns a future that completes then, or after the
     * graceful timeout, when giveUp runs first.
     */
    CompletableFuture<Void> stopping(K key, CompletableFuture<Void> ended, Runnable giveUp) {
        CompletableFuture<Void> bounded = new CompletableFuture<>();
        ScheduledFuture<?> deadline = timer.schedule(() -> {
            if (!ended.isDone()) {
                giveUp.run();
            }
            bounded.complete(null);
        }, gracefulTimeoutMs, TimeUnit.MILLISECONDS);
        ended.whenComplete((v, e) -> {
            deadline.cancel(false);
            bounded.complete(null);
        });
        ending.put(key, bounded);
        bounded.whenComplete((v, e) -> ending.remove(key, bounded));
        return bounded;
    }

    /** The stopping runs whose keys match, each bounded by the graceful timeout. */
    java.util.List<CompletableFuture<Void>> stopping(java.util.function.Predicate<K> keys) {
        return ending.entrySet().stream().filter(e -> keys.test(e.getKey())).map(Map.Entry::getValue).toList();
    }

    /** The stopping run under key, which the next run waits for; null when none is stopping. */
    CompletableFuture<Void> previous(K key) {
        return ending.get(key);
    }
}
