package io.sluice.runtime.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * A SinkTaskContext that records what the task asked for, for unit tests of a task without a worker; a tolerant one
 * also offers an errant record reporter (as a worker does with errors.tolerance=all) that records what it was given.
 */
public final class StubSinkContext implements SinkTaskContext {
    public final Set<TopicPartition> assignment = new HashSet<>();
    public final Set<TopicPartition> paused = new HashSet<>();
    public final Map<TopicPartition, Long> seeks = new HashMap<>();
    /** Records reported as errant, and why, in order (a task may report from its own threads). */
    public final List<SinkRecord> errant = Collections.synchronizedList(new ArrayList<>());
    public final List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
    private final boolean tolerant;

    /** A context without an errant record reporter, as under errors.tolerance=none. */
    public StubSinkContext() {
        this(false);
    }

    public StubSinkContext(boolean tolerant) {
        this.tolerant = tolerant;
    }

    @Override
    public Map<String, String> configs() {
        return Map.of();
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        seeks.putAll(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        seeks.put(tp, offset);
    }

    @Override
    public void timeout(long timeoutMs) {
    }

    @Override
    public Set<TopicPartition> assignment() {
        return assignment;
    }

    @Override
    public void pause(TopicPartition... partitions) {
        paused.addAll(Set.of(partitions));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        Set.of(partitions).forEach(paused::remove);
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
