package io.sluice.runtime.metrics;

/**
 * What a task counted: records in, out and (sinks) written. A task restarted on the same worker starts from the
 * totals of its earlier runs, so the status and the console keep counting where Apache's JMX totals start again.
 */
record TaskTotals(long in, long out, long written) {
    static final TaskTotals NONE = new TaskTotals(0, 0, 0);

    TaskTotals plus(TaskTotals other) {
        return new TaskTotals(in + other.in, out + other.out, written + other.written);
    }
}
