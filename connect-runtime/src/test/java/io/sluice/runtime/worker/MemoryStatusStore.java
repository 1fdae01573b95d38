package io.sluice.runtime.worker;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.TaskStatus;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A StatusStore in memory that keeps the history of task states, for worker tests. */
public final class MemoryStatusStore implements StatusStore {
    private final Map<String, ConnectorStatus> connectors = new ConcurrentHashMap<>();
    private final Map<ConnectorTaskId, TaskStatus> tasks = new ConcurrentHashMap<>();
    public final List<TaskStatus> taskHistory = new CopyOnWriteArrayList<>();

    @Override
    public void start() {
    }

    @Override
    public void put(ConnectorStatus status) {
        connectors.put(status.connector(), status);
    }

    @Override
    public void put(TaskStatus status) {
        tasks.put(status.id(), status);
        taskHistory.add(status);
    }

    @Override
    public ConnectorStatus get(String connector) {
        return connectors.get(connector);
    }

    @Override
    public TaskStatus get(ConnectorTaskId task) {
        return tasks.get(task);
    }

    public State state(ConnectorTaskId task) {
        TaskStatus s = tasks.get(task);
        return s == null ? null : s.state();
    }

    public State state(String connector) {
        ConnectorStatus s = connectors.get(connector);
        return s == null ? null : s.state();
    }

    @Override
    public Collection<TaskStatus> tasks(String connector) {
        return tasks.values().stream().filter(t -> t.id().connector().equals(connector)).toList();
    }

    @Override
    public void remove(String connector) {
        connectors.remove(connector);
        tasks.keySet().removeIf(id -> id.connector().equals(connector));
    }

    @Override
    public void removeUnconfigured(Map<String, Integer> taskCounts) {
        connectors.keySet().removeIf(connector -> !taskCounts.containsKey(connector));
        tasks.keySet().removeIf(id -> id.task() >= taskCounts.getOrDefault(id.connector(), 0));
    }

    @Override
    public void close() {
    }
}
