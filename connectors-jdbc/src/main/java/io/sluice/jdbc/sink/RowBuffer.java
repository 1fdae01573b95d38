package io.sluice.jdbc.sink;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The rows put but not yet written, and when to write them: a put of a hundred records or more means the consumer
 * has a backlog (puts vary in size with the fetches that fill them), so its rows go to the writer thread, which
 * drains the buffer whenever it is free (what was put during one write is the next write, so the database never
 * waits for a batch to fill while rows are waiting, nor for batch.linger.ms after the last put); while it is busy,
 * a put that finds batch.size rows waiting waits for it to take them (the memory bound); rows whose write failed
 * transiently are put back, for the next put, commit or linger to write. A smaller put means the
 * consumer caught up, so rows are written at once for latency; rows older than batch.linger.ms are written even if
 * no put comes. Filled by the task thread, taken by the task thread or the writer thread: whoever takes, takes
 * everything, so rows are written in put order.
 */
final class RowBuffer {
    /** Puts smaller than this are written at once: too small to be a consumer catching up. */
    static final int MIN_BUFFERED_PUT = 100;

    /** Where a put's rows go next. */
    enum Decision { KEEP, WRITE_BEHIND, WRITE_NOW }

    private final int batchSize;
    private final long lingerNanos;
    private List<SinkRow> rows = new ArrayList<>();
    private long oldestNanos;
    /** Whether the writer thread is draining: it takes what is put until it finds the buffer empty. */
    private boolean draining;

    RowBuffer(int batchSize, long lingerNanos) {
        this.batchSize = batchSize;
        this.lingerNanos = lingerNanos;
    }

    synchronized void add(List<SinkRow> put) {
        if (rows.isEmpty()) {
            oldestNanos = System.nanoTime();
        }
        rows.addAll(put);
    }

    /**
     * What to do after a put of putSize records: nothing buffered, hand it to the writer, or write it now. While the
     * writer backs off after a transient failure, a backlog's rows are kept, and written now once batch.size wait.
     */
    synchronized Decision decide(int putSize, boolean writerBacksOff) {
        if (rows.isEmpty()) {
            return Decision.KEEP;
        }
        if (putSize < MIN_BUFFERED_PUT) {
            return Decision.WRITE_NOW;
        }
        if (writerBacksOff) {
            return rows.size() >= batchSize ? Decision.WRITE_NOW : Decision.KEEP;
        }
        return Decision.WRITE_BEHIND;
    }

    /** Marks the writer thread as draining; false if it already is (it takes the rows just put when it is free). */
    synchronized boolean startDrain() {
        if (draining) {
            return false;
        }
        draining = true;
        return true;
    }

    /** On the writer thread: every buffered row, or none, which ends the drain. */
    synchronized List<SinkRow> takeForDrain() {
        if (rows.isEmpty()) {
            draining = false;
        }
        List<SinkRow> taken = take();
        notifyAll();
        return taken;
    }

    /** Ends a drain that stopped before finding the buffer empty (its write threw). */
    synchronized void endDrain() {
        draining = false;
        notifyAll();
    }

    /**
     * Waits while the writer thread is draining and at least batch.size rows wait for it: decoding stays at most one
     * batch ahead of the database. Returns whether there is room, false once maxNanos passed without it.
     */
    synchronized boolean awaitRoom(long maxNanos) throws InterruptedException {
        long until = System.nanoTime() + maxNanos;
        long left = maxNanos;
        while (draining && rows.size() >= batchSize && left > 0) {
            TimeUnit.NANOSECONDS.timedWait(this, left);
            left = until - System.nanoTime();
        }
        return !draining || rows.size() < batchSize;
    }

    /** Every buffered row, in put order; the buffer is empty afterwards. */
    synchronized List<SinkRow> take() {
        List<SinkRow> taken = rows;
        rows = new ArrayList<>();
        return taken;
    }

    /** Every buffered row if the oldest has waited batch.linger.ms, else nothing. */
    synchronized List<SinkRow> takeLingering() {
        return rows.isEmpty() || System.nanoTime() - oldestNanos < lingerNanos ? List.of() : take();
    }

    /** Puts rows taken but not written back in front of the buffer, so a retry writes them first. */
    synchronized void putBack(List<SinkRow> unwritten) {
        if (unwritten.isEmpty()) {
            return;
        }
        if (rows.isEmpty()) {
            oldestNanos = System.nanoTime();
        }
        List<SinkRow> restored = new ArrayList<>(unwritten.size() + rows.size());
        restored.addAll(unwritten);
        restored.addAll(rows);
        rows = restored;
    }

    synchronized int size() {
        return rows.size();
    }

    /** Drops every buffered row: after a lasting failure none of them may be written or committed. */
    synchronized void clear() {
        rows = new ArrayList<>();
        notifyAll();
    }
}
