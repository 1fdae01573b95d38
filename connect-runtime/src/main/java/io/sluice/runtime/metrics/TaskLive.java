package io.sluice.runtime.metrics;

import java.util.Map;

/**
 * A task's figures for the REST status and the console: records per second in and out over the
 * last minute, totals since the task started, errors, and for sinks the lag of every partition.
 *
 * @param lastErrorTime epoch milliseconds, 0 when none
 * @param lag           records behind the end of each partition ("topic-partition"), null for sources
 */
public record TaskLive(String type, int windowSeconds, double inPerSecond, double outPerSecond, long inTotal,
                       long outTotal, long errors, long lastErrorTime, Map<String, Long> lag) {
}
