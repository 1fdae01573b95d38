package io.sluice.jdbc.source;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.TableId;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.junit.jupiter.api.Test;

/** Partition and offset maps keep one key order, and offsets stored under any order are found. */
class OffsetKeysTest {

    /** Keyed by the map's text in iteration order, as the offsets topic is keyed by its serialized bytes. */
    private static final class OrderSensitiveStore implements OffsetStorageReader {
        final Map<String, Map<String, Object>> byKey = new HashMap<>();
        final List<Integer> lookups = new ArrayList<>();

        void put(Map<String, ?> partition, Map<String, Object> offset) {
            byKey.put(partition.toString(), offset);
        }

        @Override
        public <T> Map<String, Object> offset(Map<String, T> partition) {
            return byKey.get(partition.toString());
        }

        @Override
        public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
            lookups.add(partitions.size());
            Map<Map<String, T>, Map<String, Object>> found = new HashMap<>();
            partitions.forEach(p -> {
                if (byKey.containsKey(p.toString())) {
                    found.put(p, byKey.get(p.toString()));
                }
            });
            return found;
        }
    }

    private static Map<String, String> ordered(String... keyValues) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i < keyValues.length; i += 2) {
            map.put(keyValues[i], keyValues[i + 1]);
        }
        return map;
    }

    @Test
    void partitionsAndOffsetsAlwaysSerializeInConfluentsKeyOrder() {
        TableId table = new TableId("public", "orders");
        assertEquals("{protocol=1, table=public.orders}", OffsetKeys.partition(table, null).toString());
        assertEquals("{query=SELECT 1}", OffsetKeys.partition(null, "SELECT 1").toString());
        Instant at = Instant.parse("2024-01-02T03:04:05.123456789Z");
        assertEquals("{timestamp_nanos=123456789, incrementing=7, timestamp=" + at.toEpochMilli() + "}",
                OffsetKeys.offset(7L, at).toString());
        assertEquals("{incrementing=7}", OffsetKeys.offset(7L, null).toString());
        assertEquals(at, OffsetKeys.timestampOf(OffsetKeys.offset(null, at)), "nanoseconds survive the round trip");
    }

    @Test
    void anOffsetStoredUnderTheOldRandomKeyOrderIsFoundForTheCanonicalPartition() {
        OrderSensitiveStore store = new OrderSensitiveStore();
        store.put(ordered("table", "public.orders", "protocol", "1"), Map.of("incrementing", 41L));
        Map<String, String> partition = OffsetKeys.partition(new TableId("public", "orders"), null);

        Map<Map<String, String>, Map<String, Object>> found = OffsetKeys.stored(store, List.of(partition));

        assertEquals(Map.of("incrementing", 41L), found.get(partition));
        assertEquals(List.of(1, 1), store.lookups, "one look-up per key order, all partitions at once");
    }

    @Test
    void whenBothKeyOrdersWereStoredTheFurthestOffsetWins() {
        OrderSensitiveStore store = new OrderSensitiveStore();
        Map<String, String> partition = OffsetKeys.partition(new TableId("public", "t"), null);
        store.put(partition, Map.of("incrementing", 100L));
        store.put(ordered("table", "public.t", "protocol", "1"), Map.of("incrementing", 250L));
        assertEquals(250L, OffsetKeys.stored(store, List.of(partition)).get(partition).get("incrementing"));

        Map<String, String> tsPartition = OffsetKeys.partition(new TableId("public", "ts"), null);
        store.put(tsPartition, Map.of("timestamp", 2000L, "timestamp_nanos", 0L, "incrementing", 1L));
        store.put(ordered("table", "public.ts", "protocol", "1"),
                Map.of("timestamp", 1000L, "timestamp_nanos", 0L, "incrementing", 99L));
        assertEquals(2000L, OffsetKeys.stored(store, List.of(tsPartition)).get(tsPartition).get("timestamp"),
                "a later timestamp is further than a larger id at an earlier time");
    }

    @Test
    void everyKeyOrderIsTriedCanonicalFirst() {
        assertEquals(List.of(List.of("protocol", "table"), List.of("table", "protocol")),
                OffsetKeys.permutations(List.of("protocol", "table")));
        assertEquals(6, OffsetKeys.permutations(List.of("a", "b", "c")).size());
    }
}
