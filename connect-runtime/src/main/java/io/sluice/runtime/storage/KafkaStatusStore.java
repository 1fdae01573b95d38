package io.sluice.runtime.storage;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Connector and task status in a compacted topic, in Apache Kafka Connect's record format: keys
 * status-connector-NAME and status-task-NAME-N, values {"state","trace","worker_id","generation","version"}; topics
 * in use (KIP-558) under status-topic-TOPIC:connector-NAME, values {"topic":{"name","connector","task","discoverTimestamp"}}.
 */
public final class KafkaStatusStore implements StatusStore {

    private static final Logger log = LoggerFactory.getLogger(KafkaStatusStore.class);
    static final String CONNECTOR_PREFIX = "status-connector-";
    static final String TASK_PREFIX = "status-task-";
    static final String TOPIC_PREFIX = "status-topic-";
    static final String TOPIC_SEPARATOR = ":connector-";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final StoreTopic topic;
    private final ConcurrentMap<String, ConnectorStatus> connectors = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<Integer, TaskStatus>> tasks = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, ConcurrentMap<String, TopicStatus>> topics = new ConcurrentHashMap<>();
    /** The latest report of each key that Kafka has not acknowledged yet, and what orders the reports of one key. */
    private final ConcurrentMap<String, byte[]> unsent = new ConcurrentHashMap<>();
    private final ConcurrentMap<String, Object> reportLocks = new ConcurrentHashMap<>();
    /** The keys whose report Kafka has refused since it was last taken: warned of once, told of when taken. */
    private final Set<String> delayed = ConcurrentHashMap.newKeySet();
    /**
     * Sends every write, in the order it was made, and sends refused reports again. Not the reporting thread: a send
     * waits for the topic's metadata whenever the producer has none (it drops that of a topic idle for minutes), up
     * to the store's timeout while Kafka is away. A task reports UNASSIGNED after it stopped; waiting there made its
     * stop outlast the graceful timeout, and a task that had logged "stopped" was cancelled (tryout16).
     */
    private final ScheduledThreadPoolExecutor writer = new ScheduledThreadPoolExecutor(1, runnable -> {
        Thread thread = new Thread(runnable, "sluice-status-writer");
        thread.setDaemon(true);
        return thread;
    });
    private final Duration timeout;
    private volatile boolean closed;

    public KafkaStatusStore(Map<String, Object> clientConfig, String topic, int partitions, short replicationFactor) {
        this(clientConfig, null, new CompactedTopic(topic, partitions, replicationFactor), Duration.ofSeconds(30));
    }

    /**
     * A store on {@code topic}, checking it and looking up its end with {@code sharedAdmin}, the caller having created
     * it ({@link StoreTopic}); with null, creating it with admin clients of its own.
     */
    public KafkaStatusStore(Map<String, Object> clientConfig, Supplier<Admin> sharedAdmin, CompactedTopic topic, Duration timeout) {
        this.topic = new StoreTopic(clientConfig, sharedAdmin, topic, timeout, this::apply, "sluice-status-reader");
        this.timeout = timeout;
        writer.setExecuteExistingDelayedTasksAfterShutdownPolicy(false); // a closed store sends nothing again
        writer.prestartCoreThread(); // the worker's own thread from its start, not from its first report
    }

    @Override
    public void start() {
        if (topic.start(partitions -> { })) {
            log.info("Status store read topic {}: status of {} connectors", topic.name(), connectors.size());
        }
    }

    /**
     * A report of this worker's own state: what it answers from now on, and what the topic gets as soon as Kafka
     * takes it. A connector that started here is RUNNING in its status at once, not the UNASSIGNED its previous run
     * left in the topic for as long as the write takes (seconds on a loaded start, the whole outage while Kafka is
     * away); a state reached while Kafka is away is sent again until it lands, unless a newer one of the same
     * connector or task replaced it (as Apache's status store retries), so other workers and tools reading the topic
     * see it too. Never blocks on Kafka and never fails: the worker's state is a fact, not a change to refuse.
     */
    @Override
    public void put(ConnectorStatus status) {
        connectors.put(status.connector(), status);
        report(CONNECTOR_PREFIX + status.connector(), value(status.state(), status.trace(), status.workerId(),
                status.generation(), status.version()));
    }

    @Override
    public void catchUp() {
        topic.catchUp();
    }

    /** As {@link #put(ConnectorStatus)}: the worker's own task state answers at once and reaches the topic. */
    @Override
    public void put(TaskStatus status) {
        tasks.computeIfAbsent(status.id().connector(), c -> new ConcurrentHashMap<>()).put(status.id().task(), status);
        report(taskKey(status.id()), value(status.state(), status.trace(), status.workerId(), status.generation(),
                status.version()));
    }

    /**
     * Sends a report of a key (on the writer, in order); one that fails is sent again after a second if it is still
     * the latest. The lock keeps the latest report and the writer's order of one key the same.
     */
    private void report(String key, byte[] value) {
        synchronized (reportLock(key)) {
            unsent.put(key, value);
            onWriter(() -> send(key, value));
        }
    }

    /** Runs a write on the writer thread; false (nothing runs) once the store closed. */
    private boolean onWriter(Runnable write) {
        try {
            writer.execute(write);
            return true;
        } catch (RejectedExecutionException closing) {
            return false; // the store closed: a stopping worker's report is not kept
        }
    }

    /** Writes records on the writer, after every write made before, and waits for them (what a caller asked for). */
    private void writeInOrder(List<Map.Entry<byte[], byte[]>> records, String what) {
        CompletableFuture<Void> written = new CompletableFuture<>();
        boolean queued = onWriter(() -> {
            try {
                topic.writeAndWait(records, what);
                written.complete(null);
            } catch (RuntimeException e) {
                written.completeExceptionally(e);
            }
        });
        if (!queued) {
            throw new StoreException("Cannot " + what + ": the status store is closed");
        }
        try {
            // bounded: a report ahead of it waits at most the store's timeout, and so does this write (a timed get,
            // not orTimeout: that starts the JDK's delay thread for good, one more thread in every worker)
            written.get(2 * timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.ExecutionException e) {
            throw e.getCause() instanceof RuntimeException cause ? cause
                    : new StoreException("Cannot " + what + ": Kafka did not take it", e.getCause());
        } catch (java.util.concurrent.TimeoutException e) {
            throw new StoreException("Cannot " + what + " in time: Kafka did not take it", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while waiting to " + what, e);
        }
    }

    private Object reportLock(String key) {
        return reportLocks.computeIfAbsent(key, k -> new Object());
    }

    /** Sends one record (on the writer); fails rather than throws. */
    private CompletableFuture<?> sendRecord(byte[] key, byte[] value) {
        try {
            return topic.send(key, value);
        } catch (RuntimeException e) { // the producer gave up waiting for metadata: Kafka is away
            return CompletableFuture.failedFuture(e);
        }
    }

    private void send(String key, byte[] value) {
        sendRecord(bytes(key), value).whenComplete((done, error) -> {
            if (error == null) {
                if (unsent.remove(key, value) && delayed.remove(key)) {
                    log.info("Wrote status {} once Kafka took it", key);
                }
                return;
            }
            if (closed || unsent.get(key) != value) {
                return; // replaced by a newer report, which is sent on its own
            }
            if (delayed.add(key)) { // once per key and outage: each attempt waits the store's timeout
                log.warn("Could not write status {} yet ({}); sending it again until Kafka takes it", key,
                        error.getMessage());
            }
            try {
                writer.schedule(() -> {
                    if (!closed && unsent.get(key) == value) { // a newer report is queued behind this on the writer
                        send(key, value);
                    }
                }, 1, TimeUnit.SECONDS);
            } catch (RejectedExecutionException stopping) {
                // the store closed meanwhile: a stopping worker's report is not kept
            }
        });
    }

    @Override
    public ConnectorStatus get(String connector) {
        return connectors.get(connector);
    }

    @Override
    public TaskStatus get(ConnectorTaskId task) {
        Map<Integer, TaskStatus> byTask = tasks.get(task.connector());
        return byTask == null ? null : byTask.get(task.task());
    }

    @Override
    public Collection<TaskStatus> tasks(String connector) {
        Map<Integer, TaskStatus> byTask = tasks.get(connector);
        return byTask == null ? List.of() : List.copyOf(byTask.values());
    }

    @Override
    public void put(TopicStatus status) {
        String key = topicKey(status.topic(), status.connector());
        onWriter(() -> sendRecord(bytes(key), topicValue(status)).whenComplete((acked, error) -> {
            if (error != null) {
                log.warn("Could not record that connector {} uses topic {}", status.connector(), status.topic(), error);
            }
        }));
    }

    @Override
    public Collection<TopicStatus> topics(String connector) {
        Map<String, TopicStatus> byTopic = topics.get(connector);
        return byTopic == null ? List.of() : List.copyOf(byTopic.values());
    }

    @Override
    public void removeTopics(String connector) {
        List<Map.Entry<byte[], byte[]>> tombstones = new ArrayList<>();
        for (TopicStatus topic : topics(connector)) {
            tombstones.add(new AbstractMap.SimpleEntry<>(bytes(topicKey(topic.topic(), connector)), null));
        }
        writeInOrder(tombstones, "reset the topics of connector " + connector);
    }

    /** {"topic": {"name", "connector", "task", "discoverTimestamp"}} (KIP-558). */
    static byte[] topicValue(TopicStatus status) {
        ObjectNode used = JSON.createObjectNode();
        used.put("name", status.topic());
        used.put("connector", status.connector());
        used.put("task", status.task());
        used.put("discoverTimestamp", status.discoverTimestamp());
        ObjectNode value = JSON.createObjectNode();
        value.set("topic", used);
        return value.toString().getBytes(StandardCharsets.UTF_8);
    }

    static String topicKey(String topic, String connector) {
        return TOPIC_PREFIX + topic + TOPIC_SEPARATOR + connector;
    }

    @Override
    public void remove(String connector) {
        List<String> statusKeys = new ArrayList<>();
        statusKeys.add(CONNECTOR_PREFIX + connector);
        tasks(connector).forEach(task -> statusKeys.add(taskKey(task.id())));
        List<Map.Entry<byte[], byte[]>> tombstones = tombstones(statusKeys);
        for (TopicStatus used : topics(connector)) {
            tombstones.add(new AbstractMap.SimpleEntry<>(bytes(topicKey(used.topic(), connector)), null));
        }
        writeInOrder(tombstones, "remove the status of connector " + connector);
    }

    @Override
    public void removeUnconfigured(Map<String, Integer> taskCounts) {
        List<String> statusKeys = new ArrayList<>();
        for (String connector : connectors.keySet()) {
            if (!taskCounts.containsKey(connector)) {
                statusKeys.add(CONNECTOR_PREFIX + connector);
            }
        }
        tasks.forEach((connector, byTask) -> byTask.keySet().stream()
                .filter(task -> task >= taskCounts.getOrDefault(connector, 0))
                .forEach(task -> statusKeys.add(taskKey(new ConnectorTaskId(connector, task)))));
        if (!statusKeys.isEmpty()) {
            writeInOrder(tombstones(statusKeys), "remove the statuses of " + statusKeys.size()
                    + " connector(s) and task(s) no longer configured");
        }
    }

    /** A tombstone per status key; a report of the key not sent yet is dropped, or it would land after it. */
    private List<Map.Entry<byte[], byte[]>> tombstones(List<String> statusKeys) {
        List<Map.Entry<byte[], byte[]>> tombstones = new ArrayList<>();
        for (String key : statusKeys) {
            synchronized (reportLock(key)) {
                unsent.remove(key);
                delayed.remove(key);
            }
            tombstones.add(new AbstractMap.SimpleEntry<>(bytes(key), null));
        }
        return tombstones;
    }

    @Override
    public void close() {
        closed = true;
        writer.shutdown(); // the reports made before are still sent: a stopping worker's tasks' UNASSIGNED
        try {
            if (!writer.awaitTermination(Math.min(timeout.toMillis(), 5_000), TimeUnit.MILLISECONDS)) {
                writer.shutdownNow(); // Kafka away: a send waiting for metadata gives up
            }
        } catch (InterruptedException e) {
            writer.shutdownNow();
            Thread.currentThread().interrupt();
        }
        topic.close();
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        String key = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
        if (key.startsWith(CONNECTOR_PREFIX)) {
            String connector = key.substring(CONNECTOR_PREFIX.length());
            JsonNode value = parse(record.value());
            if (value == null) {
                connectors.remove(connector);
            } else {
                connectors.put(connector, new ConnectorStatus(connector, State.valueOf(value.path("state").asText()),
                        text(value, "trace"), text(value, "worker_id"), value.path("generation").asInt(),
                        text(value, "version")));
            }
        } else if (key.startsWith(TASK_PREFIX)) {
            ConnectorTaskId id = parseTaskId(key.substring(TASK_PREFIX.length()));
            if (id == null) {
                log.warn("Ignoring status record with malformed task key {}", key);
                return;
            }
            JsonNode value = parse(record.value());
            if (value == null) {
                Map<Integer, TaskStatus> byTask = tasks.get(id.connector());
                if (byTask != null) {
                    byTask.remove(id.task());
                    tasks.computeIfPresent(id.connector(), (c, m) -> m.isEmpty() ? null : m);
                }
            } else {
                tasks.computeIfAbsent(id.connector(), c -> new ConcurrentHashMap<>())
                        .put(id.task(), new TaskStatus(id, State.valueOf(value.path("state").asText()),
                                text(value, "trace"), text(value, "worker_id"), value.path("generation").asInt(),
                                text(value, "version")));
            }
        } else if (key.startsWith(TOPIC_PREFIX)) {
            applyTopic(key, record.value());
        } else {
            log.debug("Ignoring status record with key {}", key);
        }
    }

    private void applyTopic(String key, byte[] raw) {
        String rest = key.substring(TOPIC_PREFIX.length());
        int separator = rest.lastIndexOf(TOPIC_SEPARATOR);
        if (separator <= 0) {
            log.warn("Ignoring topic status record with malformed key {}", key);
            return;
        }
        String topicName = rest.substring(0, separator);
        String connector = rest.substring(separator + TOPIC_SEPARATOR.length());
        JsonNode value = parse(raw);
        if (value == null) {
            topics.computeIfPresent(connector, (c, byTopic) -> {
                byTopic.remove(topicName);
                return byTopic.isEmpty() ? null : byTopic;
            });
            return;
        }
        JsonNode topic = value.path("topic");
        topics.computeIfAbsent(connector, c -> new ConcurrentHashMap<>()).put(topicName, new TopicStatus(topicName,
                connector, topic.path("task").asInt(), topic.path("discoverTimestamp").asLong()));
    }

    static String taskKey(ConnectorTaskId id) {
        return TASK_PREFIX + id.connector() + "-" + id.task();
    }

    /** NAME-N, where NAME may itself contain dashes. */
    static ConnectorTaskId parseTaskId(String suffix) {
        int dash = suffix.lastIndexOf('-');
        if (dash <= 0 || dash == suffix.length() - 1) {
            return null;
        }
        try {
            return new ConnectorTaskId(suffix.substring(0, dash), Integer.parseInt(suffix.substring(dash + 1)));
        } catch (NumberFormatException e) {
            return null;
        }
    }

    /** {"state", "trace", "worker_id", "generation", "version"}: a connector's or task's status. */
    static byte[] value(State state, String trace, String workerId, int generation, String version) {
        ObjectNode node = JSON.createObjectNode();
        node.put("state", state.name());
        node.put("trace", trace);
        node.put("worker_id", workerId);
        node.put("generation", generation);
        node.put("version", version);
        try {
            return JSON.writeValueAsBytes(node);
        } catch (JsonProcessingException e) {
            throw new StoreException("Cannot serialize status", e);
        }
    }

    private static JsonNode parse(byte[] value) {
        if (value == null) {
            return null;
        }
        try {
            return JSON.readTree(value);
        } catch (java.io.IOException e) {
            throw new IllegalArgumentException("Status value is not JSON", e);
        }
    }

    private static String text(JsonNode node, String field) {
        JsonNode value = node.get(field);
        return value == null || value.isNull() ? null : value.asText();
    }

    private static byte[] bytes(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }
}
