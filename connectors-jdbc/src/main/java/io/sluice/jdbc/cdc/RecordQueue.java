package io.sluice.jdbc.cdc;

import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The hand-over from the reading threads (snapshot, stream) to the task's poll: batches of records, at most
 * max.queue.size records ahead of the worker, in the order they were put. A reader that fails puts its failure
 * here, and the next poll throws it, so the task fails with the reader's reason.
 */
final class RecordQueue {
    /** Something a blocked reader does while it waits for room (the stream keeps its connection alive). */
    interface WhileWaiting {
        void run() throws Exception;
    }

    private final BlockingQueue<List<SourceRecord>> batches;
    private volatile Throwable failure;
    private volatile boolean closed;

    RecordQueue(int maxQueueSize, int maxBatchSize) {
        this.batches = new ArrayBlockingQueue<>(Math.max(1, maxQueueSize / Math.max(1, maxBatchSize)));
    }

    /** Waits for room, running whileWaiting about once a second; false when the queue was closed meanwhile. */
    boolean put(List<SourceRecord> batch, WhileWaiting whileWaiting) throws Exception {
        while (!closed) {
            if (batches.offer(batch, 1, TimeUnit.SECONDS)) {
                return true;
            }
            if (whileWaiting != null) {
                whileWaiting.run();
            }
        }
        return false;
    }

    /** The next batch, waiting at most timeoutMs; null when there is none yet. Throws a reader's failure. */
    List<SourceRecord> poll(long timeoutMs) throws InterruptedException {
        List<SourceRecord> batch = batches.poll(timeoutMs, TimeUnit.MILLISECONDS);
        if (batch == null) {
            throwIfFailed();
        }
        return batch;
    }

    void fail(Throwable t) {
        if (failure == null) {
            failure = t;
        }
    }

    void throwIfFailed() {
        Throwable t = failure;
        if (t instanceof ConnectException ce) {
            throw ce;
        }
        if (t != null) {
            throw new ConnectException(t.getMessage(), t);
        }
    }

    void close() {
        closed = true;
        batches.clear();
    }

    boolean closed() {
        return closed;
    }
}
