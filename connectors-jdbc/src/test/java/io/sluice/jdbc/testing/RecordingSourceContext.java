package io.sluice.jdbc.testing;

import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/** A source task context for driving a task directly, with offsets kept in memory like a committed store. */
public final class RecordingSourceContext implements SourceTaskContext {
    public final Map<Map<String, ?>, Map<String, Object>> offsets = new HashMap<>();

    /** Records these records' offsets as committed. */
    public void commit(Collection<SourceRecord> records) {
        for (SourceRecord r : records) {
            @SuppressWarnings("unchecked")
            Map<String, Object> offset = (Map<String, Object>) r.sourceOffset();
            offsets.put(r.sourcePartition(), offset);
        }
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
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
                for (Map<String, T> p : partitions) {
                    result.put(p, offsets.get(p));
                }
                return result;
            }
        };
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return null;
    }
}
