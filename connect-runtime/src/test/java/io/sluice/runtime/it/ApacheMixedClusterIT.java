package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A rolling migration (issue 17): Sluice workers join a running Apache Kafka Connect 4.3.1 cluster, speaking
 * Apache's 'sessioned' group protocol, share its tasks, lead or follow, forward requests both ways, fail over,
 * and replace the Apache workers one at a time; a group left with only Sluice workers goes back to Sluice's
 * own protocol. Apache's workers run from the Maven Central jars as their own JVMs.
 */
class ApacheMixedClusterIT {
    private static final Duration WAIT = Duration.ofSeconds(180);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final int TASKS = 9;

    @TempDir
    Path dir;

    private final List<WorkerLauncher> launched = new ArrayList<>();
    /** Worker id (host:port, as status records name workers) to the worker's name in this test. */
    private final Map<String, String> names = new LinkedHashMap<>();
    private final Map<String, String> props = new HashMap<>();
    private String statusTopic;

    @AfterEach
    void stopAll() {
        launched.forEach(WorkerLauncher::kill);
    }

    @Test
    void sluiceWorkersShareAnApacheClustersTasksFailOverAndReplaceItsWorkersOneByOne() throws Exception {
        String group = KafkaTestBroker.uniqueTopic("mixed");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("sequences"), 3);
        statusTopic = group + "-status";
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.sequenceSourceJar(), pluginPath);
        props.putAll(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", group,
                "config.storage.topic", group + "-configs",
                "offset.storage.topic", group + "-offsets",
                "status.storage.topic", statusTopic,
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.flush.interval.ms", "1000"));
        // the same group settings on both runtimes; no held-back work, so a handover is one rebalance
        props.putAll(Map.of("session.timeout.ms", "6000", "heartbeat.interval.ms", "2000",
                "scheduled.rebalance.max.delay.ms", "0", "config.storage.replication.factor", "-1",
                "offset.storage.replication.factor", "-1", "status.storage.replication.factor", "-1",
                // plugins by their ServiceLoader manifests only: Apache's workers start without scanning classes
                "plugin.discovery", "service_load"));

        WorkerLauncher sluice1 = sluice("sluice-1");
        RestClient s1 = sluice1.start(); // first in the group: it leads
        WorkerLauncher apache1 = apache("apache-1");
        RestClient a1 = apache1.start();
        WorkerLauncher apache2 = apache("apache-2");
        RestClient a2 = apache2.start();
        try {
            // created through an Apache worker, which forwards it to the Sluice leader
            RestClient.Response created = a2.createConnector("sequence", Map.of(
                    "connector.class", "io.sluice.testplugins.sequence.SequenceSourceConnector",
                    "tasks.max", Integer.toString(TASKS), "topic", topic, "interval.ms", "100"));
            assertEquals(201, created.status(), created.raw());
            awaitTasksOn(a1, Set.of("sluice-1", "apache-1", "apache-2"));
            for (RestClient any : List.of(s1, a1, a2)) {
                assertEquals(taskOwners(s1), taskOwners(any), "every worker tells the same status");
            }
            // a restart through an Apache worker of a task on the other: via the Sluice leader to the task's worker
            int onOtherApache = taskOwners(s1).entrySet().stream().filter(e -> e.getValue().equals("apache-1"))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            assertEquals(204, a2.post("/connectors/sequence/tasks/" + onOtherApache + "/restart", null).status());
            // a connector restart sent to an Apache worker: the Sluice leader's answer must be one Apache reads (it
            // refused the live figures of Sluice's status, answering 500 for a restart it had made happen)
            RestClient.Response restarted = a1.post("/connectors/sequence/restart?includeTasks=true", null);
            assertEquals(202, restarted.status(), restarted.raw());
            awaitTasksOn(a1, Set.of("sluice-1", "apache-1", "apache-2"));
            aConnectorOnAnApacheWorkerStopsForGoodWhenTheSluiceLeaderStopsIt(s1, List.of(s1, a1, a2));
            // a cluster-wide log level written by the Sluice worker is applied by the Apache workers
            assertEquals(204, s1.put("/admin/loggers/org.reflections?scope=cluster", Map.of("level", "WARN")).status());
            Await.until(() -> "WARN".equals(a1.get("/admin/loggers/org.reflections").body().path("level").asText()),
                    WAIT, "Apache worker applies the level the Sluice worker set for the cluster");

            // kill -9 the Sluice worker, the leader: the Apache workers take its tasks
            sluice1.kill();
            awaitTasksOn(a1, Set.of("apache-1", "apache-2"));

            // back, it follows the Apache leader; requests to it are forwarded there and to the task's worker
            s1 = sluice1.start();
            awaitTasksOn(a1, Set.of("sluice-1", "apache-1", "apache-2"));
            Map<String, String> config = new TreeMap<>(a1.get("/connectors/sequence/config").as(
                    new com.fasterxml.jackson.core.type.TypeReference<Map<String, String>>() { }));
            config.put("interval.ms", "50");
            assertEquals(200, s1.put("/connectors/sequence/config", config).status());
            Await.until(() -> "50".equals(a2.get("/connectors/sequence/config").body().path("interval.ms").asText()),
                    WAIT, "config change made through the Sluice worker");
            awaitTasksOn(a1, Set.of("sluice-1", "apache-1", "apache-2"));
            int onApache = taskOwners(s1).entrySet().stream().filter(e -> e.getValue().startsWith("apache"))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            assertEquals(204, s1.post("/connectors/sequence/tasks/" + onApache + "/restart", null).status());
            // a task on the Sluice worker, which follows: restarted whichever worker is asked (it knows only its own
            // share under Apache's protocol and sent the Apache leader's second hop back to it, a 409)
            int onSluice = taskOwners(s1).entrySet().stream().filter(e -> e.getValue().equals("sluice-1"))
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            for (RestClient any : List.of(s1, a1, a2)) {
                RestClient.Response restart = any.post("/connectors/sequence/tasks/" + onSluice + "/restart", null);
                assertEquals(204, restart.status(), restart.raw());
            }

            // kill -9 an Apache worker
            apache1.kill();
            awaitTasksOn(s1, Set.of("sluice-1", "apache-2"));

            // replace the Apache workers with Sluice ones, one at a time: the new one joins, the old one leaves
            Map<TopicPartition, Long> replacementStart = endOffsets(statusTopic);
            WorkerLauncher sluice2 = sluice("sluice-2");
            RestClient s2 = sluice2.start();
            awaitTasksOn(s2, Set.of("sluice-1", "sluice-2", "apache-2"));
            WorkerLauncher sluice3 = sluice("sluice-3");
            RestClient s3 = sluice3.start();
            awaitTasksOn(s3, Set.of("sluice-1", "sluice-2", "sluice-3", "apache-2"));
            long departure = System.currentTimeMillis();
            apache2.stop();
            awaitTasksOn(s3, Set.of("sluice-1", "sluice-2", "sluice-3"));
            Await.until(() -> sluice3.logText().contains("The Connect group now runs the sluice-1 protocol"), WAIT,
                    "a group of Sluice workers only goes back to Sluice's protocol");

            assertEquals(Map.of(), handoversLongerThanOneRebalance(replacementStart, departure),
                    "no task stopped for longer than one rebalance while the Apache workers were replaced");
            assertEquals(Map.of(), gaps(topic), "no task's sequence misses a record");
        } catch (AssertionError | RuntimeException e) {
            StringBuilder logs = new StringBuilder(String.valueOf(e.getMessage()));
            for (WorkerLauncher worker : launched) {
                logs.append("\n--- ").append(worker.restUrl()).append(":\n").append(worker.tail());
            }
            throw new AssertionError(logs.toString(), e);
        }
    }

    /**
     * With Sluice leading, a connector whose instance runs on an Apache worker is stopped: its task must go (status
     * and task configs alike, on every worker), its offsets can be changed, and a resume runs it from them. The Apache
     * worker only stops the connector and leaves the empty task configs to the leader, as Apache's leader writes them;
     * Sluice's leader did not, and the task ran on, shown RUNNING by the Apache worker and gone by the Sluice one.
     */
    private void aConnectorOnAnApacheWorkerStopsForGoodWhenTheSluiceLeaderStopsIt(RestClient leader,
                                                                                   List<RestClient> all) {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("parked"), 1);
        List<String> created = new ArrayList<>();
        String onApache = null;
        // connectors are spread one per worker: of three more, at least one runs on an Apache worker
        for (int i = 0; i < 3 && onApache == null; i++) {
            String name = "parked-" + i;
            assertEquals(201, leader.createConnector(name, Map.of("connector.class",
                    "io.sluice.testplugins.sequence.SequenceSourceConnector", "tasks.max", "1", "topic", topic,
                    "interval.ms", "100")).status());
            created.add(name);
            Await.until(() -> "RUNNING".equals(leader.get("/connectors/" + name + "/status").body()
                    .path("tasks").path(0).path("state").asText()), WAIT, name + "'s task RUNNING");
            String worker = names.get(leader.get("/connectors/" + name + "/status").body().path("connector")
                    .path("worker_id").asText());
            onApache = worker != null && worker.startsWith("apache") ? name : null;
        }
        assertTrue(onApache != null, "one of " + created + " runs on an Apache worker");
        String stopped = onApache;
        assertEquals(204, leader.put("/connectors/" + stopped + "/stop", null).status());
        // Apache's workers list every task status stored: the task's last report (UNASSIGNED) until the leader
        // deletes the statuses of removed tasks after the next rebalance, as Apache's does
        for (RestClient any : all) {
            Await.until(() -> {
                JsonNode status = any.get("/connectors/" + stopped + "/status").body();
                boolean noTaskRuns = java.util.stream.StreamSupport.stream(status.path("tasks").spliterator(), false)
                        .noneMatch(task -> task.path("state").asText().equals("RUNNING"));
                return "STOPPED".equals(status.path("connector").path("state").asText()) && noTaskRuns
                        && any.get("/connectors/" + stopped + "/tasks").body().isEmpty();
            }, WAIT, () -> "every worker shows " + stopped + " STOPPED with no task running; " + any.get(
                    "/connectors/" + stopped + "/status").raw() + ", tasks " + any.get("/connectors/" + stopped
                    + "/tasks").raw() + "; status records: " + readFrom(statusTopic, endOffsets(statusTopic).keySet().stream()
                    .collect(Collectors.toMap(p -> p, p -> 0L))).stream()
                    .filter(r -> r.key().contains(stopped)).map(r -> r.key() + "=" + r.value())
                    .collect(Collectors.joining("; ")));
        }
        long before = KafkaTestBroker.consumeToEnd(topic).size();
        pause(2_000);
        assertEquals(before, KafkaTestBroker.consumeToEnd(topic).size(), "nothing produced once stopped");
        JsonNode partition = leader.get("/connectors/" + stopped + "/offsets").body().path("offsets").path(0)
                .path("partition");
        RestClient.Response patched = leader.patch("/connectors/" + stopped + "/offsets", Map.of("offsets",
                List.of(Map.of("partition", partition, "offset", Map.of("seq", 100_000)))));
        assertEquals(200, patched.status(), patched.raw());
        assertEquals(202, leader.put("/connectors/" + stopped + "/resume", null).status());
        Await.until(() -> KafkaTestBroker.consumeToEnd(topic).stream().anyMatch(r -> r.value().endsWith(":100001")),
                WAIT, stopped + " resumed from the offset set while it was stopped");
        for (String name : created) {
            assertEquals(204, leader.delete("/connectors/" + name).status());
        }
    }

    private static void pause(long ms) {
        try {
            Thread.sleep(ms); // a window in which a stopped task would have written (interval.ms 100)
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private WorkerLauncher sluice(String name) throws IOException {
        int port = WorkerLauncher.freePort();
        WorkerLauncher worker = new WorkerLauncher(Files.createDirectories(dir.resolve(name)), port, props).distributed();
        return named(name, port, worker);
    }

    private WorkerLauncher apache(String name) throws IOException {
        int port = WorkerLauncher.freePort();
        return named(name, port, WorkerLauncher.apache(Files.createDirectories(dir.resolve(name)), port, props));
    }

    private WorkerLauncher named(String name, int port, WorkerLauncher worker) {
        names.put("127.0.0.1:" + port, name);
        launched.add(worker);
        return worker;
    }

    /** Task number to the name of the worker running it, as a worker's status API tells. */
    private Map<Integer, String> taskOwners(RestClient rest) {
        Map<Integer, String> owners = new TreeMap<>();
        JsonNode status = rest.get("/connectors/sequence/status").body();
        if (status == null) {
            return owners;
        }
        for (JsonNode task : status.path("tasks")) {
            if ("RUNNING".equals(task.path("state").asText())) {
                owners.put(task.path("id").asInt(), names.getOrDefault(task.path("worker_id").asText(), "?"));
            }
        }
        return owners;
    }

    /** Waits until all tasks run, on exactly the given workers, each with at least two (a fair share of nine). */
    private void awaitTasksOn(RestClient rest, Set<String> workers) {
        Await.until(() -> {
            Map<Integer, String> owners = taskOwners(rest);
            Map<String, Long> perWorker = owners.values().stream()
                    .collect(Collectors.groupingBy(w -> w, TreeMap::new, Collectors.counting()));
            return owners.size() == TASKS && perWorker.keySet().equals(workers)
                    && perWorker.values().stream().allMatch(n -> n >= TASKS / workers.size() - 1);
        }, WAIT, TASKS + " tasks running spread over " + workers);
    }

    /**
     * Every handover of a task in the status topic since `from` that took more than one rebalance: the generation
     * of its next RUNNING status past the one its UNASSIGNED status was written in. An Apache worker writes that
     * of a task revoked in a rebalance with the generation before it, so it is allowed one more, except when it
     * stops its tasks to leave (after `departure`): those are written with the generation they ran in.
     */
    private Map<String, String> handoversLongerThanOneRebalance(Map<TopicPartition, Long> from, long departure) {
        Map<String, String> slow = new TreeMap<>();
        Map<String, JsonNode> stopped = new HashMap<>();
        for (ConsumerRecord<String, String> record : readFrom(statusTopic, from)) {
            if (!record.key().startsWith("status-task-sequence-") || record.value() == null) {
                continue;
            }
            JsonNode status = parse(record.value());
            String state = status.path("state").asText();
            if (state.equals("UNASSIGNED")) {
                boolean revokedByApache = names.getOrDefault(status.path("worker_id").asText(), "").startsWith("apache")
                        && record.timestamp() < departure;
                stopped.put(record.key(), ((ObjectNode) status.deepCopy()).put("allowed", revokedByApache ? 2 : 1));
            } else if (state.equals("RUNNING") && stopped.containsKey(record.key())) {
                JsonNode stop = stopped.remove(record.key());
                int allowed = stop.path("allowed").asInt();
                if (status.path("generation").asInt() - stop.path("generation").asInt() > allowed) {
                    slow.put(record.key(), "stopped by " + stop + ", started by " + status);
                }
            }
        }
        return slow;
    }

    /** Per task, the sequence numbers missing below the highest one written (duplicates are allowed). */
    private static Map<String, Set<Long>> gaps(String topic) {
        Map<String, TreeSet<Long>> seen = new TreeMap<>();
        for (ConsumerRecord<String, String> record : KafkaTestBroker.consumeToEnd(topic)) {
            String[] parts = record.value().split(":");
            seen.computeIfAbsent(parts[0], t -> new TreeSet<>()).add(Long.parseLong(parts[1]));
        }
        assertEquals(TASKS, seen.size(), "every task wrote records: " + seen.keySet());
        Map<String, Set<Long>> gaps = new TreeMap<>();
        seen.forEach((task, seqs) -> {
            Set<Long> missing = new TreeSet<>();
            for (long seq = 0; seq <= seqs.last(); seq++) {
                if (!seqs.contains(seq)) {
                    missing.add(seq);
                }
            }
            assertTrue(seqs.size() > 10, "task " + task + " ran: " + seqs.size() + " records");
            if (!missing.isEmpty()) {
                gaps.put(task, missing);
            }
        });
        return gaps;
    }

    private static Map<TopicPartition, Long> endOffsets(String topic) {
        try (KafkaConsumer<String, String> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            return consumer.endOffsets(partitions);
        }
    }

    private static List<ConsumerRecord<String, String>> readFrom(String topic, Map<TopicPartition, Long> from) {
        List<ConsumerRecord<String, String>> records = new ArrayList<>();
        Map<TopicPartition, Long> to = endOffsets(topic);
        try (KafkaConsumer<String, String> consumer = consumer()) {
            consumer.assign(to.keySet());
            from.forEach(consumer::seek);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (to.entrySet().stream().anyMatch(e -> consumer.position(e.getKey()) < e.getValue())) {
                assertTrue(System.nanoTime() < deadline, "read " + topic + " to " + to);
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaConsumer<String, String> consumer() {
        return new KafkaConsumer<>(Map.of("bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "enable.auto.commit", "false"), new StringDeserializer(), new StringDeserializer());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new AssertionError("not JSON: " + json, e);
        }
    }
}
