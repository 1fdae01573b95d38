package io.sluice.runtime.worker.errors;

import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongUnaryOperator;

/**
 * The delay before each retry, as Apache computes it: 300 ms doubled per attempt; once that
 * passes errors.retry.delay.max.ms, a random delay below the maximum (jitter, so tasks failing
 * together do not retry together); never past the retry deadline.
 */
final class Backoff {

    static final long MIN_DELAY_MS = 300L;

    /** Shifting 300 further than this would overflow; any real maximum is reached long before. */
    private static final int MAX_SHIFT = 40;

    private final long maxDelayMs;
    private final LongUnaryOperator jitter;

    /** @param jitter given a bound, returns a value in [0, bound) */
    Backoff(long maxDelayMs, LongUnaryOperator jitter) {
        this.maxDelayMs = maxDelayMs;
        this.jitter = jitter;
    }

    static Backoff withRandomJitter(long maxDelayMs) {
        return new Backoff(maxDelayMs, bound -> ThreadLocalRandom.current().nextLong(bound));
    }

    /**
     * @param attempt  the attempt that just failed, from 1
     * @param now      the current time in ms
     * @param deadline the time after which no retry may start
     */
    long delay(int attempt, long now, long deadline) {
        long delay = MIN_DELAY_MS << Math.min(attempt - 1, MAX_SHIFT);
        if (delay > maxDelayMs) {
            delay = maxDelayMs <= 0 ? 0 : jitter.applyAsLong(maxDelayMs);
        }
        long remaining = deadline - now;
        return Math.max(0, Math.min(delay, remaining));
    }
}
