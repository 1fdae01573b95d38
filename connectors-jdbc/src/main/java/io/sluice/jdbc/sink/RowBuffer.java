package io.sluice.jdbc.sink;

import java.util.ArrayList;
import java.util.List;

/**
 * The rows put but not yet written, and when to write them: a put of a hundred records or more means the consumer
 * has a backlog (puts vary in size with the fetches that fill them), so rows are gathered into batch.size
 * transactions written on the writer thread; a smaller put means it caught up, so they are written at once for
 * latency; rows older than batch.linger.ms are written even if no put comes. Filled by the task thread, taken by
 * the task thread or the writer's linger check: whoever takes, takes everything, so rows are written in put order.
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

    /** What to do after a put of putSize records: keep gathering, or write what is buffered, behind or now. */
    synchronized Decision decide(int putSize) {
        boolean consumerBehind = putSize >= MIN_BUFFERED_PUT;
        if (rows.isEmpty() || (consumerBehind && rows.size() < batchSize)) {
            return Decision.KEEP;
        }
        return consumerBehind ? Decision.WRITE_BEHIND : Decision.WRITE_NOW;
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
    }
}
