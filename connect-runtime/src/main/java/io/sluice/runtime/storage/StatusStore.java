package io.sluice.runtime.storage;

import io.sluice.runtime.model.ConnectorTaskId;
import java.util.Collection;
import java.util.Map;

/** Durable connector and task status, readable by every worker of the cluster. */
public interface StatusStore extends AutoCloseable {

    /** Reads the store to its end. */
    void start();

    void put(ConnectorStatus status);

    void put(TaskStatus status);

    /** Null when the connector has no status. */
    ConnectorStatus get(String connector);

    /** Null when the task has no status. */
    TaskStatus get(ConnectorTaskId task);

    Collection<TaskStatus> tasks(String connector);

    /**
     * Records that a connector used a topic (KIP-558). Asynchronous: it may run on a Kafka client's
     * I/O thread, so it must never wait for the write.
     */
    default void put(TopicStatus status) {
    }

    /** The topics the connector used since they were last reset; empty when none. */
    default Collection<TopicStatus> topics(String connector) {
        return java.util.List.of();
    }

    /** Forgets the topics the connector used, waiting until the store reflects it. */
    default void removeTopics(String connector) {
    }

    /**
     * Reads what other workers wrote if Kafka answers within a moment: a worker back from a long pause catches up
     * before it reports the tasks it stops, whose newer statuses another worker may have written meanwhile.
     */
    default void catchUp() {
    }

    /** Forgets a deleted connector and its tasks. */
    void remove(String connector);

    /**
     * Forgets the statuses of what is no longer configured: connectors not among {@code taskCounts} (connector to its
     * number of task configs), and tasks numbered at or past their connector's count. Waits until written.
     */
    void removeUnconfigured(Map<String, Integer> taskCounts);

    @Override
    void close();
}
