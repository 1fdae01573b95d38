package io.sluice.jdbc.sink;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Folds a run of keyed rows into what a replay must converge to: per key its first delete (deletes run first) and
 * its last write, unless a delete came after it; writes in the order of their rows. One probe per row into a table
 * of row positions kept from batch to batch, where a linked map made, moved and dropped an entry per row (a tenth
 * of the writer's allocation on the schemaless paths). Used by one writer thread at a time.
 */
final class LastWrites {
    /** Row position + 1 per slot, 0 when free; a power of two at least twice the rows, reused while large enough. */
    private int[] slots = new int[64];

    /** The rows to write, in row order; the first delete of each deleted key goes to deletes, in row order. */
    List<SinkRow> fold(List<SinkRow> rows, List<SinkRow> deletes) {
        int n = rows.size();
        int mask = table(n);
        Object[] keys = new Object[n];
        boolean[] superseded = new boolean[n];
        Set<Object> deleted = null;
        for (int i = 0; i < n; i++) {
            SinkRow row = rows.get(i);
            Object key = row.key();
            keys[i] = key;
            int h = spread(key.hashCode()) & mask;
            while (true) {
                int at = slots[h] - 1;
                if (at < 0) {
                    break;
                }
                if (keys[at].equals(key)) {
                    superseded[at] = true; // a later write or delete of the same key replaces it
                    break;
                }
                h = (h + 1) & mask;
            }
            slots[h] = i + 1;
            if (row.delete()) {
                if (deleted == null) {
                    deleted = new HashSet<>();
                }
                if (deleted.add(key)) {
                    deletes.add(row);
                }
            }
        }
        List<SinkRow> writes = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            SinkRow row = rows.get(i);
            if (!superseded[i] && !row.delete()) {
                writes.add(row);
            }
        }
        return writes;
    }

    /** Clears a table of at least twice n slots (so probes stay short) and returns its mask. */
    private int table(int n) {
        int size = Integer.highestOneBit(Math.max(2, 2 * n - 1)) << 1;
        if (slots.length < size) {
            slots = new int[size];
        } else {
            Arrays.fill(slots, 0, size, 0);
        }
        return size - 1;
    }

    private static int spread(int h) {
        return h ^ (h >>> 16);
    }
}
