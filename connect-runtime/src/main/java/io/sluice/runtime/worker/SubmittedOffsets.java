package io.sluice.runtime.worker;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Tracks the source records a task has sent and which of them Kafka acknowledged, so that a
 * partition's offset is committed only once that record and every earlier record of the same
 * source partition are acknowledged.
 *
 * <p>Acks (producer I/O thread) only flip a volatile flag; the per-partition deques are touched under
 * this object's monitor once per poll batch and once per commit, never per record. Each batch also
 * drops the acknowledged prefix of the queues it adds to, keeping only the newest committable offset:
 * memory follows the records in flight, not everything sent within an offset flush interval (a fast
 * source with Apache's 60 s interval would otherwise hold tens of millions of entries).
 */
final class SubmittedOffsets {

    /** One sent record: its source partition and offset, and whether Kafka acknowledged it. */
    static final class Submitted {
        final Map<String, Object> partition;
        final Map<String, Object> offset;
        private volatile boolean acked;

        Submitted(Map<String, Object> partition, Map<String, Object> offset) {
            this.partition = partition;
            this.offset = offset;
        }

        boolean acked() {
            return acked;
        }
    }

    private final Map<Map<String, Object>, Deque<Submitted>> pending = new HashMap<>();
    /** Per partition, the offset of the last record of an acknowledged prefix already dropped from its queue. */
    private final Map<Map<String, Object>, Map<String, Object>> acknowledged = new HashMap<>();
    private final AtomicInteger unacked = new AtomicInteger();
    private final Object ackMonitor = new Object();

    /** Starts tracking a record about to be sent; call {@link #enqueue} with it (in send order) afterwards. */
    @SuppressWarnings("unchecked")
    Submitted track(SourceRecord record) {
        unacked.incrementAndGet();
        return new Submitted((Map<String, Object>) record.sourcePartition(), (Map<String, Object>) record.sourceOffset());
    }

    /** Adds a batch of tracked records, in the order they were sent. */
    synchronized void enqueue(List<Submitted> batch) {
        // runs of records share a source partition: look its queue up once per run, not once per record
        Map<String, Object> runPartition = null;
        Deque<Submitted> runQueue = null;
        for (Submitted s : batch) {
            if (s.partition == null || s.offset == null) {
                continue;
            }
            if (runQueue == null || (s.partition != runPartition && !s.partition.equals(runPartition))) {
                runPartition = s.partition;
                runQueue = pending.computeIfAbsent(s.partition, p -> new ArrayDeque<>());
                dropAcknowledgedPrefix(runPartition, runQueue);
            }
            runQueue.addLast(s);
        }
    }

    private void dropAcknowledgedPrefix(Map<String, Object> partition, Deque<Submitted> queue) {
        Submitted last = null;
        while (!queue.isEmpty() && queue.peekFirst().acked) {
            last = queue.pollFirst();
        }
        if (last != null) {
            acknowledged.put(partition, last.offset);
        }
    }

    /** Marks a record acknowledged (or dropped, which commits its offset as well). Idempotent. */
    void ack(Submitted s) {
        if (s.acked) {
            return;
        }
        s.acked = true;
        if (unacked.decrementAndGet() == 0) {
            synchronized (ackMonitor) {
                ackMonitor.notifyAll();
            }
        }
    }

    /**
     * Removes the acknowledged prefix of every partition's queue and returns, per partition, the
     * offset of the last record of that prefix. Partitions whose oldest record is unacknowledged
     * are absent.
     */
    synchronized Map<Map<String, Object>, Map<String, Object>> committableOffsets() {
        Iterator<Map.Entry<Map<String, Object>, Deque<Submitted>>> it = pending.entrySet().iterator();
        while (it.hasNext()) {
            Map.Entry<Map<String, Object>, Deque<Submitted>> e = it.next();
            dropAcknowledgedPrefix(e.getKey(), e.getValue());
            if (e.getValue().isEmpty()) {
                it.remove();
            }
        }
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>(acknowledged);
        acknowledged.clear();
        return result;
    }

    /** Records still held in the partition queues (acknowledged ones are dropped batch by batch). */
    synchronized int queued() {
        int n = 0;
        for (Deque<Submitted> queue : pending.values()) {
            n += queue.size();
        }
        return n;
    }

    /** Records sent but not acknowledged yet. */
    int unackedCount() {
        return unacked.get();
    }

    /** Waits until every tracked record is acknowledged; false when the timeout passed first. */
    boolean awaitAllAcked(long timeout, TimeUnit unit) throws InterruptedException {
        long deadline = System.nanoTime() + unit.toNanos(timeout);
        synchronized (ackMonitor) {
            while (unacked.get() > 0) {
                long left = deadline - System.nanoTime();
                if (left <= 0) {
                    return false;
                }
                TimeUnit.NANOSECONDS.timedWait(ackMonitor, left);
            }
        }
        return true;
    }
}
