package io.sluice.runtime.metrics;

import java.util.function.LongSupplier;

/**
 * The per-second rate of a growing total over a trailing window, computed when read: the sampler
 * notes (time, total) once a second into a ring, and a read divides the growth since the oldest
 * note inside the window by the time it spans. Writers never touch the ring.
 */
public final class Rate implements Sampled {
    private final LongSupplier total;
    private final long[] times;
    private final long[] values;
    private int next;
    private int size;

    Rate(LongSupplier total, int slots, long nowMs) {
        this.total = total;
        this.times = new long[slots];
        this.values = new long[slots];
        sample(nowMs);
    }

    @Override
    public synchronized void sample(long nowMs) {
        times[next] = nowMs;
        values[next] = total.getAsLong();
        next = (next + 1) % times.length;
        size = Math.min(size + 1, times.length);
    }

    /** Per second over the last windowMs (or since creation, when younger), at least over one second. */
    public double perSecond(long nowMs, long windowMs) {
        long current = total.getAsLong();
        long since = nowMs - windowMs;
        long baseTime;
        long baseValue;
        synchronized (this) {
            int oldest = (next - size + times.length) % times.length;
            int chosen = -1;
            for (int i = 0; i < size; i++) {
                int idx = (oldest + i) % times.length;
                if (times[idx] >= since) {
                    chosen = idx;
                    break;
                }
            }
            if (chosen < 0) {
                chosen = (next - 1 + times.length) % times.length;
            }
            baseTime = times[chosen];
            baseValue = values[chosen];
        }
        long elapsed = Math.max(nowMs - baseTime, 1000L);
        return Math.max(0, current - baseValue) * 1000.0 / elapsed;
    }

    public long total() {
        return total.getAsLong();
    }
}
