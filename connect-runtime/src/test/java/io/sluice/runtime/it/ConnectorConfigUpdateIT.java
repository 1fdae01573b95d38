package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.ConnectorAssertions;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.LaunchedCluster;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * A connector config updated in a cluster of two workers, as tryout16 did it: the connector runs on one worker, its
 * tasks on both, and one PUT restarts each task exactly once, where it runs, with the new config. Apache's one
 * trigger (KAFKA-9228): the connector's worker stores its task configs again, even equal ones, and every worker
 * restarts its tasks on that record. Starts are counted in each worker's log, the new config is read from the
 * records the tasks write.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectorConfigUpdateIT {
    private static final Duration LONG = Duration.ofSeconds(120);
    private static final int TASKS = 3;

    @TempDir
    static Path dir;

    private LaunchedCluster cluster;

    @BeforeAll
    void startTwoWorkers() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.sequenceSourceJar(), pluginPath);
        cluster = new LaunchedCluster(dir, pluginPath, KafkaTestBroker.uniqueTopic("update"));
        cluster.add();
        cluster.add();
    }

    @AfterAll
    void stopWorkers() {
        cluster.close();
    }

    @Test
    void anUpdateThatChangesTheTaskConfigsRestartsEachTaskOnceWhereItRunsAndTheyWriteWhereItSays() {
        String before = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("before"), 1);
        String after = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("after"), 1);
        Map<String, String> config = sequence(before);
        Map<String, String> updated = new HashMap<>(config);
        updated.put("topic", after);

        updateAndExpectOneRestartEach("moved", config, updated, after, value -> true);
    }

    @Test
    void anUpdateOfOnlyTheRuntimesKeysRestartsEachTaskOnceWithTheNewConfigThoughItsTaskConfigsAreEqual() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("json"), 1);
        Map<String, String> config = sequence(topic);
        Map<String, String> updated = new HashMap<>(config);
        updated.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        updated.put("value.converter.schemas.enable", "false");

        // the string converter wrote 0:5, the JSON converter writes "0:5"
        updateAndExpectOneRestartEach("converted", config, updated, topic, value -> value.startsWith("\""));
    }

    /**
     * A user's source connector spreads its tables over three tasks on two workers; a config change spreads them
     * differently, so tables move between tasks on different workers. Each task's last poll is slow (2 s, as a big
     * query). A task that took a table started at once, while the task that had it, on the other worker, still
     * polled and then committed its last rows: the new task resumed from the offset before them and the rows came
     * twice. As Apache's, every worker now stops its changed tasks before the rebalance that starts them again.
     */
    @Test
    void tablesMovedBetweenTasksOnTwoWorkersAreEachReadOnceWithoutGapOrDuplicate() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("moving"), 1);
        String name = "moving";
        Map<String, String> config = new HashMap<>(Map.of(
                "connector.class", "io.sluice.testplugins.sequence.SequenceSourceConnector",
                "tasks.max", Integer.toString(TASKS), "topic", topic, "partitions", "6", "interval.ms", "2000"));
        RestClient any = cluster.worker(0);
        RestClient.Response created = any.createConnector(name, config);
        assertEquals(201, created.status(), created.raw());
        JsonNode running = new ConnectorAssertions(any, LONG).awaitRunning(name, TASKS);
        Set<String> taskWorkers = new HashSet<>();
        running.path("tasks").forEach(t -> taskWorkers.add(t.path("worker_id").asText()));
        assertEquals(2, taskWorkers.size(), "the tasks run on both workers: " + running);

        for (String spread : List.of("blocks", "round-robin", "blocks", "round-robin")) {
            awaitEveryTableReadTwiceMore(topic);
            config.put("spread", spread);
            RestClient.Response put = cluster.worker(1).put("/connectors/" + name + "/config", config);
            assertEquals(200, put.status(), put.raw());
        }
        awaitEveryTableReadTwiceMore(topic);
        assertEquals(204, any.delete("/connectors/" + name).status());

        Map<String, List<Long>> byTable = new java.util.TreeMap<>();
        for (ConsumerRecord<String, String> record : KafkaTestBroker.consumeToEnd(topic)) {
            byTable.computeIfAbsent(record.key(), k -> new ArrayList<>())
                    .add(Long.parseLong(record.value().substring(record.value().indexOf(':') + 1)));
        }
        assertEquals(6, byTable.size(), "every table was read: " + byTable.keySet());
        byTable.forEach((table, numbers) -> {
            for (int i = 0; i < numbers.size(); i++) {
                assertEquals(i, numbers.get(i), "row " + i + " of " + table + " once, in order: " + numbers);
            }
        });
    }

    /** Waits until the topic holds 12 records more than now: each of the 6 tables read about twice. */
    private void awaitEveryTableReadTwiceMore(String topic) {
        int before = KafkaTestBroker.consumeToEnd(topic).size();
        cluster.await(() -> KafkaTestBroker.consumeToEnd(topic).size() >= before + 12, LONG,
                "every table read about twice more");
    }

    /**
     * Creates the connector with its tasks on both workers, PUTs the update, waits until every task writes records to
     * topic that the new config makes (newValue), and checks each task started once since, on its worker.
     */
    private void updateAndExpectOneRestartEach(String name, Map<String, String> config, Map<String, String> updated,
                                               String topic, Predicate<String> newValue) {
        RestClient any = cluster.worker(0);
        RestClient.Response created = any.createConnector(name, config);
        assertEquals(201, created.status(), created.raw());
        JsonNode running = new ConnectorAssertions(any, LONG).awaitRunning(name, TASKS);
        String connectorWorker = running.path("connector").path("worker_id").asText();
        Map<Integer, String> taskWorkers = new HashMap<>();
        running.path("tasks").forEach(t -> taskWorkers.put(t.path("id").asInt(), t.path("worker_id").asText()));
        assertTrue(taskWorkers.values().stream().anyMatch(w -> !w.equals(connectorWorker)),
                "a worker runs tasks but not the connector: " + running);
        int[] logBefore = {cluster.logText(0).length(), cluster.logText(1).length()};

        RestClient.Response put = cluster.worker(1).put("/connectors/" + name + "/config", updated);
        assertEquals(200, put.status(), put.raw());

        cluster.await(() -> tasksWriting(topic, newValue).size() == TASKS, LONG,
                "every task writes what the new config makes");
        for (int worker = 0; worker < 2; worker++) {
            String log = cluster.logText(worker).substring(logBefore[worker]);
            for (Map.Entry<Integer, String> task : taskWorkers.entrySet()) {
                long starts = log.lines().filter(l -> l.contains("Starting task " + name + "-" + task.getKey() + " ")).count();
                assertEquals(cluster.workerId(worker).equals(task.getValue()) ? 1 : 0, starts, "starts of task "
                        + task.getKey() + " of " + name + " (connector on " + connectorWorker + ") on "
                        + cluster.workerId(worker) + " since the update:\n" + log);
            }
        }
        assertEquals(204, any.delete("/connectors/" + name).status());
    }

    /** The tasks (by their record key) that wrote a record to topic whose value passes newValue. */
    private static Set<String> tasksWriting(String topic, Predicate<String> newValue) {
        Set<String> tasks = new HashSet<>();
        for (ConsumerRecord<String, String> record : KafkaTestBroker.consumeToEnd(topic)) {
            if (record.value() != null && newValue.test(record.value())) {
                tasks.add(record.key());
            }
        }
        return tasks;
    }

    private static Map<String, String> sequence(String topic) {
        return Map.of("connector.class", "io.sluice.testplugins.sequence.SequenceSourceConnector",
                "tasks.max", Integer.toString(TASKS), "topic", topic, "interval.ms", "50");
    }
}
