package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
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
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Three workers as separate processes on one broker form one cluster through Kafka's group protocol. */
class DistributedClusterIT {
    private static final Duration LONG = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final List<WorkerLauncher> launchers = new ArrayList<>();
    private final List<RestClient> workers = new ArrayList<>();
    private Path pluginPath;
    private String group;

    @BeforeEach
    void startThreeWorkers() throws IOException {
        pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        group = KafkaTestBroker.uniqueTopic("cluster");
        for (int i = 0; i < 3; i++) {
            launchers.add(launcher(i));
        }
        for (WorkerLauncher launcher : launchers) {
            workers.add(launcher.start());
        }
    }

    /** Worker i of the cluster, not started yet. */
    private WorkerLauncher launcher(int i) throws IOException {
        Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
        Map<String, String> props = new HashMap<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", group,
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                // the group's session timeout and rebalance delay stay at their defaults: the failover
                // test checks the default promise of 15 s
                "offset.flush.interval.ms", "500"));
        // a killed sink task's consumer leaves its group as fast, so its partitions move on too
        props.put("consumer.session.timeout.ms", "6000");
        props.put("consumer.heartbeat.interval.ms", "1000");
        return new WorkerLauncher(workDir, WorkerLauncher.freePort(), props).distributed();
    }

    @AfterEach
    void stopWorkers() {
        launchers.forEach(WorkerLauncher::kill);
    }

    @Test
    void connectorsCreatedThroughAnyWorkerRunSpreadAcrossAllThree() {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String name = "sink-" + i;
            String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("spread"), 2);
            RestClient.Response created = workers.get(i).createConnector(name, Map.of(
                    "connector.class", "FileStreamSink", "tasks.max", "2", "topics", topic,
                    "file", dir.resolve(name + ".txt").toString()));
            assertEquals(201, created.status(), () -> "created through worker " + name + ": " + created.raw() + logs());
            assertEquals(name, created.body().path("name").asText());
            names.add(name);
        }

        Set<String> runningOn = new HashSet<>();
        await(() -> {
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

        await(() -> sameFromEachWorker("/connectors?expand=status&expand=info"), LONG,
                "every worker answers the same connectors, configs, tasks and status");
        for (String name : names) {
            for (RestClient worker : workers) {
                assertEquals(2, worker.get("/connectors/" + name + "/tasks").body().size());
            }
        }
        // every worker's rebalance figures: at least one completed rebalance, none in progress once stable
        await(() -> workers.stream().map(w -> w.get("/metrics").raw()).allMatch(m -> m.lines().anyMatch(
                        l -> l.matches("kafka_connect_connect_worker_rebalance_metrics_completed_rebalances_total [1-9].*"))
                        && m.contains("\nkafka_connect_connect_worker_rebalance_metrics_rebalancing 0\n")),
                LONG, "rebalance figures in every worker's /metrics");

        // a change through a follower reaches the leader and every worker sees it
        assertEquals(202, workers.get(2).put("/connectors/sink-0/pause", Map.of()).status());
        await(() -> workers.stream().allMatch(w -> "PAUSED".equals(w.connectorState("sink-0"))
                        && "PAUSED".equals(w.taskState("sink-0", 0)) && "PAUSED".equals(w.taskState("sink-0", 1))),
                LONG, "sink-0 paused on every worker's view");
        assertEquals(204, workers.get(1).delete("/connectors/sink-1").status());
        await(() -> workers.stream().allMatch(w -> w.get("/connectors/sink-1").status() == 404),
                LONG, "sink-1 gone everywhere");
        // only workers may hand the leader task configs: they sign them with the cluster's session key
        for (RestClient worker : workers) {
            RestClient.Response unsigned = worker.post("/connectors/sink-0/tasks", List.of(Map.of("task.class", "x")));
            assertEquals(400, unsigned.status(), unsigned.raw());
            assertEquals("Internal request missing required signature", unsigned.body().path("message").asText());
            RestClient.Response forged = worker.request("POST", "/connectors/sink-0/tasks", "[{\"task.class\":\"x\"}]",
                    "X-Connect-Authorization", "AAAA", "X-Connect-Request-Signature-Algorithm", "HmacSHA256");
            assertEquals(403, forged.status(), forged.raw());
        }
        assertEquals(2, workers.get(0).get("/connectors/sink-0/tasks").body().size(), "task configs unchanged");
        assertEquals(409, workers.get(0).createConnector("sink-2", Map.of("connector.class", "FileStreamSink",
                "topics", "t", "file", dir.resolve("x.txt").toString())).status(), "duplicates refused via the leader");

        // a restart through any worker reaches the workers running the connector's tasks (a config topic record)
        List<Integer> logLengths = launchers.stream().map(l -> l.logText().length()).toList();
        RestClient.Response restart = workers.get(2).post("/connectors/sink-2/restart?includeTasks=true", Map.of());
        assertEquals(202, restart.status(), restart.raw());
        // Apache's answer, from the leader: what restarts is RESTARTING, each state with its version
        assertEquals("RESTARTING", restart.body().path("connector").path("state").asText(), restart.raw());
        assertEquals(2, restart.body().path("tasks").size(), restart.raw());
        restart.body().path("tasks").forEach(t -> assertEquals("RESTARTING", t.path("state").asText(), restart.raw()));
        assertTrue(restart.body().path("tasks").get(0).has("version"), restart.raw());
        await(() -> {
            int restarted = 0;
            for (int i = 0; i < launchers.size(); i++) {
                String log = launchers.get(i).logText().substring(logLengths.get(i));
                restarted += (log.contains("Stopping task sink-2-0 ") ? 1 : 0) + (log.contains("Stopping task sink-2-1 ") ? 1 : 0);
            }
            return restarted == 2 && "RUNNING".equals(workers.get(0).taskState("sink-2", 0))
                    && "RUNNING".equals(workers.get(0).taskState("sink-2", 1));
        }, LONG, "both tasks of sink-2 restarted where they run, and RUNNING again");

        // a worker stopped with SIGTERM stops its tasks, leaves the group and exits; the others take its work
        String leaving = launchers.get(1).restUrl().getAuthority();
        launchers.get(1).stop();
        assertEquals(143, launchers.get(1).exitCode(), "a clean exit on SIGTERM, not a forced kill");
        await(() -> {
            JsonNode status = workers.get(0).get("/connectors/sink-2/status").body();
            if (status == null || !status.path("connector").path("state").asText().equals("RUNNING")
                    || status.path("connector").path("worker_id").asText().equals(leaving)) {
                return false;
            }
            for (JsonNode task : status.path("tasks")) {
                if (!task.path("state").asText().equals("RUNNING") || task.path("worker_id").asText().equals(leaving)) {
                    return false;
                }
            }
            return status.path("tasks").size() == 2;
        }, LONG, "sink-2 and its tasks RUNNING on the two remaining workers");
    }

    @Test
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
        await(() -> distinctLines(output).containsAll(lines), LONG, "first lines through the pipeline");

        JsonNode sinkTask = taskStatus("sink");
        String victim = sinkTask.path("worker_id").asText();
        int victimIndex = workerIndex(victim);
        launchers.get(victimIndex).kill();
        long killedAt = System.nanoTime();
        RestClient survivor = workers.get((victimIndex + 1) % 3);

        await(() -> {
            JsonNode source = taskStatus(survivor, "source");
            JsonNode sink = taskStatus(survivor, "sink");
            return source != null && sink != null
                    && source.path("state").asText().equals("RUNNING") && sink.path("state").asText().equals("RUNNING")
                    && !source.path("worker_id").asText().equals(victim) && !sink.path("worker_id").asText().equals(victim);
        }, Duration.ofSeconds(15), "source and sink tasks RUNNING on the surviving workers within 15 s of the kill"
               );
        long failoverMs = (System.nanoTime() - killedAt) / 1_000_000;
        assertNotEquals(victim, taskStatus(survivor, "sink").path("worker_id").asText());

        List<String> more = WorkerRestartIT.lines(5_000, 10_000);
        Files.write(input, more, StandardOpenOption.APPEND);
        List<String> all = new ArrayList<>(lines);
        all.addAll(more);
        await(() -> distinctLines(output).containsAll(all), LONG,
                "every line, before and after the kill, in the sink's file (failover took " + failoverMs + " ms)"
                       );
    }

    /** Await.until, with the workers' logs in the failure message. */
    private void await(java.util.function.BooleanSupplier condition, Duration timeout, String message) {
        try {
            Await.until(condition, timeout, message);
        } catch (AssertionError e) {
            throw new AssertionError(e.getMessage() + logs(), e);
        }
    }

    /**
     * Whether every worker answers path with equal JSON (object keys in any order: each JVM orders maps its
     * own way), leaving out the "live" figures only the worker running a task has.
     */
    @Test
    void aFourthWorkerTakesItsShareWithoutStoppingTasksThatStay() throws IOException {
        List<String> names = List.of("a", "b", "c");
        for (String name : names) {
            String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("join"), 3);
            assertEquals(201, workers.get(0).createConnector(name, Map.of("connector.class", "FileStreamSink",
                    "tasks.max", "3", "topics", topic, "file", dir.resolve(name + ".txt").toString())).status());
        }
        Map<String, String> before = new HashMap<>();
        await(() -> runningTasks(names, before) == 9, LONG, "9 tasks RUNNING on three workers");

        List<Integer> logLengths = launchers.stream().map(l -> l.logText().length()).toList();
        WorkerLauncher fourth = launcher(3);
        launchers.add(fourth);
        workers.add(fourth.start());
        String newcomer = fourth.restUrl().getAuthority();
        Map<String, String> after = new HashMap<>();
        await(() -> runningTasks(names, after) == 9 && after.values().stream().filter(newcomer::equals).count() == 2,
                LONG, "the fourth worker runs its share (2 of 9 tasks)");

        for (Map.Entry<String, String> task : before.entrySet()) {
            String id = task.getKey();
            if (after.get(id).equals(task.getValue())) {
                int worker = workerIndex(task.getValue());
                String log = launchers.get(worker).logText().substring(logLengths.get(worker));
                assertTrue(!log.contains("Stopping task " + id + "\n") && !log.contains("Stopping task " + id + " "),
                        "task " + id + " stayed on " + task.getValue() + " and was never stopped");
            } else {
                assertEquals(newcomer, after.get(id), "a task that moved went to the new worker");
            }
        }
        assertEquals(7, before.keySet().stream().filter(id -> before.get(id).equals(after.get(id))).count(),
                "only the new worker's share moved");
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

    private JsonNode taskStatus(String connector) {
        return taskStatus(workers.get(0), connector);
    }

    private static JsonNode taskStatus(RestClient worker, String connector) {
        RestClient.Response response = worker.get("/connectors/" + connector + "/status");
        return response.status() == 200 && response.body().path("tasks").size() > 0
                ? response.body().path("tasks").get(0) : null;
    }

    /** Which launcher a worker id (host:port of its REST listener) belongs to. */
    private int workerIndex(String workerId) {
        for (int i = 0; i < launchers.size(); i++) {
            String url = launchers.get(i).restUrl().toString();
            if (url.contains("//" + workerId + "/")) {
                return i;
            }
        }
        throw new AssertionError("No worker " + workerId);
    }

    private static Set<String> distinctLines(Path file) {
        try {
            return Files.exists(file) ? new HashSet<>(Files.readAllLines(file)) : Set.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String logs() {
        StringBuilder out = new StringBuilder();
        for (int i = 0; i < launchers.size(); i++) {
            out.append("\n--- worker ").append(i).append(" ---\n").append(launchers.get(i).tail());
        }
        return out.toString();
    }
}
