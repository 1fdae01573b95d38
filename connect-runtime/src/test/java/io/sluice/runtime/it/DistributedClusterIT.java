package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.ConnectorAssertions;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.LaunchedCluster;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three workers as separate processes on one broker form one cluster through Kafka's group protocol.
 *
 * <p>The tests share one cluster: starting three worker JVMs costs 10-20 s on a loaded machine, and the suite
 * must stay within its time budget. Each test uses connectors of its own names and deletes every connector when it
 * ends, so the tests that keep the membership as it is are independent of each other. The membership changes run
 * last, in order: a fourth worker joins, then one worker leaves on SIGTERM, then one is killed.
 *
 * <p>What happened to a task is read where a user or an Apache tool reads it: the REST status, /metrics, and the
 * status topic (Apache's format), where every worker writes each state a task passes through: a restart shows as
 * RESTARTING, UNASSIGNED (stopped), RUNNING from the worker running the task; a task stopped on a rebalance as
 * UNASSIGNED, so a task with no new record there was never stopped.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class DistributedClusterIT {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    static Path dir;

    private LaunchedCluster cluster;
    /** The members' REST clients, in the order they joined (a view: members that left drop out). */
    private List<RestClient> workers;

    @BeforeAll
    void startThreeWorkers() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        cluster = new LaunchedCluster(dir, pluginPath, KafkaTestBroker.uniqueTopic("cluster"),
                // the group's session timeout and rebalance delay stay at their defaults: the failover
                // test checks the default promise of 15 s
                "offset.flush.interval.ms", "500",
                // a killed sink task's consumer leaves its group as fast, so its partitions move on too
                "consumer.session.timeout.ms", "6000",
                "consumer.heartbeat.interval.ms", "1000");
        workers = cluster.workers();
        for (int i = 0; i < 3; i++) {
            cluster.add();
        }
    }

    /** Leaves the cluster empty for the next test: every connector deleted and gone from every worker's view. */
    @AfterEach
    void deleteEveryConnector() {
        RestClient any = workers.get(0);
        for (JsonNode name : any.get("/connectors").body()) {
            RestClient.Response deleted = any.delete("/connectors/" + name.asText());
            assertTrue(deleted.status() == 204 || deleted.status() == 404, deleted.raw());
        }
        for (RestClient worker : workers) {
            cluster.await(() -> worker.get("/connectors").body().isEmpty(), LONG, "no connector left after the test");
        }
    }

    @AfterAll
    void stopWorkers() {
        cluster.close();
    }

    @Test
    @Order(1)
    void connectorsCreatedThroughAnyWorkerRunSpreadAcrossAllThree() {
        List<String> names = createSinksThroughEachWorker("spread");
        Set<String> runningOn = new HashSet<>();
        cluster.await(() -> {
            runningOn.clear();
            for (String name : names) {
                JsonNode status = workers.get(0).get("/connectors/" + name + "/status").body();
                if (status == null || !status.path("connector").path("state").asText().equals("RUNNING")
                        || status.path("tasks").size() != 2) {
                    return false;
                }
                runningOn.add(status.path("connector").path("worker_id").asText());
                for (JsonNode task : status.path("tasks")) {
                    if (!task.path("state").asText().equals("RUNNING")) {
                        return false;
                    }
                    runningOn.add(task.path("worker_id").asText());
                }
            }
            return runningOn.size() == 3;
        }, LONG, "3 connectors and 6 tasks RUNNING across all three workers");
    }

    @Test
    @Order(2)
    void everyWorkerAnswersTheSameConnectorsConfigsTasksAndStatus() {
        List<String> names = createSinksThroughEachWorker("same");
        names.forEach(name -> statuses(workers.get(0)).awaitRunning(name, 2));
        cluster.await(() -> sameFromEachWorker("/connectors?expand=status&expand=info"), LONG,
                "every worker answers the same connectors, configs, tasks and status");
        for (String name : names) {
            for (RestClient worker : workers) {
                assertEquals(2, worker.get("/connectors/" + name + "/tasks").body().size());
            }
        }
    }

    @Test
    @Order(3)
    void everyWorkerReportsItsCompletedRebalancesAndNoneInProgressOnceStable() {
        cluster.await(() -> workers.stream().map(w -> w.get("/metrics").raw()).allMatch(m -> m.lines().anyMatch(
                        l -> l.matches("kafka_connect_connect_worker_rebalance_metrics_completed_rebalances_total [1-9].*"))
                        && m.contains("\nkafka_connect_connect_worker_rebalance_metrics_rebalancing 0\n")),
                LONG, "rebalance figures in every worker's /metrics");
    }

    @Test
    @Order(4)
    void aPauseThroughAFollowerReachesTheLeaderAndEveryWorkerSeesIt() {
        createSink(workers.get(0), "paused", 2);
        statuses(workers.get(0)).awaitRunning("paused", 2);
        assertEquals(202, workers.get(2).put("/connectors/paused/pause", Map.of()).status());
        for (RestClient worker : workers) {
            ConnectorAssertions view = statuses(worker);
            view.awaitState("paused", "PAUSED");
            view.awaitTaskState("paused", 0, "PAUSED");
            view.awaitTaskState("paused", 1, "PAUSED");
        }
    }

    @Test
    @Order(5)
    void aDeleteThroughAFollowerRemovesTheConnectorFromEveryWorker() {
        createSink(workers.get(0), "deleted", 2);
        statuses(workers.get(0)).awaitRunning("deleted", 2);
        assertEquals(204, workers.get(1).delete("/connectors/deleted").status());
        cluster.await(() -> workers.stream().allMatch(w -> w.get("/connectors/deleted").status() == 404),
                LONG, "deleted gone everywhere");
    }

    @Test
    @Order(6)
    void onlyWorkersMayHandTheLeaderTaskConfigsSignedWithTheClustersSessionKey() {
        createSink(workers.get(0), "signed", 2);
        statuses(workers.get(0)).awaitRunning("signed", 2);
        for (RestClient worker : workers) {
            RestClient.Response unsigned = worker.post("/connectors/signed/tasks", List.of(Map.of("task.class", "x")));
            assertEquals(400, unsigned.status(), unsigned.raw());
            assertEquals("Internal request missing required signature", unsigned.body().path("message").asText());
            RestClient.Response forged = worker.request("POST", "/connectors/signed/tasks", "[{\"task.class\":\"x\"}]",
                    "X-Connect-Authorization", "AAAA", "X-Connect-Request-Signature-Algorithm", "HmacSHA256");
            assertEquals(403, forged.status(), forged.raw());
        }
        assertEquals(2, workers.get(0).get("/connectors/signed/tasks").body().size(), "task configs unchanged");
    }

    @Test
    @Order(7)
    void aDuplicateConnectorIsRefusedThroughTheLeader() {
        createSink(workers.get(1), "duplicate", 1);
        assertEquals(409, workers.get(0).createConnector("duplicate", Map.of("connector.class", "FileStreamSink",
                "topics", "t", "file", dir.resolve("x.txt").toString())).status(), "duplicates refused via the leader");
    }

    @Test
    @Order(8)
    void aRestartThroughAnyWorkerRestartsEachTaskWhereItRuns() {
        createSink(workers.get(0), "restarted", 2);
        JsonNode running = statuses(workers.get(0)).awaitRunning("restarted", 2);
        Map<Integer, Integer> before = new HashMap<>();
        for (int task = 0; task < 2; task++) {
            before.put(task, cluster.taskStatusHistory("restarted", task).size());
        }

        RestClient.Response restart = workers.get(2).post("/connectors/restarted/restart?includeTasks=true", Map.of());
        assertEquals(202, restart.status(), restart.raw());
        // Apache's answer, from the leader: what restarts is RESTARTING, each state with its version
        assertEquals("RESTARTING", restart.body().path("connector").path("state").asText(), restart.raw());
        assertEquals(2, restart.body().path("tasks").size(), restart.raw());
        restart.body().path("tasks").forEach(t -> assertEquals("RESTARTING", t.path("state").asText(), restart.raw()));
        assertTrue(restart.body().path("tasks").get(0).has("version"), restart.raw());

        statuses(workers.get(0)).awaitRunning("restarted", 2);
        for (int task = 0; task < 2; task++) {
            String worker = running.path("tasks").get(task).path("worker_id").asText();
            int task0 = task;
            // Apache's transitions: RESTARTING when asked, UNASSIGNED once stopped, RUNNING once started again
            List<String> expected = List.of("RESTARTING@" + worker, "UNASSIGNED@" + worker, "RUNNING@" + worker);
            cluster.await(() -> cluster.taskStatusHistory("restarted", task0).stream().skip(before.get(task0)).toList().equals(expected),
                    LONG, "task " + task + " of restarted stopped and started again on " + worker + ", where it ran; "
                            + "status topic after the restart: " + cluster.taskStatusHistory("restarted", task0).stream()
                            .skip(before.get(task0)).toList());
        }
    }

    @Test
    @Order(9)
    void aFourthWorkerTakesItsShareWithoutStoppingTasksThatStay() throws IOException {
        List<String> names = List.of("a", "b", "c");
        for (String name : names) {
            createSink(workers.get(0), name, 3);
        }
        Map<String, String> before = new HashMap<>();
        cluster.await(() -> runningTasks(names, before) == 9, LONG, "9 tasks RUNNING on three workers");
        Map<String, Integer> historyBefore = new HashMap<>();
        before.keySet().forEach(id -> historyBefore.put(id, historyOf(id).size()));

        cluster.add();
        String newcomer = cluster.workerId(3);
        Map<String, String> after = new HashMap<>();
        cluster.await(() -> runningTasks(names, after) == 9 && after.values().stream().filter(newcomer::equals).count() == 2,
                LONG, "the fourth worker runs its share (2 of 9 tasks)");

        for (Map.Entry<String, String> task : before.entrySet()) {
            String id = task.getKey();
            if (after.get(id).equals(task.getValue())) {
                // a stop would have written UNASSIGNED (and a start RUNNING again) to the status topic
                List<String> since = historyOf(id).stream().skip(historyBefore.get(id)).toList();
                assertEquals(List.of(), since, "task " + id + " stayed on " + task.getValue() + " and was never stopped");
            } else {
                assertEquals(newcomer, after.get(id), "a task that moved went to the new worker");
            }
        }
        assertEquals(7, before.keySet().stream().filter(id -> before.get(id).equals(after.get(id))).count(),
                "only the new worker's share moved");
    }

    @Test
    @Order(10)
    void aWorkerStoppedWithSigtermExitsCleanlyAndTheOthersTakeItsTasks() {
        createSink(workers.get(0), "handed-over", 2);
        JsonNode running = statuses(workers.get(0)).awaitRunning("handed-over", 2);
        String leaving = running.path("tasks").get(0).path("worker_id").asText();
        assertEquals(143, cluster.stop(cluster.indexOf(leaving)), "a clean exit on SIGTERM, not a forced kill");
        cluster.await(() -> {
            JsonNode status = workers.get(0).get("/connectors/handed-over/status").body();
            if (status == null) {
                return false;
            }
            List<JsonNode> all = new ArrayList<>(List.of(status.path("connector")));
            status.path("tasks").forEach(all::add);
            return status.path("tasks").size() == 2 && all.stream().allMatch(
                    s -> s.path("state").asText().equals("RUNNING") && !s.path("worker_id").asText().equals(leaving));
        }, LONG, "handed-over and its tasks RUNNING on the remaining workers");
    }

    /**
     * tryout21: a worker frozen for 15 s (SIGSTOP) lost its task to another worker; back, it stopped its copy and
     * wrote UNASSIGNED over the new worker's RUNNING, read from its own stale view of the status topic, and the status
     * stayed wrong. A worker that lost its membership reads the status topic before it reports its stops.
     */
    @Test
    @Order(11)
    void aWorkerBackFromAFreezeLeavesTheSinkTasksTakenFromItRunningWhereTheyMovedAndEveryRecordDelivered() {
        // a sink: its task's copy on the frozen worker, back, may poll before its worker learns that it lost the
        // task and rejoin the consumer group as the task's static member, fencing the new owner's consumer
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("thawed"), 2);
        Path output = dir.resolve("thawed.txt");
        List<String> before = WorkerRestartIT.lines(0, 1_000);
        KafkaTestBroker.produce(topic, before.toArray(String[]::new));
        assertEquals(201, workers.get(0).createConnector("thawed", Map.of("connector.class", "FileStreamSink",
                "tasks.max", "2", "topics", topic, "file", output.toString())).status());
        statuses(workers.get(0)).awaitRunning("thawed", 2);
        cluster.await(() -> distinctLines(output).containsAll(before), LONG, "the first records in the sink's file");
        String frozenId = taskStatus(workers.get(0), "thawed").path("worker_id").asText();
        int frozen = cluster.indexOf(frozenId);
        RestClient other = workers.get((frozen + 1) % workers.size());
        cluster.freeze(frozen, true);
        try {
            cluster.await(() -> {
                JsonNode task = taskStatus(other, "thawed");
                return task != null && task.path("state").asText().equals("RUNNING")
                        && !task.path("worker_id").asText().equals(frozenId);
            }, LONG, "task 0 of thawed RUNNING on another worker while " + frozenId + " is frozen");
        } finally {
            cluster.freeze(frozen, false);
        }
        String newWorker = taskStatus(other, "thawed").path("worker_id").asText();
        // back, the frozen worker finds it lost its membership and stops its copy (at most the graceful timeout)
        cluster.await(() -> cluster.logText(frozen).contains("lost its group membership"), LONG,
                frozenId + " noticed it lost its membership");
        cluster.await(() -> cluster.logText(frozen).contains("Stopping task thawed-0"), LONG, "its copy stopping");
        List<String> all = new ArrayList<>(before);
        all.addAll(WorkerRestartIT.lines(1_000, 2_000));
        KafkaTestBroker.produce(topic, all.subList(1_000, 2_000).toArray(String[]::new));
        cluster.await(() -> distinctLines(output).containsAll(all), LONG, "every record, before and after the "
                + "freeze, in the sink's file (at least once); task 0: " + cluster.taskStatusHistory("thawed", 0));
        // watched past the copy's stop (at most the graceful timeout, 5 s) and the status it would write
        long until = System.nanoTime() + Duration.ofSeconds(12).toNanos();
        while (System.nanoTime() < until) {
            JsonNode status = other.get("/connectors/thawed/status").body().path("tasks");
            for (JsonNode task : status) {
                assertEquals("RUNNING", task.path("state").asText(), () -> "task " + task.path("id") + " RUNNING; "
                        + "history: " + cluster.taskStatusHistory("thawed", task.path("id").asInt()));
            }
            JsonNode task = taskStatus(other, "thawed");
            assertEquals("RUNNING@" + newWorker, task.path("state").asText() + "@" + task.path("worker_id").asText(),
                    "task 0's status as its new worker wrote it; history: "
                            + cluster.taskStatusHistory("thawed", 0));
            LockSupport.parkNanos(Duration.ofMillis(500).toNanos()); // a sample each half second of the window
        }
    }

    @Test
    @Order(12)
    void killedWorkersTasksRunElsewhereWithinFifteenSecondsAndTheSinkHoldsEveryRecord() throws IOException {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("pipeline"), 1);
        Path input = dir.resolve("input.txt");
        Path output = dir.resolve("output.txt");
        List<String> lines = WorkerRestartIT.lines(0, 5_000);
        Files.write(input, lines);
        assertEquals(201, workers.get(1).createConnector("source", Map.of("connector.class", "FileStreamSource",
                "file", input.toString(), "topic", topic)).status());
        assertEquals(201, workers.get(2).createConnector("sink", Map.of("connector.class", "FileStreamSink",
                "topics", topic, "file", output.toString())).status());
        cluster.await(() -> distinctLines(output).containsAll(lines), LONG, "first lines through the pipeline");

        String victim = taskStatus(workers.get(0), "sink").path("worker_id").asText();
        cluster.kill(cluster.indexOf(victim));
        long killedAt = System.nanoTime();
        RestClient survivor = workers.get(0);

        cluster.await(() -> {
            JsonNode source = taskStatus(survivor, "source");
            JsonNode sink = taskStatus(survivor, "sink");
            return source != null && sink != null
                    && source.path("state").asText().equals("RUNNING") && sink.path("state").asText().equals("RUNNING")
                    && !source.path("worker_id").asText().equals(victim) && !sink.path("worker_id").asText().equals(victim);
        }, Duration.ofSeconds(15), "source and sink tasks RUNNING on the surviving workers within 15 s of the kill");
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertNotEquals(victim, taskStatus(survivor, "sink").path("worker_id").asText());

        List<String> more = WorkerRestartIT.lines(5_000, 10_000);
        Files.write(input, more, StandardOpenOption.APPEND);
        List<String> all = new ArrayList<>(lines);
        all.addAll(more);
        cluster.await(() -> distinctLines(output).containsAll(all), LONG,
                "every line, before and after the kill, in the sink's file (failover took " + failoverMs + " ms)");
    }

    /** One FileStreamSink per worker, each created through that worker, with 2 tasks on a topic of its own. */
    private List<String> createSinksThroughEachWorker(String prefix) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = prefix + "-" + i;
            createSink(workers.get(i), name, 2);
            names.add(name);
        }
        return names;
    }

    /** A FileStreamSink with tasks tasks on a new topic of as many partitions, created through worker. */
    private void createSink(RestClient worker, String name, int tasks) {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic(name), tasks);
        RestClient.Response created = worker.createConnector(name, Map.of(
                "connector.class", "FileStreamSink", "tasks.max", Integer.toString(tasks), "topics", topic,
                "file", dir.resolve(name + ".txt").toString()));
        assertEquals(201, created.status(), () -> "created " + name + ": " + created.raw() + cluster.logs());
        assertEquals(name, created.body().path("name").asText());
    }

    /** Status assertions through one worker's REST API, with the cluster's long deadline. */
    private static ConnectorAssertions statuses(RestClient worker) {
        return new ConnectorAssertions(worker, LONG);
    }

    /** The status topic's history of the task with id "connector-task" (the connector's name may hold dashes). */
    private List<String> historyOf(String taskId) {
        int dash = taskId.lastIndexOf('-');
        return cluster.taskStatusHistory(taskId.substring(0, dash), Integer.parseInt(taskId.substring(dash + 1)));
    }

    /** Fills task id -> worker id for the connectors' RUNNING tasks and returns how many there are. */
    private int runningTasks(List<String> connectors, Map<String, String> into) {
        into.clear();
        for (String name : connectors) {
            RestClient.Response status = workers.get(0).get("/connectors/" + name + "/status");
            if (status.status() != 200) {
                return 0;
            }
            for (JsonNode task : status.body().path("tasks")) {
                if (task.path("state").asText().equals("RUNNING")) {
                    into.put(name + "-" + task.path("id").asInt(), task.path("worker_id").asText());
                }
            }
        }
        return into.size();
    }

    /**
     * Whether every worker answers path with equal JSON (object keys in any order: each JVM orders maps its
     * own way), leaving out the "live" figures only the worker running a task has.
     */
    private boolean sameFromEachWorker(String path) {
        Set<JsonNode> answers = new HashSet<>();
        for (RestClient worker : workers) {
            RestClient.Response response = worker.get(path);
            if (response.status() != 200) {
                return false;
            }
            answers.add(withoutLiveFigures(response.body()));
        }
        return answers.size() == 1;
    }

    private static JsonNode withoutLiveFigures(JsonNode node) {
        if (node instanceof com.fasterxml.jackson.databind.node.ObjectNode object) {
            object.remove("live");
        }
        node.forEach(DistributedClusterIT::withoutLiveFigures);
        return node;
    }

    private static JsonNode taskStatus(RestClient worker, String connector) {
        RestClient.Response response = worker.get("/connectors/" + connector + "/status");
        return response.status() == 200 && response.body().path("tasks").size() > 0
                ? response.body().path("tasks").get(0) : null;
    }

    private static Set<String> distinctLines(Path file) {
        try {
            return Files.exists(file) ? new HashSet<>(Files.readAllLines(file)) : Set.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
