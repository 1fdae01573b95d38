package io.sluice.runtime.worker;

import io.sluice.runtime.storage.OffsetStore;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/** An OffsetStore in memory that remembers every write, for worker tests (records still go through real Kafka). */
public final class MemoryOffsetStore implements OffsetStore {
    final Map<String, Map<Map<String, Object>, Map<String, Object>>> offsets = new ConcurrentHashMap<>();
    final List<Map<Map<String, Object>, Map<String, Object>>> writes = new CopyOnWriteArrayList<>();
    volatile Consumer<Map<Map<String, Object>, Map<String, Object>>> onWrite = w -> { };

    @Override
    public void start() {
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector, Set<Map<String, Object>> partitions) {
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>(offsets(connector));
        result.keySet().retainAll(partitions);
        return result;
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
        return Map.copyOf(offsets.getOrDefault(connector, Map.of()));
    }

    @Override
    public CompletableFuture<Void> write(String connector, Map<Map<String, Object>, Map<String, Object>> written) {
        onWrite.accept(written);
        offsets.computeIfAbsent(connector, c -> new ConcurrentHashMap<>()).putAll(written);
        writes.add(Map.copyOf(written));
        return CompletableFuture.completedFuture(null);
    }

    /** Offsets taken into a producer's transaction land on this topic, as their partition's and offset's text. */
    @Override
    public String transactionalTopic() {
        return "memory-offsets";
    }

    @Override
    public List<Map.Entry<byte[], byte[]>> records(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        return offsets.entrySet().stream().map(e -> Map.entry(e.getKey().toString().getBytes(StandardCharsets.UTF_8),
                e.getValue().toString().getBytes(StandardCharsets.UTF_8))).toList();
    }

    @Override
    public void transactionCommitted(String connector, Map<Map<String, Object>, Map<String, Object>> committed) {
        offsets.computeIfAbsent(connector, c -> new ConcurrentHashMap<>()).putAll(committed);
        writes.add(Map.copyOf(committed));
    }

    @Override
    public void close() {
    }
}
