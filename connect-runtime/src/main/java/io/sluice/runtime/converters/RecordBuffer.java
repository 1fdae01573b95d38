package io.sluice.runtime.converters;

import java.io.OutputStream;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A growable, unsynchronized byte output that a converter reuses from record to record (ByteArrayOutputStream
 * takes a lock on every byte); {@link Spare} keeps one per converter.
 */
public final class RecordBuffer extends OutputStream {
    /** A buffer grown past this by one huge record is dropped rather than pinned for the task's life. */
    private static final int MAX_KEPT = 1 << 20;

    byte[] bytes = new byte[512];
    int count;

    /** Starts a record: what was written before is dropped. */
    public void reset() {
        count = 0;
    }

    /** The record's bytes, copied out at their exact length. */
    public byte[] toBytes() {
        return Arrays.copyOf(bytes, count);
    }

    private void ensure(int extra) {
        if (count + extra > bytes.length) {
            bytes = Arrays.copyOf(bytes, Math.max(bytes.length * 2, count + extra));
        }
    }

    @Override
    public void write(int b) {
        ensure(1);
        bytes[count++] = (byte) b;
    }

    @Override
    public void write(byte[] b, int off, int len) {
        ensure(len);
        System.arraycopy(b, off, bytes, count, len);
        count += len;
    }

    /**
     * One spare item of a converter's scratch state: a task encodes on one thread, so it takes the same one each
     * time, and a concurrent caller finds none and makes its own.
     */
    public static final class Spare<T> {
        private final AtomicReference<T> spare = new AtomicReference<>();

        /** The spare, or null when another caller holds it. */
        public T take() {
            return spare.getAndSet(null);
        }

        /** Gives it back, unless its buffer grew past what is worth keeping. */
        public void give(T item, RecordBuffer buffer) {
            if (buffer.bytes.length <= MAX_KEPT) {
                spare.set(item);
            }
        }
    }
}
