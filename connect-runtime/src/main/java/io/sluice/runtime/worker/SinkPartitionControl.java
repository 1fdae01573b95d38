package io.sluice.runtime.worker;

import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Which of a sink task's partitions the consumer fetches: three reasons to pause overlap (the connector is
 * PAUSED, put() asked for a redelivery, the task paused partitions through its context) and resuming must
 * lift only the reasons that ended; seeks the task asked for wait here until the task thread applies them:
 * right after open() (inside the rebalance callback, before the poll that assigned the partitions returns any
 * record), and otherwise before the next poll. Used on the task's thread only.
 */
final class SinkPartitionControl {
    private final Supplier<Consumer<byte[], byte[]>> consumer;
    private final BooleanSupplier connectorPaused;
    private final Set<TopicPartition> pausedByTask = new HashSet<>();
    private final Map<TopicPartition, Long> seeks = new HashMap<>();
    private boolean pausedForRedelivery;

    SinkPartitionControl(Supplier<Consumer<byte[], byte[]>> consumer, BooleanSupplier connectorPaused) {
        this.consumer = consumer;
        this.connectorPaused = connectorPaused;
    }

    boolean pausedForRedelivery() {
        return pausedForRedelivery;
    }

    /** put() asked for a retry: nothing new is fetched until the same records went through. */
    void pauseForRedelivery() {
        pausedForRedelivery = true;
        apply(true);
    }

    /** A put() succeeded: ends a redelivery pause, if one was on. */
    void endRedelivery() {
        if (pausedForRedelivery) {
            pausedForRedelivery = false;
            apply(false);
        }
    }

    /** Pauses every assigned partition, or resumes those the task did not pause itself. */
    void apply(boolean pauseAll) {
        Consumer<byte[], byte[]> c = consumer.get();
        Set<TopicPartition> assigned = c.assignment();
        if (pauseAll || connectorPaused.getAsBoolean()) {
            c.pause(assigned);
            return;
        }
        Set<TopicPartition> resume = new HashSet<>(assigned);
        resume.removeAll(pausedByTask);
        c.resume(resume);
    }

    /** Newly assigned partitions start paused if a pause is on, or if the task paused them before. */
    void onAssigned(Collection<TopicPartition> partitions) {
        if (connectorPaused.getAsBoolean() || pausedForRedelivery) {
            consumer.get().pause(partitions);
        } else {
            Set<TopicPartition> own = new HashSet<>(partitions);
            own.retainAll(pausedByTask);
            consumer.get().pause(own);
        }
    }

    /** SinkTaskContext.pause. */
    void pause(Set<TopicPartition> partitions) {
        pausedByTask.addAll(partitions);
        if (!connectorPaused.getAsBoolean()) {
            consumer.get().pause(partitions);
        }
    }

    /** SinkTaskContext.resume: fetching starts again unless another pause still holds. */
    void resume(Set<TopicPartition> partitions) {
        pausedByTask.removeAll(partitions);
        if (!connectorPaused.getAsBoolean() && !pausedForRedelivery) {
            consumer.get().resume(partitions);
        }
    }

    /** SinkTaskContext.assignment. */
    Set<TopicPartition> assignment() {
        Consumer<byte[], byte[]> c = consumer.get();
        return c == null ? Set.of() : Set.copyOf(c.assignment());
    }

    /** SinkTaskContext.offset: applied after open() returns, or else before the next poll. */
    void requestSeek(Map<TopicPartition, Long> offsets) {
        seeks.putAll(offsets);
    }

    /** Seeks the consumer as the task asked, for partitions still assigned, telling onSeek of each. */
    void applySeeks(BiConsumer<TopicPartition, Long> onSeek) {
        if (seeks.isEmpty()) {
            return;
        }
        Consumer<byte[], byte[]> c = consumer.get();
        Set<TopicPartition> assigned = c.assignment();
        for (Map.Entry<TopicPartition, Long> e : seeks.entrySet()) {
            if (assigned.contains(e.getKey())) {
                c.seek(e.getKey(), e.getValue());
                onSeek.accept(e.getKey(), e.getValue());
            }
        }
        seeks.clear();
    }

    /** Partitions revoked or lost: what the task asked for them no longer applies. */
    void forget(Collection<TopicPartition> partitions) {
        pausedByTask.removeAll(partitions);
        seeks.keySet().removeAll(partitions);
    }
}
