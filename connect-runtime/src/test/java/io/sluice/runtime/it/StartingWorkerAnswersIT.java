package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.LogCapture;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A worker on its embedded broker serves the connector list and configs as soon as its config topic is read, while
 * its status and offset topics are still read and its connectors start: every answer meanwhile is the one the
 * started worker gives, or a 503 "starting" (never a 404 for a stored connector, an empty list or a status not read
 * yet), and a change sent meanwhile waits for the start and is made.
 */
class StartingWorkerAnswersIT {
    private static final String SOURCE = "io.sluice.runtime.worker.TestSourceConnector";
    /** What a client asks of a stored, stopped connector; each answer is compared with the started worker's. */
    private static final List<String> READS = List.of("/connectors", "/connectors/kept", "/connectors/kept/config",
            "/connectors/kept/status", "/connectors/kept/tasks", "/connectors/kept/offsets",
            "/connectors/kept/topics", "/connectors?expand=status&expand=info", "/connector-plugins",
            "/connector-plugins/" + SOURCE + "/config");

    @TempDir
    Path dir;

    @Test
    void requestsSentWhileTheWorkerStartsGetTheStartedWorkersAnswerOrA503() throws Exception {
        int restPort = WorkerLauncher.freePort();
        TestWorker.Builder embedded = TestWorker.standalone().with("bootstrap.servers", null)
                .with("embedded.kafka.dir", dir.resolve("kafka").toString())
                .with("embedded.kafka.port", Integer.toString(WorkerLauncher.freePort()))
                .with("listeners", "http://127.0.0.1:" + restPort)
                .with("schema.registry.listeners", "http://127.0.0.1:0")
                .pluginPath(Files.createDirectories(dir.resolve("plugins")));
        Map<String, JsonNode> settled = new LinkedHashMap<>();
        try (TestWorker worker = embedded.start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.post("/connectors", Map.of("name", "kept", "initial_state", "STOPPED",
                    "config", Map.of("connector.class", SOURCE, "topic", "kept-topic"))).status());
            worker.assertions().within(Duration.ofSeconds(30)).awaitState("kept", "STOPPED");
            for (String path : READS) {
                RestClient.Response answer = rest.get(path);
                assertEquals(200, answer.status(), path + ": " + answer.raw());
                settled.put(path, answer.body());
            }
            fillStatusTopic(worker.bootstrapServers(), embedded.props().get("group.id") + "-status");
        }

        RestClient rest = new RestClient(URI.create("http://127.0.0.1:" + restPort + "/"));
        List<String> wrong = new CopyOnWriteArrayList<>();
        AtomicInteger listedWhileStarting = new AtomicInteger();
        CompletableFuture<RestClient.Response> createdWhileStarting = new CompletableFuture<>();
        try (LogCapture log = LogCapture.open()) {
            CompletableFuture<TestWorker> starting = CompletableFuture.supplyAsync(embedded::start,
                    command -> new Thread(command, "test-worker-start").start());
            TestWorker restarted = null;
            // one client per kind of request, asking again and again until the start ends: a request that waits for
            // the herder's start holds only its own kind
            List<Thread> askers = new ArrayList<>();
            for (String path : java.util.stream.Stream.concat(READS.stream(), java.util.stream.Stream.of("/health")).toList()) {
                Thread asker = new Thread(() -> {
                    while (true) {
                        boolean started = starting.isDone();
                        RestClient.Response answer = tryGet(rest, path);
                        if (answer == null) {
                            // not listening yet: ask again shortly rather than spin beside the start
                            java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(20));
                        } else if (!rightOrStarting(path, answer, settled.get(path))) {
                            wrong.add(path + " -> " + answer.status() + " " + answer.raw());
                        } else if (answer.status() == 200 && path.equals("/connectors") && !started) {
                            listedWhileStarting.incrementAndGet();
                            if (!createdWhileStarting.isDone()) {
                                // waits for the herder's start, then is made: not refused for a start about to end
                                createdWhileStarting.complete(rest.post("/connectors", Map.of("name", "late",
                                        "initial_state", "STOPPED",
                                        "config", Map.of("connector.class", SOURCE, "topic", "late"))));
                            }
                        }
                        if (started) {
                            return;
                        }
                    }
                }, "asks " + path);
                asker.start();
                askers.add(asker);
            }
            try {
                restarted = starting.get(120, TimeUnit.SECONDS);
                for (Thread asker : askers) {
                    asker.join(TimeUnit.SECONDS.toMillis(120));
                }
                assertEquals(List.of(), wrong, "answers while the worker started");
                // the herder writes the stopped connector's status again in the background, as before REST opened early
                restarted.assertions().within(Duration.ofSeconds(30)).awaitState("kept", "STOPPED");
                for (String path : READS) {
                    RestClient.Response answer = rest.get(path);
                    assertTrue(answer.status() == 200 && same(path, answer.body(), settled.get(path)),
                            path + " once started: " + answer.raw());
                }
                assertEquals("healthy", rest.get("/health").body().path("status").asText());
                assertTrue(listedWhileStarting.get() > 0,
                        "GET /connectors was answered only once the status topic was read");
                RestClient.Response created = createdWhileStarting.getNow(null);
                assertEquals(201, created.status(), created.raw());
                assertEquals(200, rest.get("/connectors/late").status());
            } finally {
                if (restarted == null && !starting.isCompletedExceptionally()) {
                    restarted = starting.get(120, TimeUnit.SECONDS);
                }
                if (restarted != null) {
                    restarted.close();
                }
            }
            // REST opens once the config topic is read, before the herder starts the connectors
            List<String> lines = log.lines();
            int listening = indexOf(lines, "REST server listening at");
            int herderStarted = indexOf(lines, "Herder started");
            assertTrue(listening >= 0 && herderStarted > listening, "REST opened at line " + listening
                    + ", the herder started at line " + herderStarted);
        }
    }

    /**
     * A status topic of a long-lived cluster, uncompacted yet: many records of a connector long deleted, so that its
     * read outlasts the config topic's by far and the requests above meet a worker that serves configs but has not
     * read its statuses.
     */
    private static void fillStatusTopic(String bootstrapServers, String topic) throws Exception {
        byte[] value = "{\"state\":\"UNASSIGNED\",\"trace\":null,\"worker_id\":\"gone:8083\",\"generation\":0}"
                .getBytes(java.nio.charset.StandardCharsets.UTF_8);
        byte[] key = "status-connector-long-deleted".getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.<String, Object>of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.LINGER_MS_CONFIG, 20,
                ProducerConfig.BATCH_SIZE_CONFIG, 256 * 1024), new ByteArraySerializer(), new ByteArraySerializer())) {
            for (int i = 0; i < 300_000; i++) {
                producer.send(new ProducerRecord<>(topic, key, value));
            }
            producer.flush();
        }
    }

    /** Null while nothing listens on the port yet (the JVM between the two starts). */
    private static RestClient.Response tryGet(RestClient rest, String path) {
        try {
            return rest.get(path);
        } catch (UncheckedIOException notListening) {
            return null;
        }
    }

    private static boolean rightOrStarting(String path, RestClient.Response answer, JsonNode settled) {
        if (path.equals("/health")) {
            String status = answer.body() == null ? "" : answer.body().path("status").asText();
            return answer.status() == 503 && status.equals("starting") || answer.status() == 200 && status.equals("healthy");
        }
        if (answer.status() == 503) {
            JsonNode body = answer.body();
            return body != null && body.path("error_code").asInt() == 503 && !body.path("message").asText().isEmpty();
        }
        if (answer.status() != 200) {
            return false;
        }
        if (path.equals("/connectors/kept/status")) {
            return readFromTheTopic(answer.body(), settled);
        }
        if (path.startsWith("/connectors?")) {
            JsonNode kept = answer.body().path("kept");
            return readFromTheTopic(kept.path("status"), settled.path("kept").path("status"))
                    && settled.path("kept").path("info").equals(kept.path("info"));
        }
        return same(path, answer.body(), settled);
    }

    /**
     * The stopped connector's status as the started worker shows it, or as the worker that stopped left it in the
     * status topic (UNASSIGNED, as Apache's workers leave theirs), until the herder writes STOPPED again; never the
     * UNASSIGNED without a version a store not read yet answers.
     */
    private static boolean readFromTheTopic(JsonNode status, JsonNode settled) {
        if (settled.equals(status)) {
            return true;
        }
        JsonNode connector = status.path("connector");
        return "UNASSIGNED".equals(connector.path("state").asText())
                && connector.path("version").isTextual() // written by the stopping worker; none in an unread store
                && settled.path("tasks").equals(status.path("tasks"));
    }

    /** The started worker's answer; the connector created while it started may be listed beside the stored one. */
    private static boolean same(String path, JsonNode answer, JsonNode settled) {
        if (path.equals("/connectors")) {
            List<String> names = new ArrayList<>();
            answer.forEach(n -> names.add(n.asText()));
            return names.equals(List.of("kept")) || Set.copyOf(names).equals(Set.of("kept", "late"));
        }
        if (path.startsWith("/connectors?")) {
            return settled.get("kept").equals(answer.get("kept"));
        }
        return settled.equals(answer);
    }

    private static int indexOf(List<String> lines, String text) {
        for (int i = 0; i < lines.size(); i++) {
            if (lines.get(i).contains(text)) {
                return i;
            }
        }
        return -1;
    }
}
