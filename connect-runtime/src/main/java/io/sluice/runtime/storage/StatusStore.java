package io.sluice.runtime.storage;

import java.util.Collection;

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

    /** Forgets a deleted connector and its tasks. */
    void remove(String connector);

    @Override
    void close();
}
