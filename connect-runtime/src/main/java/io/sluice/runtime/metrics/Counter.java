package io.sluice.runtime.metrics;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

/**
 * A running total written by one thread at a time (a task's own thread, or one producer I/O
 * thread) and read by any: the write is a plain add and an ordered store, no lock and no CAS, so
 * counting costs the hot path next to nothing. Writers that hand over to each other must do so
 * through a happens-before edge (a lock, a thread start), which every caller here does.
 */
public final class Counter {
    private static final VarHandle VALUE;

    static {
        try {
            VALUE = MethodHandles.lookup().findVarHandle(Counter.class, "value", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unused") // accessed through VALUE
    private long value;

    public void increment() {
        add(1);
    }

    public void add(long n) {
        VALUE.setRelease(this, (long) VALUE.get(this) + n);
    }

    /** Sets the value (for figures that are a level, not a total, e.g. a sequence number). */
    public void set(long n) {
        VALUE.setRelease(this, n);
    }

    public long get() {
        return (long) VALUE.getAcquire(this);
    }
}
