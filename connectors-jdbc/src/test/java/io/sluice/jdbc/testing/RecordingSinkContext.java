package io.sluice.jdbc.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/** A sink task context for driving a task directly: records errant records and requested timeouts. */
public final class RecordingSinkContext implements SinkTaskContext {
    public final List<SinkRecord> errant = Collections.synchronizedList(new ArrayList<>());
    public final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final boolean tolerant;

    public RecordingSinkContext(boolean tolerant) {
        this.tolerant = tolerant;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
    }

    @Override
    public void timeout(long timeoutMs) {
    }

    @Override
    public Set<TopicPartition> assignment() {
        return Set.of();
    }

    @Override
    public void pause(TopicPartition... partitions) {
    }

    @Override
    public void resume(TopicPartition... partitions) {
    }

    @Override
    public void requestCommit() {
    }

    @Override
    public org.apache.kafka.common.metrics.PluginMetrics pluginMetrics() {
        return null;
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        if (!tolerant) {
            return null;
        }
        return (record, error) -> {
            errant.add(record);
            errors.add(error);
            return CompletableFuture.completedFuture(null);
        };
    }
}
