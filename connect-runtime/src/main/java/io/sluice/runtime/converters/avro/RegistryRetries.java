package io.sluice.runtime.converters.avro;

import java.time.Duration;

/**
 * How a registry call that fails in passing (no URL reachable, or the registry electing its writer) is retried. With
 * Confluent's keys (max.retries, retries.wait.ms, retries.max.wait.ms) set, as Confluent's client retries: that many
 * times, waiting retries.wait.ms and twice as long each time up to retries.max.wait.ms, with Confluent's defaults for
 * the keys left out (3, 1000 ms, 20000 ms). With none of them set, for up to 30 s, since a distributed registry elects a
 * new writer within about 10 s and a record should wait that out rather than fail its task.
 *
 * @param maxRetries  retries after the first attempt
 * @param firstWaitMs the wait before the first retry, doubled before each next one
 * @param maxWaitMs   the longest wait between two attempts
 * @param window      how long after the first attempt a retry may still begin; null: no such bound
 */
record RegistryRetries(int maxRetries, long firstWaitMs, long maxWaitMs, Duration window) {
    static final String MAX_RETRIES = "max.retries";
    static final String WAIT_MS = "retries.wait.ms";
    static final String MAX_WAIT_MS = "retries.max.wait.ms";

    /** Sluice's own policy, when none of Confluent's keys is set. */
    static final RegistryRetries WITHIN_30_SECONDS = new RegistryRetries(Integer.MAX_VALUE, 100, 2_000, Duration.ofSeconds(30));

    /** The policy the converter's keys ask for; each null means the key is not set. */
    static RegistryRetries of(Integer maxRetries, Long waitMs, Long maxWaitMs) {
        if (maxRetries == null && waitMs == null && maxWaitMs == null) {
            return WITHIN_30_SECONDS;
        }
        return new RegistryRetries(maxRetries == null ? 3 : maxRetries, waitMs == null ? 1_000 : waitMs,
                maxWaitMs == null ? 20_000 : maxWaitMs, null);
    }

    /**
     * The wait in ms before retry number retry (1 for the first), elapsedNanos after the first attempt began; -1 when
     * the call is to fail now.
     */
    long waitBefore(int retry, long elapsedNanos) {
        if (retry > maxRetries || window != null && elapsedNanos > window.toNanos()) {
            return -1;
        }
        long wait = firstWaitMs;
        for (int i = 1; i < retry && wait < maxWaitMs; i++) {
            wait *= 2;
        }
        return Math.min(wait, maxWaitMs);
    }
}
