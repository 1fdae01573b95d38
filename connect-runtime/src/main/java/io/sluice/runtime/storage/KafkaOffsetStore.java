package io.sluice.runtime.storage;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Source offsets in a compacted topic, in Apache Kafka Connect's record format. Lookups go by the
 * serialized key, as Apache's do, so number types in partition maps do not matter; a partition whose fields
 * come in another order than stored (a {@code Map.of} in a new JVM, an offset typed over REST) is found through
 * its canonical key, the fields sorted, so it keeps one offset instead of starting over.
 */
public final class KafkaOffsetStore implements OffsetStore {

    private static final Logger log = LoggerFactory.getLogger(KafkaOffsetStore.class);
    /** Key field of the records that mark an offsets file as imported; not a connector offset key. */
    static final String IMPORT_MARKER_FIELD = "sluice.offset.file.import";

    private final StoreTopic topic;
    private final OffsetRecordFormat format = new OffsetRecordFormat();
    /** connector -> serialized key -> (partition, offset) */
    private final Map<String, Map<ByteBuffer, Map.Entry<Map<String, Object>, Map<String, Object>>>> offsets =
            new ConcurrentHashMap<>();
    private final Set<String> importedSources = ConcurrentHashMap.newKeySet();
    private final Set<ByteBuffer> keys = ConcurrentHashMap.newKeySet();
    /** canonical key (fields sorted) -> the serialized key stored for that partition */
    private final Map<ByteBuffer, ByteBuffer> storedKeys = new ConcurrentHashMap<>();

    public KafkaOffsetStore(Map<String, Object> clientConfig, String topic, int partitions, short replicationFactor) {
        this(clientConfig, null, new CompactedTopic(topic, partitions, replicationFactor), Duration.ofSeconds(30));
    }

    /**
     * A store on {@code topic}, checking it and looking up its end with {@code sharedAdmin}, the caller having created
     * it ({@link StoreTopic}); with null, creating it with admin clients of its own.
     */
    public KafkaOffsetStore(Map<String, Object> clientConfig, Supplier<Admin> sharedAdmin, CompactedTopic topic, Duration timeout) {
        this.topic = new StoreTopic(clientConfig, sharedAdmin, topic, timeout, this::apply, "sluice-offsets-reader");
    }

    @Override
    public void start() {
        if (topic.start(partitions -> { })) {
            log.info("Offset store read topic {}: offsets of {} connectors", topic.name(), offsets.size());
        }
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector, Set<Map<String, Object>> partitions) {
        Map<ByteBuffer, Map.Entry<Map<String, Object>, Map<String, Object>>> known = offsets.getOrDefault(connector, Map.of());
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>();
        for (Map<String, Object> partition : partitions) {
            Map.Entry<Map<String, Object>, Map<String, Object>> entry = known.get(ByteBuffer.wrap(format.key(connector, partition)));
            if (entry == null && !known.isEmpty()) {
                ByteBuffer stored = storedKeys.get(canonicalKey(connector, partition));
                entry = stored == null ? null : known.get(stored);
            }
            if (entry != null) {
                result.put(partition, entry.getValue());
            }
        }
        return result;
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>();
        for (Map.Entry<Map<String, Object>, Map<String, Object>> entry : offsets.getOrDefault(connector, Map.of()).values()) {
            result.put(entry.getKey(), entry.getValue());
        }
        return result;
    }

    @Override
    public void readToEnd() {
        topic.readToEnd();
    }

    /** Completes once Kafka acknowledged every write and the store has read them back. */
    @Override
    public CompletableFuture<Void> write(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        try {
            return writeRaw(records(connector, offsets));
        } catch (StoreException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    @Override
    public String transactionalTopic() {
        return topic.name();
    }

    @Override
    public List<Map.Entry<byte[], byte[]>> records(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        List<Map.Entry<byte[], byte[]>> records = new ArrayList<>(offsets.size());
        try {
            offsets.forEach((partition, offset) ->
                    records.add(new AbstractMap.SimpleEntry<>(storedKey(connector, partition), format.value(offset))));
        } catch (RuntimeException e) {
            throw new StoreException("Cannot serialize offsets of connector " + connector + ": " + e.getMessage(), e);
        }
        return records;
    }

    /**
     * The key a partition's offset goes under: the one already stored for an equal partition whose fields were
     * serialized in another order (an offset altered over REST with its fields in the order the user typed them),
     * so the partition keeps one offset and the connector's lookup finds the new one; else the partition's own.
     */
    private byte[] storedKey(String connector, Map<String, Object> partition) {
        byte[] key = format.key(connector, partition);
        if (keys.contains(ByteBuffer.wrap(key))) {
            return key;
        }
        ByteBuffer stored = storedKeys.get(canonicalKey(connector, partition));
        if (stored == null) {
            return key;
        }
        ByteBuffer existing = stored.duplicate();
        byte[] bytes = new byte[existing.remaining()];
        existing.get(bytes);
        return bytes;
    }

    /** The partition's key with the fields of every map in it sorted: equal for equal partitions in any order. */
    private ByteBuffer canonicalKey(String connector, Map<String, Object> partition) {
        return ByteBuffer.wrap(format.key(connector, sortedFields(partition)));
    }

    @SuppressWarnings("unchecked")
    private static <T> T sortedFields(T value) {
        if (value instanceof Map<?, ?> map) {
            java.util.TreeMap<String, Object> sorted = new java.util.TreeMap<>();
            map.forEach((k, v) -> sorted.put(String.valueOf(k), sortedFields(v)));
            return (T) sorted;
        }
        if (value instanceof List<?> list) {
            return (T) list.stream().map(KafkaOffsetStore::sortedFields).toList();
        }
        return value;
    }

    /** Writes already-serialized offset records; completes once acknowledged and read back. */
    CompletableFuture<Void> writeRaw(List<Map.Entry<byte[], byte[]>> records) {
        return topic.write(records);
    }

    /** Whether the topic holds a record under exactly this serialized key (a tombstone removes it). */
    boolean containsKey(byte[] key) {
        return keys.contains(ByteBuffer.wrap(key));
    }

    /** Whether an offsets file was already imported from source (an absolute path). */
    boolean imported(String source) {
        return importedSources.contains(source);
    }

    /** Records that source was imported, so it is never imported again. */
    void recordImport(String source, int entries) {
        byte[] key = format.anyKey(Map.of(IMPORT_MARKER_FIELD, source));
        byte[] value = format.anyKey(Map.of("entries", entries, "imported_at", System.currentTimeMillis()));
        topic.writeAndWait(List.of(new AbstractMap.SimpleEntry<>(key, value)), "record the import of " + source);
    }

    Duration timeout() {
        return topic.timeout();
    }

    @Override
    public void close() {
        topic.close();
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        OffsetRecordFormat.Key key = format.parseKey(record.key());
        if (key == null) {
            applyMarker(record);
            return;
        }
        ByteBuffer rawKey = ByteBuffer.wrap(record.key());
        Map<String, Object> offset = format.parseValue(record.value());
        Map<String, Object> partition = key.partition() == null ? Map.of() : key.partition();
        ByteBuffer canonical = canonicalKey(key.connector(), partition);
        if (offset == null) {
            keys.remove(rawKey);
            storedKeys.remove(canonical, rawKey);
            Map<ByteBuffer, ?> connectorOffsets = offsets.get(key.connector());
            if (connectorOffsets != null) {
                connectorOffsets.remove(rawKey);
            }
            return;
        }
        keys.add(rawKey);
        storedKeys.put(canonical, rawKey);
        offsets.computeIfAbsent(key.connector(), c -> new ConcurrentHashMap<>())
                .put(rawKey, new AbstractMap.SimpleImmutableEntry<>(partition, offset));
    }

    private void applyMarker(ConsumerRecord<byte[], byte[]> record) {
        Object parsed = record.key() == null ? null : format.parseAny(record.key());
        if (parsed instanceof Map<?, ?> map && map.get(IMPORT_MARKER_FIELD) instanceof String source) {
            if (record.value() == null) {
                importedSources.remove(source);
            } else {
                importedSources.add(source);
            }
            return;
        }
        log.warn("Ignoring a record in offset topic {} whose key is not a Connect offset key (partition {}, offset {})",
                record.topic(), record.partition(), record.offset());
    }
}
