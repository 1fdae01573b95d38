package io.sluice.jdbc.cdc;

import java.util.HashMap;
import java.util.Map;

/**
 * The connector's source offsets: one partition per connector, {@code {"server": <topic.prefix>}} (Debezium's), and
 * offsets that say where the snapshot or the stream is:
 * <ul>
 *   <li>snapshot: {@code {"lsn": <the slot's consistent point>, "snapshot": "initial", "last_snapshot_record": b}};
 *       the last record's true means every snapshot record before it was acknowledged;</li>
 *   <li>stream: {@code {"lsn": <commit LSN of the transaction>, "seq": <the change's index in it>, "txId", "ts_usec"}}:
 *       after a restart, the changes up to and including that one are not emitted again;</li>
 *   <li>{@code "incremental"}: an incremental snapshot in progress (see {@link IncrementalSnapshot}).</li>
 * </ul>
 */
final class CdcOffsets {
    static final String SERVER = "server";
    static final String LSN = "lsn";
    static final String SEQ = "seq";
    static final String TX_ID = "txId";
    static final String TS_USEC = "ts_usec";
    static final String SNAPSHOT = "snapshot";
    static final String LAST_SNAPSHOT_RECORD = "last_snapshot_record";
    static final String INCREMENTAL = "incremental";
    /** A seq past every change of a transaction: the whole transaction is done. */
    static final long WHOLE_TRANSACTION = Long.MAX_VALUE;

    private CdcOffsets() {
    }

    static Map<String, String> partition(String serverName) {
        return Map.of(SERVER, serverName);
    }

    /** Where a stored offset says the connector is. */
    record Stored(boolean snapshotting, boolean snapshotCompleted, long lsn, long seq, String incremental) {
        /** No offset: nothing was ever acknowledged. */
        static final Stored NONE = new Stored(false, false, Lsn.NONE, -1, null);

        boolean exists() {
            return this != NONE;
        }

        /** Whether the change at index seq of the transaction committing at commitLsn was emitted already. */
        boolean covers(long commitLsn, long seq) {
            return commitLsn < lsn || commitLsn == lsn && seq <= this.seq;
        }
    }

    static Stored read(Map<String, Object> offset) {
        if (offset == null || !(offset.get(LSN) instanceof Number lsn)) {
            return Stored.NONE;
        }
        boolean snapshot = offset.get(SNAPSHOT) != null;
        boolean last = Boolean.TRUE.equals(offset.get(LAST_SNAPSHOT_RECORD));
        long seq = offset.get(SEQ) instanceof Number n ? n.longValue() : snapshot ? -1 : WHOLE_TRANSACTION;
        Object incremental = offset.get(INCREMENTAL);
        return new Stored(snapshot && !last, !snapshot || last, lsn.longValue(), snapshot ? -1 : seq,
                incremental instanceof String s ? s : null);
    }

    static Map<String, Object> snapshot(long consistentPoint, boolean last) {
        return Map.of(LSN, consistentPoint, SNAPSHOT, "initial", LAST_SNAPSHOT_RECORD, last);
    }

    static Map<String, Object> stream(long commitLsn, long seq, long txId, long commitMicros, String incremental) {
        Map<String, Object> offset = new HashMap<>(8);
        offset.put(LSN, commitLsn);
        offset.put(SEQ, seq);
        offset.put(TX_ID, txId);
        offset.put(TS_USEC, commitMicros);
        if (incremental != null) {
            offset.put(INCREMENTAL, incremental);
        }
        return offset;
    }

    /** A position between transactions (heartbeats): everything committed up to lsn was handled. */
    static Map<String, Object> between(long lsn, String incremental) {
        Map<String, Object> offset = new HashMap<>(4);
        offset.put(LSN, lsn);
        offset.put(SEQ, WHOLE_TRANSACTION);
        if (incremental != null) {
            offset.put(INCREMENTAL, incremental);
        }
        return offset;
    }
}
