package io.sluice.runtime.metrics;

import java.util.Map;

/**
 * A task's figures for the REST status and the console: records in, out and (sinks) written, each as a rate over
 * the last minute and over the last few seconds and as a total since the task first started on this worker
 * (restarts of the task keep counting), the records pending now, errors, and for sinks the lag of every partition.
 *
 * @param written       sinks: records the task acknowledged in preCommit; null for sources (their "out" is written)
 * @param pending       sinks: read and not yet acknowledged; sources: sent to Kafka and not yet acknowledged
 * @param lastErrorTime epoch milliseconds, 0 when none
 * @param lag           records behind the end of each partition ("topic-partition"), null for sources
 */
public record TaskLive(String type, int windowSeconds, int recentWindowSeconds, Flow in, Flow out, Flow written,
                       long pending, long errors, long lastErrorTime, Map<String, Long> lag) {

    /** One stream of records: per second over the window and over the recent window, and the total. */
    public record Flow(double perSecond, double perSecondRecent, long total) {
    }
}
