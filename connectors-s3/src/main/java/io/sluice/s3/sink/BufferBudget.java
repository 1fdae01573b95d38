package io.sluice.s3.sink;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The bytes all S3 sink tasks of this plugin (one class loader per plugin, so one per worker) hold in
 * upload buffers. Tasks reserve before they buffer and react when the total passes the limit.
 */
final class BufferBudget {

    private static final AtomicLong USED = new AtomicLong();
    private static final AtomicLong LIMIT = new AtomicLong(Long.MAX_VALUE);

    private BufferBudget() {
    }

    /** Sets the limit; with several connectors the smallest configured one applies. */
    static void limit(long bytes) {
        LIMIT.accumulateAndGet(bytes, Math::min);
    }

    static long limit() {
        return LIMIT.get();
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
        return USED.get() > LIMIT.get();
    }
}
