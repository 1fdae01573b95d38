package io.sluice.runtime.herder;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.storage.ClusterConfigState;
import io.sluice.runtime.storage.ConfigStore;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.StatusStore;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.worker.Worker;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * What the herder answers without changing anything: connectors, configs, task configs, status and
 * topics, read lock-free from store snapshots, in the REST API's shapes.
 */
final class ConnectorReads {
    private final String workerId;
    private final Worker worker;
    private final ConfigStore configStore;
    private final StatusStore statusStore;

    ConnectorReads(String workerId, Worker worker, ConfigStore configStore, StatusStore statusStore) {
        this.workerId = workerId;
        this.worker = worker;
        this.configStore = configStore;
        this.statusStore = statusStore;
    }

    /** The current snapshot, or a 404 when the connector does not exist. */
    ClusterConfigState existing(String name) {
        ClusterConfigState snapshot = configStore.snapshot();
        if (!snapshot.contains(name)) {
            throw HerderException.notFound(name);
        }
        return snapshot;
    }

    Collection<String> connectors() {
        return new TreeSet<>(configStore.snapshot().connectorConfigs().keySet());
    }

    Map<String, String> connectorConfig(String name) {
        return existing(name).connectorConfigs().get(name);
    }

    ConnectorInfo info(ClusterConfigState snapshot, String name) {
        List<ConnectorTaskId> tasks = new ArrayList<>();
        for (int i = 0; i < snapshot.taskConfigs(name).size(); i++) {
            tasks.add(new ConnectorTaskId(name, i));
        }
        return new ConnectorInfo(name, snapshot.connectorConfigs().get(name), tasks, type(snapshot, name));
    }

    ConnectorStateInfo connectorStatus(String name) {
        ClusterConfigState snapshot = existing(name);
        ConnectorStatus status = statusStore.get(name);
        ConnectorStateInfo.ConnectorState connector = status == null
                ? new ConnectorStateInfo.ConnectorState(State.UNASSIGNED.name(), workerId, null, null)
                : new ConnectorStateInfo.ConnectorState(status.state().name(), status.workerId(), status.trace(),
                        status.version());
        List<ConnectorStateInfo.TaskState> tasks = new ArrayList<>();
        for (int i = 0; i < snapshot.taskConfigs(name).size(); i++) {
            tasks.add(taskState(new ConnectorTaskId(name, i)));
        }
        return new ConnectorStateInfo(name, connector, tasks, type(snapshot, name));
    }

    ConnectorStateInfo.TaskState taskStatus(ConnectorTaskId id) {
        ClusterConfigState snapshot = existing(id.connector());
        if (id.task() < 0 || id.task() >= snapshot.taskConfigs(id.connector()).size()) {
            throw HerderException.taskNotFound(id.connector(), id.task());
        }
        return taskState(id);
    }

    private ConnectorStateInfo.TaskState taskState(ConnectorTaskId id) {
        TaskStatus status = statusStore.get(id);
        return status == null
                ? new ConnectorStateInfo.TaskState(id.task(), State.UNASSIGNED.name(), workerId, null, null)
                : new ConnectorStateInfo.TaskState(id.task(), status.state().name(), status.workerId(), status.trace(),
                        status.version());
    }

    List<TaskInfo> taskConfigs(String name) {
        List<Map<String, String>> configs = existing(name).taskConfigs(name);
        List<TaskInfo> tasks = new ArrayList<>(configs.size());
        for (int i = 0; i < configs.size(); i++) {
            tasks.add(new TaskInfo(new ConnectorTaskId(name, i), configs.get(i)));
        }
        return tasks;
    }

    Map<ConnectorTaskId, Map<String, String>> tasksConfig(String name) {
        Map<ConnectorTaskId, Map<String, String>> result = new LinkedHashMap<>();
        for (TaskInfo task : taskConfigs(name)) {
            result.put(task.id(), task.config());
        }
        return result;
    }

    Collection<String> activeTopics(String name) {
        existing(name);
        TreeSet<String> topics = new TreeSet<>();
        statusStore.topics(name).forEach(t -> topics.add(t.topic()));
        return topics;
    }

    /** "source", "sink" or "unknown": never null, as clients rely on it. */
    private String type(ClusterConfigState snapshot, String name) {
        return worker.connectorType(snapshot.connectorConfigs().get(name));
    }
}
