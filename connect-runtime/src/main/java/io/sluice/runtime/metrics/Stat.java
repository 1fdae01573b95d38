package io.sluice.runtime.metrics;

import java.util.concurrent.atomic.AtomicLong;

/**
 * Average and maximum of recorded values (a batch's size, a poll's or a commit's duration) over a
 * trailing window. A record is two single-writer adds and, only when it beats the current
 * maximum, one CAS; call it once per batch, not per record.
 */
public final class Stat implements Sampled {
    private static final long NONE = Long.MIN_VALUE;

    private final Counter count = new Counter();
    private final Counter sum = new Counter();
    private final AtomicLong currentMax = new AtomicLong(NONE);
    private final long[] times;
    private final long[] counts;
    private final long[] sums;
    private final long[] maxes;
    private int next;
    private int size;

    Stat(int slots, long nowMs) {
        times = new long[slots];
        counts = new long[slots];
        sums = new long[slots];
        maxes = new long[slots];
        sample(nowMs);
    }

    /** Records one value; by one thread at a time. */
    public void record(long value) {
        count.increment();
        sum.add(value);
        if (value > currentMax.get()) {
            currentMax.accumulateAndGet(value, Math::max);
        }
    }

    @Override
    public synchronized void sample(long nowMs) {
        times[next] = nowMs;
        counts[next] = count.get();
        sums[next] = sum.get();
        maxes[next] = currentMax.getAndSet(NONE);
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    /** The average of values recorded within the window; NaN when none were (as Apache's Avg). */
    public double avg(long nowMs, long windowMs) {
        long c = count.get();
        long s = sum.get();
        long since = nowMs - windowMs;
        synchronized (this) {
            int oldest = (next - size + times.length) % times.length;
            for (int i = 0; i < size; i++) {
                int idx = (oldest + i) % times.length;
                if (times[idx] >= since) {
                    long dc = c - counts[idx];
                    return dc <= 0 ? Double.NaN : (double) (s - sums[idx]) / dc;
                }
            }
        }
        return Double.NaN;
    }

    /** The largest value recorded within the window; NaN when none were. */
    public double max(long nowMs, long windowMs) {
        long best = currentMax.get();
        long since = nowMs - windowMs;
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                // a slot holds the maximum of the second that ended at its time
                if (times[i] >= since && maxes[i] > best) {
                    best = maxes[i];
                }
            }
        }
        return best == NONE ? Double.NaN : best;
    }

    public long count() {
        return count.get();
    }
}
