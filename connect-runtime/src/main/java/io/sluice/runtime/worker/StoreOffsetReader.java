package io.sluice.runtime.worker;

import io.sluice.runtime.storage.OffsetStore;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/** A source connector's or task's view of its committed offsets in the OffsetStore. */
final class StoreOffsetReader implements OffsetStorageReader {
    private final String connector;
    private final OffsetStore store;

    StoreOffsetReader(String connector, OffsetStore store) {
        this.connector = connector;
        this.store = store;
    }

    @Override
    public <T> Map<String, Object> offset(Map<String, T> partition) {
        return offsets(java.util.List.of(partition)).get(partition);
    }

    @Override
    @SuppressWarnings("unchecked")
    public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
        Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
        if (partitions == null || partitions.isEmpty()) {
            return result;
        }
        HashSet<Map<String, Object>> keys = new HashSet<>();
        for (Map<String, T> p : partitions) {
            keys.add((Map<String, Object>) p);
        }
        store.offsets(connector, keys).forEach((p, o) -> result.put((Map<String, T>) (Map<String, ?>) p, o));
        return result;
    }
}
