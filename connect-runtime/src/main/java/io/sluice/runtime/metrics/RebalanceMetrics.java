package io.sluice.runtime.metrics;

/**
 * Apache's connect-worker-rebalance-metrics, fed by a distributed herder: call
 * {@link #rebalanceStarted()} when the worker leaves its assignment and
 * {@link #rebalanceCompleted} when it has a new one. Registered on first use.
 */
public final class RebalanceMetrics {
    private final MetricsRegistry registry;
    private final Stat duration;
    private final Counter completed = new Counter();
    private volatile String protocol = "";
    private volatile String leader = "";
    private volatile long epoch = -1;
    private volatile long startedAt = -1;
    private volatile long lastCompleted = -1;

    RebalanceMetrics(MetricsRegistry registry) {
        this.registry = registry;
        MetricGroup group = registry.group("connect-worker-rebalance-metrics")
                .info("connect-protocol", "The Connect protocol used by this cluster", () -> protocol)
                .info("leader-name", "The name of the group leader.", () -> leader)
                .gauge("epoch", "The epoch or generation number of this worker.", () -> (double) epoch)
                .counter("completed-rebalances-total", "The total number of rebalances completed by this worker.",
                        completed::get)
                .gauge("rebalancing", "Whether this worker is currently rebalancing.", () -> startedAt >= 0 ? 1.0 : 0.0)
                .gauge("time-since-last-rebalance-ms", "The time in milliseconds since this worker completed the most "
                        + "recent rebalance.", () -> lastCompleted < 0 ? Double.POSITIVE_INFINITY
                        : (double) (registry.now() - lastCompleted));
        duration = group.stat("rebalance-avg-time-ms", "The average time in milliseconds spent by this worker to rebalance.",
                "rebalance-max-time-ms", "The maximum time in milliseconds spent by this worker to rebalance.");
        registry.register(group);
    }

    public synchronized void rebalanceStarted() {
        startedAt = registry.now();
    }

    public synchronized void rebalanceCompleted(long generation, String leaderName, String connectProtocol) {
        long now = registry.now();
        if (startedAt >= 0) {
            duration.record(now - startedAt);
        }
        startedAt = -1;
        lastCompleted = now;
        epoch = generation;
        leader = leaderName == null ? "" : leaderName;
        protocol = connectProtocol == null ? "" : connectProtocol;
        completed.increment();
    }
}
