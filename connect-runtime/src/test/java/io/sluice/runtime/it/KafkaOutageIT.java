package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import io.sluice.runtime.worker.TestSourceConnector;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** While its Kafka is down, a worker keeps answering reads and refuses changes with a clear error, in bounded time. */
class KafkaOutageIT {
    private static final long STORAGE_TIMEOUT_MS = 8_000;

    @TempDir
    Path dir;
    /** The port of this test's {@link #killableKafka()}. */
    private int killablePort;

    @Test
    void aChangeWhileKafkaIsDownFailsWithinTheStoreTimeoutSayingSoAndIsNeverMadeLater() {
        int kafkaPort = WorkerLauncher.freePort();
        EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), kafkaPort).start();
        // what is proved is that the refusal comes within the store's timeout, not its default length: a short one
        try (TestWorker worker = TestWorker.standalone().with("bootstrap.servers", broker.bootstrapServers())
                .with("storage.timeout.ms", String.valueOf(STORAGE_TIMEOUT_MS))
                .pluginPath(dir.resolve("plugins")).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("before", source()).status());
            // its task configs are written on the herder's thread: Kafka going away before that would keep the
            // thread on that write for the store's timeout and the change below would wait behind it
            worker.assertions().within(Duration.ofSeconds(30)).awaitTaskState("before", 0, "RUNNING");
            broker.close();

            long began = System.nanoTime();
            RestClient.Response refused = rest.createConnector("during", source());
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            assertEquals(500, refused.status(), refused.raw());
            assertTrue(refused.body().path("message").asText().contains("is Kafka reachable?"), refused.raw());
            assertTrue(tookMs < STORAGE_TIMEOUT_MS + 10_000, "answered after " + tookMs
                    + " ms (storage.timeout.ms is " + STORAGE_TIMEOUT_MS + "; it was rest.request.timeout.ms' 90 s)");
            assertEquals(200, rest.get("/connectors").status(), "reads go on from what the worker knows");
            assertEquals(200, rest.get("/connectors/before/status").status());
            assertEquals(404, rest.get("/connectors/during").status(), "nothing was made");

            broker = new EmbeddedKafkaBroker(dir.resolve("kafka"), kafkaPort).start();
            assertEquals(201, rest.createConnector("after", source()).status(), "changes work again once Kafka is back");
            // the refused create was still in the store's producer: it must not have landed before "after" did
            assertEquals(404, rest.get("/connectors/during").status(), "a refused change is never applied later");
        } finally {
            broker.close();
        }
    }

    /**
     * Kafka killed, not stopped: the store's producer keeps the topic's metadata and takes the record into its
     * buffer, so it is not refused at once as above but waits there for a broker. The caller is told it failed, so
     * the record must never be sent once Kafka is back (with the client's 120 s delivery timeout it was).
     */
    @Test
    void aCreateRefusedWhileKafkaWasKilledIsNotAppliedWhenKafkaComesBack() throws IOException {
        WorkerLauncher kafka = killableKafka();
        try (TestWorker worker = workerOnKillableKafka()) {
            RestClient rest = worker.rest();
            createRunning(worker, "before", source());
            kafka.kill();

            RestClient.Response refused = rest.createConnector("during", source());
            assertEquals(500, refused.status(), refused.raw());
            assertTrue(refused.body().path("message").asText().contains("is Kafka reachable?"), refused.raw());

            kafka.start();
            awaitChangesAccepted(rest);
            // the store read the topic to "after", which the buffered "during" would have preceded
            assertEquals(404, rest.get("/connectors/during").status(), "a refused create was applied later");
            assertEquals(200, rest.get("/connectors/before").status());
        } finally {
            kafka.close();
        }
    }

    /**
     * The tester's story: a worker's status answered the state its previous run left in the topic (UNASSIGNED) for
     * seconds after it had started the connector, for as long as its own status write took. Kafka killed makes that
     * write take the whole outage: a task that fails meanwhile must answer FAILED at once, not RUNNING until Kafka
     * is back, and stay FAILED once its late record is read back.
     */
    @Test
    void aTaskThatFailsWhileKafkaIsKilledAnswersFailedAtOnceAndAfterKafkaIsBack() throws Exception {
        WorkerLauncher kafka = killableKafka();
        try (TestWorker worker = workerOnKillableKafka(TestWorker.standalone().with("status.storage.topic", "breaks-status"))) {
            RestClient rest = worker.rest();
            createRunning(worker, "breaks", source());
            // past its start (which reads offsets from Kafka): polling, so it can fail while Kafka is away
            TestSourceConnector.Observed task = TestSourceConnector.observed("breaks");
            int polls = task.polls.get();
            Await.until(() -> task.polls.get() > polls + 1, Duration.ofSeconds(30), "the task polls");
            kafka.kill();

            task.failFromNow.set(true);
            // well within the store's timeout: the answer must not wait for Kafka at all
            Await.until(() -> taskState(rest, "breaks").equals("FAILED"), Duration.ofSeconds(STORAGE_TIMEOUT_MS / 2_000),
                    () -> "the failed task's status while Kafka is away: " + rest.get("/connectors/breaks/status").raw());
            assertEquals(200, rest.get("/connectors/breaks/status").status());
            // tryout14: a restart asked then (standalone: no config topic write) answered 500 after the store's
            // timeout and left connector and task RESTARTING for good; it is made, and the task fails again
            RestClient.Response restart = rest.post("/connectors/breaks/restart?includeTasks=true", Map.of());
            assertEquals(202, restart.status(), restart.raw());
            Await.until(() -> taskState(rest, "breaks").equals("FAILED") && rest.get("/connectors/breaks/status").body()
                            .path("connector").path("state").asText().equals("RUNNING"), Duration.ofSeconds(60),
                    () -> "after the restart: " + rest.get("/connectors/breaks/status").raw());
            // Kafka away for longer than the store's timeout: the first send of the report has expired by then, so
            // only sending it again can bring it to the topic
            Thread.sleep(STORAGE_TIMEOUT_MS + 2_000);

            kafka.start();
            awaitChangesAccepted(rest);
            assertEquals("FAILED", taskState(rest, "breaks"));
            // and other workers and tools reading the status topic see it too: the report reached Kafka (tryout14
            // found it never did: the write that failed during the outage was not sent again)
            Await.until(() -> lastValue("breaks-status", "status-task-breaks-0").contains("\"FAILED\""),
                    Duration.ofSeconds(60), () -> "the status topic's record of the task: "
                            + lastValue("breaks-status", "status-task-breaks-0"));
        } finally {
            kafka.close();
        }
    }

    /**
     * The tester's story (tryout16): a standalone worker's Kafka killed, a restart of a running connector with its
     * tasks, then a create and a pause sent a moment later: those answered after twice storage.timeout.ms, queued
     * behind the restart, which stopped and started the connector's tasks while Kafka was away. A change that cannot
     * start within the store's timeout of its arrival is refused then, and never made later.
     */
    @Test
    void aChangeQueuedBehindARestartWhileKafkaIsKilledFailsWithinTheStoreTimeoutOfItsArrival() throws Exception {
        WorkerLauncher kafka = killableKafka();
        try (TestWorker worker = workerOnKillableKafka()) {
            RestClient rest = worker.rest();
            createRunning(worker, "restarted", Map.of("connector.class", "io.sluice.runtime.worker.TestSinkConnector",
                    "topics", "outage-topic"));
            kafka.kill();

            ExecutorService clients = Executors.newFixedThreadPool(2);
            try {
                Future<RestClient.Response> restart = clients.submit(
                        () -> rest.post("/connectors/restarted/restart?includeTasks=true", Map.of()));
                Thread.sleep(300);
                long began = System.nanoTime();
                RestClient.Response create = rest.createConnector("behind", source());
                long tookMs = (System.nanoTime() - began) / 1_000_000;
                assertTrue(create.status() >= 500 && create.raw().contains("is Kafka reachable?"), create.raw());
                assertTrue(tookMs < STORAGE_TIMEOUT_MS + 4_000, "answered after " + tookMs + " ms (storage.timeout.ms "
                        + STORAGE_TIMEOUT_MS + "), restart: " + (restart.isDone() ? restart.get().raw() : "still running"));
                restart.get(120, TimeUnit.SECONDS);
            } finally {
                clients.shutdownNow();
            }
            kafka.start();
            awaitChangesAccepted(rest);
            assertEquals(404, rest.get("/connectors/behind").status(), "the refused create is never made");
        } finally {
            kafka.close();
        }
    }

    /**
     * The tester's story (tryout15): a source with max.block.ms of 5 s kept RUNNING through a minute of its broker
     * killed, failing only once the broker was back. Each send of its batch waited max.block.ms for the topic's
     * metadata (gone with the broker) and handed its failure to the callback, which was read only after the whole
     * batch: up to a batch's size times max.block.ms. The first failed send must fail the task, as in Apache.
     */
    @Test
    void aSourceWhoseSendsTimeOutWhileKafkaIsKilledFailsWithinSecondsNotAfterItsWholeBatch() throws Exception {
        WorkerLauncher kafka = killableKafka();
        try (TestWorker worker = workerOnKillableKafka()) {
            RestClient rest = worker.rest();
            Map<String, String> config = new HashMap<>(source());
            config.putAll(Map.of("count", "-1", "batch.size", "2000", "producer.override.max.block.ms", "2000",
                    "producer.override.request.timeout.ms", "2000", "producer.override.delivery.timeout.ms", "3000",
                    "producer.override.linger.ms", "0"));
            createRunning(worker, "blocked", config);
            TestSourceConnector.Observed task = TestSourceConnector.observed("blocked");
            int polls = task.polls.get();
            Await.until(() -> task.polls.get() > polls + 1, Duration.ofSeconds(30), "the task polls");
            kafka.kill();

            // the old runner: 2,000 sends of 2 s each before the first failure was read
            Await.until(() -> taskState(rest, "blocked").equals("FAILED"), Duration.ofSeconds(30),
                    () -> "the task whose sends fail while Kafka is away: " + rest.get("/connectors/blocked/status").raw());
            assertTrue(rest.get("/connectors/blocked/status").raw().contains("producer"),
                    "the trace says the producer failed");
        } finally {
            kafka.close();
        }
    }

    /**
     * The tester's story (tryout15): in the first two minutes of a broker outage, 2,610 of the worker's 2,637 log
     * lines were the Kafka clients' NetworkClient warnings (some 15 clients, each failing to connect every second),
     * burying the 27 that said what failed. The outage still shows, then a line now and then, and the rest stays.
     */
    @Test
    void aKafkaOutageLeavesTheWorkersLogReadable() throws Exception {
        WorkerLauncher kafka = killableKafka();
        Path workDir = Files.createDirectories(dir.resolve("launched"));
        try (WorkerLauncher worker = new WorkerLauncher(workDir, WorkerLauncher.freePort(), Map.of(
                "bootstrap.servers", "127.0.0.1:" + killablePort, "plugin.path", dir.resolve("plugins").toString(),
                "storage.timeout.ms", String.valueOf(STORAGE_TIMEOUT_MS), "offset.flush.interval.ms", "1000"))) {
            RestClient rest = worker.start();
            Map<String, String> config = new HashMap<>(source());
            config.put("count", "-1");
            assertEquals(201, rest.createConnector("chatty", config).status());
            Await.until(() -> taskState(rest, "chatty").equals("RUNNING"), Duration.ofSeconds(30), "the task runs");
            kafka.kill();
            int before = worker.logText().split("\n").length;
            long began = System.nanoTime();
            RestClient.Response refused = rest.put("/connectors/chatty/config", config);
            assertTrue(refused.status() >= 500 && refused.raw().contains("is Kafka reachable?"), refused.raw());
            Thread.sleep(Math.max(0, 20_000 - (System.nanoTime() - began) / 1_000_000));

            List<String> during = List.of(worker.logText().split("\n")).subList(before, worker.logText().split("\n").length);
            long network = during.stream().filter(line -> line.endsWith("(NetworkClient)")).count();
            assertTrue(network > 0, "the outage shows: " + String.join("\n", during));
            assertTrue(network <= 30, network + " NetworkClient lines in 20 s of outage, of " + during.size());
            // the refused change: one line saying why, not a stack trace (tryout16)
            assertTrue(during.stream().anyMatch(line -> line.contains("Request refused: ")
                    && line.contains("is Kafka reachable?")), String.join("\n", during));
            assertTrue(during.stream().noneMatch(line -> line.startsWith("\tat ")), String.join("\n", during));
        } finally {
            kafka.close();
        }
    }

    /**
     * The testers' stories: four changes sent at once to a distributed worker whose Kafka was killed; the second
     * answered after twice storage.timeout.ms, because it waited its turn behind the first and then a whole timeout
     * of its own. Three PUT /connectors/X/config to a standalone worker answered after one, two and three timeouts.
     * Each must fail within the store's timeout of its own arrival, saying why.
     */
    @ParameterizedTest(name = "distributed: {0}")
    @ValueSource(booleans = {true, false})
    void changesSentTogetherWhileKafkaIsKilledEachFailWithinTheStoreTimeoutOfTheirArrival(boolean distributed)
            throws Exception {
        WorkerLauncher kafka = killableKafka();
        try (TestWorker worker = workerOnKillableKafka(distributed
                ? TestWorker.distributed(KafkaTestBroker.uniqueTopic("outage")) : TestWorker.standalone())) {
            RestClient rest = worker.rest();
            createRunning(worker, "before", source());
            kafka.kill();

            ExecutorService clients = Executors.newFixedThreadPool(3);
            try {
                List<Future<long[]>> answers = new ArrayList<>();
                for (int i = 0; i < 3; i++) {
                    String name = "during-" + i;
                    answers.add(clients.submit(() -> {
                        long began = System.nanoTime();
                        RestClient.Response refused = rest.put("/connectors/" + name + "/config", source());
                        assertTrue(refused.status() >= 500 || refused.status() == 409, refused.raw());
                        assertTrue(refused.raw().contains("is Kafka reachable?")
                                || refused.raw().contains("cannot reach Kafka"), refused.raw());
                        return new long[] {(System.nanoTime() - began) / 1_000_000};
                    }));
                }
                for (Future<long[]> answer : answers) {
                    long tookMs = answer.get(120, TimeUnit.SECONDS)[0];
                    assertTrue(tookMs < STORAGE_TIMEOUT_MS + 4_000, "answered after " + tookMs + " ms (storage.timeout.ms "
                            + STORAGE_TIMEOUT_MS + "): it waited behind the others and then a whole timeout");
                }
            } finally {
                clients.shutdownNow();
            }
        } finally {
            kafka.close();
        }
    }

    /**
     * The tester's story: GET /connectors answered 500 on a distributed worker whose Kafka was killed, after waiting
     * the store's timeout. Reads answer at once from what the worker has read of the config topic, as Apache's do;
     * changes are refused within the store's timeout with a message that says why, and no class name.
     */
    @Test
    void aDistributedWorkerWhoseKafkaIsKilledAnswersReadsFromWhatItKnowsAndRefusesChangesSayingWhy() throws Exception {
        WorkerLauncher kafka = killableKafka();
        try (TestWorker worker = workerOnKillableKafka(TestWorker.distributed(KafkaTestBroker.uniqueTopic("reads")))) {
            RestClient rest = worker.rest();
            createRunning(worker, "before", source());
            kafka.kill();

            for (String path : List.of("/connectors", "/connectors/before", "/connectors/before/config",
                    "/connectors/before/status", "/connectors/before/tasks", "/connectors?expand=status&expand=info")) {
                long began = System.nanoTime();
                RestClient.Response read = rest.get(path);
                assertEquals(200, read.status(), path + ": " + read.raw());
                assertTrue(read.raw().contains("before"), path + ": " + read.raw());
                assertTrue(msSince(began) < 3_000, path + " answered after " + msSince(began) + " ms");
            }
            List<RestClient.Response> changes = new ArrayList<>();
            for (String method : List.of("PUT", "DELETE")) {
                long began = System.nanoTime();
                RestClient.Response refused = method.equals("PUT")
                        ? rest.put("/connectors/before/config", source()) : rest.delete("/connectors/before");
                assertTrue(msSince(began) < STORAGE_TIMEOUT_MS + 4_000, method + " answered after " + msSince(began) + " ms");
                changes.add(refused);
            }
            for (RestClient.Response refused : changes) {
                assertTrue(refused.status() == 409 || refused.status() >= 500, refused.raw());
                assertEquals(refused.status(), refused.body().path("error_code").asInt(), refused.raw());
                String message = refused.body().path("message").asText();
                assertTrue(message.contains("Kafka"), refused.raw());
                assertTrue(!message.matches("(?s).*\\b(java|org|io)\\.[a-z]+\\..*") && !message.contains("Exception"),
                        "a class name in " + refused.raw());
            }
            assertEquals(200, rest.get("/connectors/before").status(), "the refused delete deleted nothing");
        } finally {
            kafka.close();
        }
    }

    /** Creates the connector and waits until its task runs: past its start, which reads and writes Kafka. */
    private static void createRunning(TestWorker worker, String name, Map<String, String> config) {
        assertEquals(201, worker.rest().createConnector(name, config).status());
        worker.assertions().within(Duration.ofSeconds(30)).awaitTaskState(name, 0, "RUNNING");
    }

    /** Waits until Kafka, started again, takes changes: a connector "after" is created. */
    private static void awaitChangesAccepted(RestClient rest) {
        Await.until(() -> rest.createConnector("after", source()).status() == 201, Duration.ofSeconds(120),
                () -> "a create accepted once Kafka is back");
    }

    /** A worker process with an embedded broker: the Kafka that can be killed -9 (and started again on its data). */
    private WorkerLauncher killableKafka() throws IOException {
        Files.createDirectories(dir.resolve("kafka-host"));
        killablePort = WorkerLauncher.freePort();
        WorkerLauncher kafka = new WorkerLauncher(dir.resolve("kafka-host"), WorkerLauncher.freePort(), Map.of(
                "embedded.kafka.dir", dir.resolve("kafka-host").resolve("data").toString(),
                "embedded.kafka.port", Integer.toString(killablePort),
                "plugin.path", dir.resolve("kafka-host-plugins").toString()));
        RestClient host = kafka.start();
        // with a fixed port its REST answers before the broker serves; GET /connectors waits for the broker
        Await.until(() -> host.get("/connectors").status() == 200, Duration.ofSeconds(120), "the broker serves");
        return kafka;
    }

    private TestWorker workerOnKillableKafka() {
        return workerOnKillableKafka(TestWorker.standalone());
    }

    private TestWorker workerOnKillableKafka(TestWorker.Builder worker) {
        return worker.with("bootstrap.servers", "127.0.0.1:" + killablePort)
                .with("storage.timeout.ms", String.valueOf(STORAGE_TIMEOUT_MS))
                .pluginPath(dir.resolve("plugins")).start();
    }

    private String lastValue(String topic, String key) {
        String last = "";
        for (ConsumerRecord<String, String> record : KafkaTestBroker.consumeToEnd("127.0.0.1:" + killablePort, topic)) {
            if (key.equals(record.key())) {
                last = String.valueOf(record.value());
            }
        }
        return last;
    }

    private static long msSince(long nanos) {
        return (System.nanoTime() - nanos) / 1_000_000;
    }

    private static String taskState(RestClient rest, String connector) {
        return rest.get("/connectors/" + connector + "/status").body().path("tasks").path(0).path("state").asText();
    }

    private static Map<String, String> source() {
        return Map.of("connector.class", "io.sluice.runtime.worker.TestSourceConnector", "topic", "outage-topic",
                "count", "0");
    }
}
