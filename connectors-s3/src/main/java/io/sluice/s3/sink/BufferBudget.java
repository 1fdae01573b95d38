package io.sluice.s3.sink;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all S3 sink tasks of this plugin (one class loader per plugin, so one per worker) hold in
 * upload buffers. Tasks reserve before they buffer and react when the total passes the limit.
 */
final class BufferBudget {

    private static final AtomicLong USED = new AtomicLong();
    private static final Map<Object, Long> LIMITS = new ConcurrentHashMap<>();
    private static volatile long limit = Long.MAX_VALUE;

    private BufferBudget() {
    }

    /** Registers a running task's configured budget; with several, the smallest applies. */
    static void register(Object task, long bytes) {
        LIMITS.put(task, bytes);
        recompute();
    }

    /** A stopped task's budget no longer applies. */
    static void unregister(Object task) {
        LIMITS.remove(task);
        recompute();
    }

    private static void recompute() {
        limit = LIMITS.values().stream().mapToLong(Long::longValue).min().orElse(Long.MAX_VALUE);
    }

    static long limit() {
        return limit;
    }

    static void reserve(long bytes) {
        USED.addAndGet(bytes);
    }

    static void release(long bytes) {
        USED.addAndGet(-bytes);
    }

    static long used() {
        return USED.get();
    }

    static boolean exceeded() {
        return USED.get() > limit;
    }
}
