package io.sluice.jdbc.source;

import io.sluice.jdbc.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * The source's partition and offset maps, always built in one canonical key order: the offsets
 * topic is keyed by the serialized partition map, so a key order that changed between JVMs (as
 * {@code Map.of} does) would hide every stored offset. The order is the one Confluent's JDBC source
 * writes (its HashMaps iterate so), which makes the records byte-identical to Confluent's:
 * partition {@code {"protocol":"1","table":"schema.table"}} or {@code {"query":"..."}}, offset
 * {@code {"timestamp_nanos":ns,"incrementing":n,"timestamp":ms}} (keys of the mode only).
 * Offsets stored under any other order of the same keys are found too (see {@link #stored}).
 */
final class OffsetKeys {
    static final String PROTOCOL = "protocol";
    static final String TABLE = "table";
    static final String QUERY = "query";
    static final String INCREMENTING = "incrementing";
    static final String TIMESTAMP = "timestamp";
    static final String TIMESTAMP_NANOS = "timestamp_nanos";
    private static final String PROTOCOL_VERSION = "1";

    /** The furthest offset first: a later timestamp, then a larger incrementing value. */
    private static final Comparator<Map<String, Object>> FURTHEST_FIRST = Comparator
            .comparing((Map<String, Object> o) -> timestampOf(o), Comparator.nullsFirst(Comparator.naturalOrder()))
            .thenComparing(o -> longOf(o, INCREMENTING), Comparator.nullsFirst(Comparator.naturalOrder()))
            .reversed();

    private OffsetKeys() {
    }

    /** The partition of a table ({@code table} null: of the custom query). */
    static Map<String, String> partition(TableId table, String query) {
        if (table == null) {
            return Map.of(QUERY, query);
        }
        Map<String, String> partition = new LinkedHashMap<>(4);
        partition.put(PROTOCOL, PROTOCOL_VERSION);
        partition.put(TABLE, table.toString());
        return partition;
    }

    /** An offset with the given parts (null parts are left out), in the canonical order. */
    static Map<String, Object> offset(Long incrementing, Instant timestamp) {
        if (timestamp == null) {
            return incrementing == null ? Map.of() : Map.of(INCREMENTING, incrementing);
        }
        Map<String, Object> offset = new LinkedHashMap<>(4);
        offset.put(TIMESTAMP_NANOS, (long) timestamp.getNano());
        if (incrementing != null) {
            offset.put(INCREMENTING, incrementing);
        }
        offset.put(TIMESTAMP, timestamp.toEpochMilli());
        return offset;
    }

    /** The stored offset's incrementing value, or null. */
    static Long incrementingOf(Map<String, Object> offset) {
        return longOf(offset, INCREMENTING);
    }

    /** The stored offset's timestamp with its nanoseconds, or null. */
    static Instant timestampOf(Map<String, Object> offset) {
        Long ms = longOf(offset, TIMESTAMP);
        if (ms == null) {
            return null;
        }
        Instant at = Instant.ofEpochMilli(ms);
        Long nanos = longOf(offset, TIMESTAMP_NANOS);
        return nanos == null ? at : Instant.ofEpochSecond(at.getEpochSecond(), nanos);
    }

    private static Long longOf(Map<String, Object> offset, String key) {
        return offset != null && offset.get(key) instanceof Number n ? n.longValue() : null;
    }

    /**
     * The stored offsets of these (canonical) partitions, looked up under every order of their keys:
     * earlier versions wrote a random order per JVM, so one partition may have several stored keys.
     * The furthest of them wins, since each was written after the rows before it were sent.
     */
    static Map<Map<String, String>, Map<String, Object>> stored(OffsetStorageReader reader,
                                                                 Collection<Map<String, String>> partitions) {
        Map<Map<String, String>, Map<String, Object>> result = new HashMap<>();
        if (partitions.isEmpty()) {
            return result;
        }
        // one look-up per key order: maps that differ only in order are equal, so one call cannot ask for both
        List<String> keys = new ArrayList<>(partitions.iterator().next().keySet());
        for (List<String> order : permutations(keys)) {
            List<Map<String, String>> reordered = new ArrayList<>(partitions.size());
            for (Map<String, String> partition : partitions) {
                reordered.add(reorder(partition, order));
            }
            Map<Map<String, String>, Map<String, Object>> found = reader.offsets(reordered);
            if (found == null) {
                continue;
            }
            for (Map<String, String> partition : partitions) {
                Map<String, Object> offset = found.get(partition);
                if (offset != null) {
                    result.merge(partition, offset, (a, b) -> FURTHEST_FIRST.compare(a, b) <= 0 ? a : b);
                }
            }
        }
        return result;
    }

    private static Map<String, String> reorder(Map<String, String> partition, List<String> order) {
        Map<String, String> reordered = new LinkedHashMap<>(4);
        for (String key : order) {
            reordered.put(key, partition.get(key));
        }
        return reordered;
    }

    /** Every order of the keys, the given (canonical) one first; partitions have one or two keys. */
    static List<List<String>> permutations(List<String> keys) {
        List<List<String>> all = new ArrayList<>();
        if (keys.size() <= 1) {
            all.add(keys);
            return all;
        }
        for (int i = 0; i < keys.size(); i++) {
            List<String> rest = new ArrayList<>(keys);
            String first = rest.remove(i);
            for (List<String> tail : permutations(rest)) {
                List<String> order = new ArrayList<>(keys.size());
                order.add(first);
                order.addAll(tail);
                all.add(order);
            }
        }
        return all;
    }
}
