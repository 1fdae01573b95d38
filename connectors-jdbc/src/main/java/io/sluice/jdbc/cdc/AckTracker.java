package io.sluice.jdbc.cdc;

import java.util.ArrayDeque;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Which WAL position may be confirmed to the slot: the end of the last transaction whose every record Kafka
 * acknowledged, with every transaction before it, so the server never recycles WAL that a record still in flight
 * would need after a crash. Transactions are registered in the order the stream receives them (the stream thread),
 * acknowledgements arrive in any order (the producer's thread, through commitRecord), and the position is read when
 * the worker commits (the task's commit). Memory: one small entry per transaction received and not yet confirmed.
 */
final class AckTracker {
    /** A transaction as received: records emitted for it not yet acknowledged, and whether its commit was read. */
    static final class Txn {
        final long commitLsn;
        final AtomicInteger outstanding = new AtomicInteger();
        volatile long endLsn;
        volatile boolean complete;

        Txn(long commitLsn) {
            this.commitLsn = commitLsn;
        }
    }

    private final Map<Long, Txn> byCommitLsn = new ConcurrentHashMap<>();
    private final ArrayDeque<Txn> inOrder = new ArrayDeque<>();
    /** A position the stream reached with no transaction open: everything committed before it was received. */
    private volatile long receivedBetween = Lsn.NONE;
    /** While the snapshot's last record is not acknowledged, nothing is confirmed (a restart reads it all again). */
    private volatile boolean snapshotPending;
    private long confirmed = Lsn.NONE;

    /** A snapshot starts: nothing is confirmed until its last record was acknowledged. */
    void snapshotStarted() {
        snapshotPending = true;
    }

    /** The stream read a transaction's BEGIN (again, after a reconnect: then its entry goes on). */
    Txn begin(long commitLsn) {
        Txn existing = byCommitLsn.get(commitLsn);
        if (existing != null) {
            return existing;
        }
        Txn txn = new Txn(commitLsn);
        byCommitLsn.put(commitLsn, txn);
        synchronized (inOrder) {
            inOrder.addLast(txn);
        }
        return txn;
    }

    /** A record of this transaction is about to be handed to the worker. */
    void emitted(Txn txn) {
        txn.outstanding.incrementAndGet();
    }

    /** The stream read the transaction's COMMIT, which ends at endLsn. */
    void committed(Txn txn, long endLsn) {
        txn.endLsn = endLsn;
        txn.complete = true;
    }

    /** The stream is between transactions at this position. */
    void between(long lsn) {
        if (lsn > receivedBetween) {
            receivedBetween = lsn;
        }
    }

    /** Kafka acknowledged the record with this offset (commitRecord). */
    void acknowledged(Map<String, ?> offset) {
        if (snapshotPending && offset != null && Boolean.TRUE.equals(offset.get(CdcOffsets.LAST_SNAPSHOT_RECORD))) {
            snapshotPending = false;
            return;
        }
        if (offset == null || !(offset.get(CdcOffsets.SEQ) instanceof Long seq) || seq == CdcOffsets.WHOLE_TRANSACTION
                || !(offset.get(CdcOffsets.LSN) instanceof Long lsn)) {
            return; // snapshot and heartbeat records: no transaction waits for them
        }
        Txn txn = byCommitLsn.get(lsn);
        if (txn != null) {
            txn.outstanding.decrementAndGet();
        }
    }

    /** The position that may be confirmed now; never goes back. Called by one thread at a time. */
    synchronized long confirmable() {
        if (snapshotPending) {
            return confirmed;
        }
        long between = receivedBetween; // read first: a transaction registered later commits after it
        boolean drained;
        synchronized (inOrder) {
            Txn head;
            while ((head = inOrder.peekFirst()) != null && head.complete && head.outstanding.get() <= 0) {
                inOrder.pollFirst();
                byCommitLsn.remove(head.commitLsn, head);
                confirmed = Math.max(confirmed, head.endLsn);
            }
            drained = inOrder.isEmpty();
        }
        if (drained) {
            confirmed = Math.max(confirmed, between);
        }
        return confirmed;
    }

    /** Transactions received and not yet confirmable (for the lag metrics). */
    int pending() {
        synchronized (inOrder) {
            return inOrder.size();
        }
    }
}
