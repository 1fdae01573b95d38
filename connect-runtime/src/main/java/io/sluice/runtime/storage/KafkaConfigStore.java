package io.sluice.runtime.storage;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connector configs, target states and task configs in a single-partition compacted topic, in
 * Apache Kafka Connect's record format ({@link ConfigRecordFormat}), with Apache's session keys,
 * restart requests and cluster log levels. A set of task configs becomes visible only when its
 * commit record is read, so readers never see half of a set.
 */
public final class KafkaConfigStore implements ConfigStore {

    private static final Logger log = LoggerFactory.getLogger(KafkaConfigStore.class);
    /** The config topic's max.message.bytes and its producer's max.request.size: the largest config and its key. */
    static final int TOPIC_MAX_MESSAGE_BYTES = MAX_CONFIG_BYTES + 1024 * 1024;

    private final StoreTopic topic;
    private final Object lock = new Object();
    // all guarded by lock; written only by the reader thread
    private final Map<String, Map<String, String>> connectorConfigs = new HashMap<>();
    private final Map<String, TargetState> targetStates = new HashMap<>();
    private final Map<String, List<Map<String, String>>> taskConfigs = new HashMap<>();
    /** The connector config in place when each connector's task configs were committed. */
    private final Map<String, Map<String, String>> committedUnder = new HashMap<>();
    private final Map<String, Map<Integer, Map<String, String>>> uncommittedTasks = new HashMap<>();
    private long offset = -1;
    private SessionKey sessionKey;
    /** The snapshot of the state above, or null when a record changed it since it was built. */
    private volatile ClusterConfigState snapshot;
    private volatile Listener listener;

    /** partitions is normally 1; Apache Kafka Connect refuses config topics with more. */
    public KafkaConfigStore(Map<String, Object> clientConfig, String topic, int partitions, short replicationFactor) {
        this(clientConfig, null, new CompactedTopic(topic, partitions, replicationFactor, TOPIC_MAX_MESSAGE_BYTES),
                Duration.ofSeconds(30));
    }

    /**
     * A store on {@code topic}, checking it and looking up its end with {@code sharedAdmin}, the caller having created
     * it ({@link StoreTopic}); with null, creating it with admin clients of its own.
     */
    public KafkaConfigStore(Map<String, Object> clientConfig, Supplier<Admin> sharedAdmin, CompactedTopic topic, Duration timeout) {
        this.topic = new StoreTopic(clientConfig, sharedAdmin, topic, timeout, this::apply, "sluice-config-reader");
    }

    @Override
    public void start() {
        boolean started = topic.start(partitions -> {
            if (partitions != 1) {
                throw new StoreException("Config topic " + topic.name() + " has " + partitions + " partitions; it must "
                        + "have exactly one so every worker reads config changes in the same order. Use another topic name.");
            }
        });
        if (started) {
            log.info("Config store read topic {}: {} connectors", topic.name(), snapshot().connectorConfigs().size());
        }
    }

    @Override
    public void setListener(Listener listener) {
        this.listener = listener;
    }

    /**
     * The state as of the last record read. Built once per change and shared: reads (REST status of a thousand
     * connectors, each looking up its config) cost nothing, however often they come.
     */
    @Override
    public ClusterConfigState snapshot() {
        ClusterConfigState current = snapshot;
        if (current != null) {
            return current;
        }
        synchronized (lock) {
            if (snapshot == null) {
                Map<String, TargetState> states = new HashMap<>();
                Map<String, List<Map<String, String>>> tasks = new HashMap<>();
                Map<String, Map<String, String>> under = new HashMap<>();
                for (String connector : connectorConfigs.keySet()) {
                    TargetState state = targetStates.get(connector);
                    if (state != null) {
                        states.put(connector, state);
                    }
                    List<Map<String, String>> committed = taskConfigs.get(connector);
                    if (committed != null) {
                        tasks.put(connector, committed);
                    }
                    Map<String, String> config = committedUnder.get(connector);
                    if (config != null) {
                        under.put(connector, config);
                    }
                }
                snapshot = new ClusterConfigState(offset, Map.copyOf(connectorConfigs), Map.copyOf(states),
                        Map.copyOf(tasks), Map.copyOf(under));
            }
            return snapshot;
        }
    }

    @Override
    public SessionKey sessionKey() {
        synchronized (lock) {
            return sessionKey;
        }
    }

    @Override
    public void putSessionKey(SessionKey key) {
        write(List.of(entry(ConfigRecordFormat.SESSION_KEY.getBytes(StandardCharsets.UTF_8),
                ConfigRecordFormat.sessionKey(key))), "write a new session key");
    }

    @Override
    public void readToEnd() {
        topic.readToEnd();
    }

    @Override
    public void readToEnd(long sinceNanos) {
        topic.readToEnd(sinceNanos);
    }

    @Override
    public boolean catchUp() {
        return topic.catchUp();
    }

    @Override
    public void putConnectorConfig(String connector, Map<String, String> config, TargetState targetState) {
        List<Map.Entry<byte[], byte[]>> records = new ArrayList<>();
        if (targetState != null) {
            records.add(entry(ConfigRecordFormat.key(ConfigRecordFormat.TARGET_STATE_PREFIX, connector),
                    ConfigRecordFormat.targetState(targetState)));
        }
        records.add(entry(ConfigRecordFormat.key(ConfigRecordFormat.CONNECTOR_PREFIX, connector),
                ConfigRecordFormat.properties(config)));
        write(records, "write the config of connector " + connector);
    }

    @Override
    public void removeConnectorConfig(String connector) {
        write(List.of(
                entry(ConfigRecordFormat.key(ConfigRecordFormat.CONNECTOR_PREFIX, connector), null),
                entry(ConfigRecordFormat.key(ConfigRecordFormat.TARGET_STATE_PREFIX, connector), null)),
                "remove connector " + connector);
    }

    @Override
    public void putTargetState(String connector, TargetState state) {
        write(List.of(entry(ConfigRecordFormat.key(ConfigRecordFormat.TARGET_STATE_PREFIX, connector),
                ConfigRecordFormat.targetState(state))), "write the target state of connector " + connector);
    }

    @Override
    public CompletableFuture<Void> putTaskConfigs(String connector, List<Map<String, String>> configs) {
        List<Map.Entry<byte[], byte[]>> records = new ArrayList<>();
        for (int task = 0; task < configs.size(); task++) {
            records.add(entry(ConfigRecordFormat.taskKey(new ConnectorTaskId(connector, task)),
                    ConfigRecordFormat.properties(configs.get(task))));
        }
        records.add(entry(ConfigRecordFormat.key(ConfigRecordFormat.COMMIT_PREFIX, connector),
                ConfigRecordFormat.commit(configs.size())));
        return topic.writeLater(records, "write the task configs of connector " + connector);
    }

    @Override
    public void putRestartRequest(RestartRequest request) {
        write(List.of(entry(ConfigRecordFormat.key(ConfigRecordFormat.RESTART_PREFIX, request.connector()),
                ConfigRecordFormat.restartRequest(request.includeTasks(), request.onlyFailed()))),
                "request a restart of connector " + request.connector());
    }

    @Override
    public void putLoggerLevel(String namespace, String level) {
        write(List.of(entry(ConfigRecordFormat.key(ConfigRecordFormat.LOGGER_PREFIX, namespace),
                ConfigRecordFormat.loggerLevel(level))), "set the cluster's log level of " + namespace);
    }

    @Override
    public void close() {
        topic.close();
    }

    private void write(List<Map.Entry<byte[], byte[]>> records, String what) {
        topic.writeAndWait(records, what);
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        byte[] value = record.value();
        if (value != null && !ConfigRecordFormat.isJson(value)) {
            // as Apache's workers: such a record does not count towards the config position they join with
            log.error("Skipping config record {} at offset {}: its value is not JSON", key, record.offset());
            return;
        }
        Consumer<Listener> event = null;
        synchronized (lock) {
            offset = record.offset();
            snapshot = null;
            if (key.startsWith(ConfigRecordFormat.CONNECTOR_PREFIX)) {
                event = applyConnector(key.substring(ConfigRecordFormat.CONNECTOR_PREFIX.length()), value);
            } else if (key.startsWith(ConfigRecordFormat.TARGET_STATE_PREFIX)) {
                event = applyTargetState(key.substring(ConfigRecordFormat.TARGET_STATE_PREFIX.length()), value);
            } else if (key.startsWith(ConfigRecordFormat.TASK_PREFIX)) {
                applyTask(key, value);
            } else if (key.equals(ConfigRecordFormat.SESSION_KEY)) {
                event = applySessionKey(value);
            } else if (key.startsWith(ConfigRecordFormat.RESTART_PREFIX)) {
                event = applyRestart(key.substring(ConfigRecordFormat.RESTART_PREFIX.length()), value);
            } else if (key.startsWith(ConfigRecordFormat.COMMIT_PREFIX)) {
                event = applyCommit(key.substring(ConfigRecordFormat.COMMIT_PREFIX.length()), value);
            } else if (key.startsWith(ConfigRecordFormat.LOGGER_PREFIX)) {
                event = applyLoggerLevel(key.substring(ConfigRecordFormat.LOGGER_PREFIX.length()), value);
            } else if (key.startsWith(ConfigRecordFormat.TASK_COUNT_PREFIX)) {
                // an Apache leader fenced the connector's zombie tasks (exactly-once source); Sluice fences each
                // task's producer through its transactional id instead, so the count is only checked and logged
                log.debug("Apache fenced the tasks of connector {} ({} task(s))",
                        key.substring(ConfigRecordFormat.TASK_COUNT_PREFIX.length()),
                        value == null ? "none" : ConfigRecordFormat.parseTaskCount(value));
            } else {
                log.warn("Ignoring config record with unknown key {}", key);
            }
        }
        Listener current = listener;
        if (event != null && current != null && topic.started()) {
            try {
                event.accept(current);
            } catch (RuntimeException e) {
                log.error("Config store listener failed on record {}", key, e);
            }
        }
    }

    private Consumer<Listener> applyConnector(String connector, byte[] value) {
        if (value == null) {
            boolean existed = connectorConfigs.remove(connector) != null;
            taskConfigs.remove(connector);
            committedUnder.remove(connector);
            uncommittedTasks.remove(connector);
            return existed ? l -> l.onConnectorConfigRemove(connector) : null;
        }
        connectorConfigs.put(connector, Map.copyOf(ConfigRecordFormat.parseProperties(value)));
        return l -> l.onConnectorConfigUpdate(connector);
    }

    private Consumer<Listener> applySessionKey(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            SessionKey key = ConfigRecordFormat.parseSessionKey(value);
            sessionKey = key;
            return l -> l.onSessionKeyUpdate(key);
        } catch (IllegalArgumentException e) {
            log.warn("Ignoring a malformed session key record: {}", e.getMessage());
            return null;
        }
    }

    /** A cluster log level is an event too: those set before this worker started are history (as in Apache). */
    private Consumer<Listener> applyLoggerLevel(String namespace, byte[] value) {
        if (value == null) {
            return null;
        }
        String level = ConfigRecordFormat.parseLoggerLevel(value);
        return l -> l.onLoggerLevelUpdate(namespace, level);
    }

    /** A restart is an event, not state: one read during the initial catch-up is history and is dropped. */
    private Consumer<Listener> applyRestart(String connector, byte[] value) {
        if (value == null || !connectorConfigs.containsKey(connector)) {
            return null;
        }
        RestartRequest request = ConfigRecordFormat.parseRestartRequest(connector, value);
        return l -> l.onRestartRequest(request);
    }

    private Consumer<Listener> applyTargetState(String connector, byte[] value) {
        if (value == null) {
            targetStates.remove(connector);
        } else {
            targetStates.put(connector, ConfigRecordFormat.parseTargetState(value));
        }
        return connectorConfigs.containsKey(connector) ? l -> l.onTargetStateChange(connector) : null;
    }

    private void applyTask(String key, byte[] value) {
        ConnectorTaskId id = KafkaStatusStore.parseTaskId(key.substring(ConfigRecordFormat.TASK_PREFIX.length()));
        if (id == null) {
            log.warn("Ignoring config record with malformed task key {}", key);
            return;
        }
        Map<Integer, Map<String, String>> pending = uncommittedTasks.computeIfAbsent(id.connector(), c -> new TreeMap<>());
        if (value == null) {
            pending.remove(id.task());
        } else {
            pending.put(id.task(), Map.copyOf(ConfigRecordFormat.parseProperties(value)));
        }
    }

    private Consumer<Listener> applyCommit(String connector, byte[] value) {
        if (value == null) {
            return null;
        }
        int count = ConfigRecordFormat.parseCommit(value);
        Map<Integer, Map<String, String>> pending = uncommittedTasks.remove(connector);
        List<Map<String, String>> committed = new ArrayList<>(count);
        for (int task = 0; task < count; task++) {
            Map<String, String> config = pending == null ? null : pending.get(task);
            if (config == null) {
                log.error("Task config commit of connector {} names {} tasks but task {} was not written before it; "
                        + "keeping the previous task configs", connector, count, task);
                return null;
            }
            committed.add(config);
        }
        taskConfigs.put(connector, List.copyOf(committed));
        Map<String, String> current = connectorConfigs.get(connector);
        if (current == null) {
            committedUnder.remove(connector);
        } else {
            committedUnder.put(connector, current);
        }
        return l -> l.onTaskConfigUpdate(connector);
    }

    private static Map.Entry<byte[], byte[]> entry(byte[] key, byte[] value) {
        return new AbstractMap.SimpleEntry<>(key, value);
    }
}
