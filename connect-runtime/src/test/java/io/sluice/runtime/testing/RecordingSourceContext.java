package io.sluice.runtime.testing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * A source task context for driving a task directly in a unit test: the task's configs, and offsets kept in
 * memory as a committed store would hold them (a test sets them as PATCH /connectors/{name}/offsets would).
 */
public final class RecordingSourceContext implements SourceTaskContext {
    /** Committed offset per source partition; tests read, set and clear it. */
    public final Map<Map<String, ?>, Map<String, Object>> offsets;
    private final Map<String, String> configs;

    /** A context with no task configs and no offsets yet. */
    public RecordingSourceContext() {
        this(Map.of(), new HashMap<>());
    }

    /**
     * A context whose configs() answers configs, over the offsets store offsets: a test that restarts a task
     * hands the next one's context the same store, as a worker's restarted task reads what was committed.
     */
    public RecordingSourceContext(Map<String, String> configs, Map<Map<String, ?>, Map<String, Object>> offsets) {
        this.configs = configs;
        this.offsets = offsets;
    }

    /** Records these records' offsets as committed, as the worker does once Kafka acknowledged them. */
    public void commit(Collection<SourceRecord> records) {
        for (SourceRecord r : records) {
            offsets.put(r.sourcePartition(), new HashMap<>(r.sourceOffset()));
        }
    }

    @Override
    public Map<String, String> configs() {
        return configs;
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
        return new OffsetStorageReader() {
            @Override
            public <T> Map<String, Object> offset(Map<String, T> partition) {
                return offsets.get(partition);
            }

            @Override
            public <T> Map<Map<String, T>, Map<String, Object>> offsets(Collection<Map<String, T>> partitions) {
                Map<Map<String, T>, Map<String, Object>> result = new HashMap<>();
                partitions.forEach(p -> result.put(p, offsets.get(p)));
                return result;
            }
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null; // a task driven directly has no worker to register its metrics with
    }
}
