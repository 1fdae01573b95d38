package io.sluice.runtime.metrics;

import java.util.function.LongSupplier;

/** Average and maximum over a trailing window of a level (records in flight), sampled once a second. */
public final class GaugeStat implements Sampled {
    private final LongSupplier gauge;
    private final long[] times;
    private final long[] values;
    private int next;
    private int size;

    GaugeStat(LongSupplier gauge, int slots) {
        this.gauge = gauge;
        this.times = new long[slots];
        this.values = new long[slots];
    }

    @Override
    public synchronized void sample(long nowMs) {
        times[next] = nowMs;
        values[next] = gauge.getAsLong();
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    public long current() {
        return gauge.getAsLong();
    }

    public double avg(long nowMs, long windowMs) {
        long current = gauge.getAsLong();
        long sum = current;
        int n = 1;
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                if (times[i] >= nowMs - windowMs) {
                    sum += values[i];
                    n++;
                }
            }
        }
        return (double) sum / n;
    }

    public double max(long nowMs, long windowMs) {
        long best = gauge.getAsLong();
        synchronized (this) {
            for (int i = 0; i < size; i++) {
                if (times[i] >= nowMs - windowMs && values[i] > best) {
                    best = values[i];
                }
            }
        }
        return best;
    }
}
