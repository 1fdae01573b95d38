package io.sluice.runtime.worker;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.OptionalLong;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Where each of a sink task's partitions stands: the offset after the last record put (what preCommit is offered)
 * and the last offset committed, which is also where a failed preCommit rewinds to. A rewind the task asked for
 * moves both, as in Apache: the task said what it holds. Only offsets a preCommit returned, for partitions it was
 * offered and no further than what was put, are ever committed. Used on the task's thread only.
 */
final class SinkTaskPositions {
    private static final Logger log = LoggerFactory.getLogger(SinkTaskPositions.class);

    private final Object owner;
    private final Map<TopicPartition, OffsetAndMetadata> put = new HashMap<>();
    private final Map<TopicPartition, OffsetAndMetadata> committed = new HashMap<>();

    /** owner names the task in log lines. */
    SinkTaskPositions(Object owner) {
        this.owner = owner;
    }

    /** A partition was assigned at position (its committed offset) or the task rewound it there. */
    void resetTo(TopicPartition tp, long position) {
        OffsetAndMetadata at = new OffsetAndMetadata(position);
        put.put(tp, at);
        committed.put(tp, at);
    }

    /** put() took records up to (not including) these offsets. */
    void put(Map<TopicPartition, OffsetAndMetadata> next) {
        put.putAll(next);
    }

    void forget(Collection<TopicPartition> tps) {
        put.keySet().removeAll(tps);
        committed.keySet().removeAll(tps);
    }

    int partitionCount() {
        return put.size();
    }

    /** The offset after the last record put, or null for a partition not assigned. */
    OffsetAndMetadata put(TopicPartition tp) {
        return put.get(tp);
    }

    /** The last offset committed (or reset to), or null for a partition not assigned. */
    OffsetAndMetadata committed(TopicPartition tp) {
        return committed.get(tp);
    }

    /** What preCommit is offered: the put offsets of the partitions in scope (null: every partition). */
    Map<TopicPartition, OffsetAndMetadata> offered(Collection<TopicPartition> scope) {
        Map<TopicPartition, OffsetAndMetadata> offered = new HashMap<>(put);
        if (scope != null) {
            offered.keySet().retainAll(scope);
        }
        return offered;
    }

    /**
     * Of what preCommit returned, the offsets to commit: of offered partitions, changed since the last commit,
     * and no further than what was put (as Apache, which ignores offsets of records "not yet consumed").
     */
    Map<TopicPartition, OffsetAndMetadata> committable(Map<TopicPartition, OffsetAndMetadata> fromTask,
                                                       Map<TopicPartition, OffsetAndMetadata> offered) {
        Map<TopicPartition, OffsetAndMetadata> result = new HashMap<>();
        fromTask.forEach((tp, o) -> {
            OffsetAndMetadata limit = offered.get(tp);
            if (o == null || limit == null || o.equals(committed.get(tp))) {
                return; // not offered (not assigned, or out of scope), or nothing new
            }
            if (o.offset() > limit.offset()) {
                log.warn("{} ignoring offset {} preCommit returned for {}: only records before {} were put",
                        owner, o.offset(), tp, limit.offset());
                return;
            }
            result.put(tp, o);
        });
        return result;
    }

    void committed(Map<TopicPartition, OffsetAndMetadata> offsets) {
        committed.putAll(offsets);
    }

    /** How far put() is behind each partition's end. */
    record Lag(Map<String, Long> behind, boolean settled) {
    }

    /**
     * The lag of every assigned partition, from the consumer's fetch state (no request). Unsettled while a
     * partition's end or position is not known yet, or it is behind.
     */
    Lag lag(Consumer<?, ?> consumer) {
        boolean settled = true;
        Map<String, Long> behind = new HashMap<>();
        for (TopicPartition tp : consumer.assignment()) {
            OffsetAndMetadata delivered = put.get(tp);
            if (delivered == null) {
                continue;
            }
            OptionalLong behindPosition = consumer.currentLag(tp);
            if (behindPosition.isEmpty()) {
                settled = false;
                continue;
            }
            try {
                long end = consumer.position(tp, Duration.ZERO) + behindPosition.getAsLong();
                long n = Math.max(0, end - delivered.offset());
                behind.put(tp.topic() + "-" + tp.partition(), n);
                settled &= n == 0;
            } catch (RuntimeException positionUnknown) {
                settled = false; // no position yet: the partition shows up at the next sample
            }
        }
        return new Lag(behind, settled);
    }

    /** The last committed offset of each partition, e.g. {orders-0=8000}. */
    @Override
    public String toString() {
        Map<String, Long> offsets = new java.util.TreeMap<>();
        committed.forEach((tp, o) -> offsets.put(tp.toString(), o.offset()));
        return offsets.toString();
    }
}
