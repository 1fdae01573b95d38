package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.worker.TestSourceConnector;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The core of Apache's REST API, over HTTP: shapes, status codes, and JSON errors for every client mistake. */
class RestApiIT {

    @TempDir
    static Path dir;
    private static TestWorker worker;
    private static RestClient rest;

    @BeforeAll
    static void startWorker() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath).with("config.providers", "file")
                .with("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider").start();
        rest = worker.rest();
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    private static Map<String, String> sinkConfig(String file) {
        return Map.of("connector.class", "FileStreamSink", "file", dir.resolve(file).toString(),
                "topics", "rest-topic");
    }

    @Test
    void rootAnswersVersionAndKafkaClusterId() {
        RestClient.Response root = rest.get("/");
        assertEquals(200, root.status());
        assertEquals("4.3.1", root.body().path("version").asText());
        assertFalse(root.body().path("kafka_cluster_id").asText().isEmpty());
    }

    @Test
    void connectorLifecycleAnswersWithApachesShapesAndCodes() {
        RestClient.Response created = rest.createConnector("life", sinkConfig("life.txt"));
        assertEquals(201, created.status(), created.raw());
        assertEquals("life", created.body().path("name").asText());
        assertEquals("sink", created.body().path("type").asText());
        assertEquals("FileStreamSink", created.body().path("config").path("connector.class").asText());

        assertEquals(409, rest.createConnector("life", sinkConfig("life.txt")).status());
        assertTrue(rest.get("/connectors").raw().contains("\"life\""));
        assertEquals("life", rest.get("/connectors/life/config").body().path("name").asText());
        worker.assertions().within(Duration.ofSeconds(30)).awaitTaskState("life", 0, "RUNNING");
        JsonNode status = rest.get("/connectors/life/status").body();
        assertEquals("RUNNING", status.path("connector").path("state").asText());
        assertFalse(status.path("connector").path("worker_id").asText().isEmpty());
        JsonNode tasks = rest.get("/connectors/life/tasks").body();
        assertEquals("life", tasks.get(0).path("id").path("connector").asText());
        assertEquals(0, tasks.get(0).path("id").path("task").asInt());

        RestClient.Response updated = rest.put("/connectors/life/config", sinkConfig("life-2.txt"));
        assertEquals(200, updated.status(), updated.raw());
        assertTrue(updated.body().path("config").path("file").asText().endsWith("life-2.txt"));
        assertEquals(201, rest.put("/connectors/life-put/config", sinkConfig("put.txt")).status());

        JsonNode expanded = rest.get("/connectors?expand=status&expand=info").body();
        assertEquals("life", expanded.path("life").path("info").path("name").asText());
        assertTrue(expanded.path("life").path("status").has("connector"));

        assertEquals(204, rest.delete("/connectors/life").status());
        assertEquals(204, rest.delete("/connectors/life-put").status());
        assertEquals(404, rest.get("/connectors/life").status());
    }

    @Test
    void placeholdersAreResolvedWhenTasksStartButStoredAndReturnedUnresolved() throws Exception {
        Path output = dir.resolve("secret-target.txt");
        Path secrets = java.nio.file.Files.writeString(dir.resolve("secrets.properties"),
                "target=" + output.toString().replace("\\", "/") + "\n");
        String placeholder = "${file:" + secrets + ":target}";
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("secret"), 1);
        assertEquals(201, rest.createConnector("with-secret", Map.of(
                "connector.class", "FileStreamSink", "file", placeholder, "topics", topic,
                "value.converter", "org.apache.kafka.connect.storage.StringConverter")).status());

        assertEquals(placeholder, rest.get("/connectors/with-secret/config").body().path("file").asText());
        // as in Apache, the connector makes its task configs once it started, after the create answered
        Await.until(() -> rest.get("/connectors/with-secret/tasks").body().size() == 1, Duration.ofSeconds(30),
                "task configs made");
        assertEquals(placeholder, rest.get("/connectors/with-secret/tasks").body().get(0)
                .path("config").path("file").asText(), "task configs keep the placeholder too");
        KafkaTestBroker.produce(topic, "resolved");
        Await.until(() -> java.nio.file.Files.exists(output) && readQuietly(output).contains("resolved"),
                Duration.ofSeconds(30), "the task wrote to the resolved path");
        assertEquals(204, rest.delete("/connectors/with-secret").status());
    }

    @Test
    void restartEndpointsRestartTheConnectorAndItsTasks() {
        assertEquals(201, rest.createConnector("restartable", sinkConfig("restart.txt")).status());
        worker.assertions().within(Duration.ofSeconds(30)).awaitTaskState("restartable", 0, "RUNNING");
        assertEquals(204, rest.post("/connectors/restartable/restart", Map.of()).status());
        RestClient.Response withTasks = rest.post("/connectors/restartable/restart?includeTasks=true", Map.of());
        assertEquals(202, withTasks.status(), withTasks.raw());
        assertEquals(204, rest.post("/connectors/restartable/tasks/0/restart", Map.of()).status());
        assertError(rest.post("/connectors/restartable/tasks/7/restart", Map.of()), 404);
        worker.assertions().within(Duration.ofSeconds(30)).awaitRunning("restartable", 1);
        assertEquals(204, rest.delete("/connectors/restartable").status());
    }

    @Test
    void aRestartingTaskShowsNoTraceOfTheFailureItRestartsFrom() {
        // a file under a file: the sink's task fails at start, every time
        Path blocker = dir.resolve("restart-blocker");
        try {
            java.nio.file.Files.writeString(blocker, "a file, not a directory");
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        Map<String, String> config = sinkConfig("restart-blocker/out.txt");
        assertEquals(201, rest.createConnector("restarting", config).status());
        worker.assertions().within(Duration.ofSeconds(30)).awaitTaskState("restarting", 0, "FAILED");
        assertFalse(rest.get("/connectors/restarting/status").body().path("tasks").get(0).path("trace").asText()
                .isEmpty(), "the failed task has its trace");

        RestClient.Response restart = rest.post("/connectors/restarting/restart?includeTasks=true&onlyFailed=true", Map.of());
        assertEquals(202, restart.status(), restart.raw());
        JsonNode task = restart.body().path("tasks").get(0);
        assertEquals("RESTARTING", task.path("state").asText(), restart.raw());
        assertFalse(task.has("trace"), "a RESTARTING task carries no trace, as in Apache: " + restart.raw());
        assertFalse(restart.body().path("connector").has("trace"), restart.raw());
        worker.assertions().within(Duration.ofSeconds(30)).awaitTaskState("restarting", 0, "FAILED");
        assertEquals(204, rest.delete("/connectors/restarting").status());
    }

    private static String readQuietly(Path file) {
        try {
            return java.nio.file.Files.readString(file);
        } catch (java.io.IOException e) {
            return "";
        }
    }

    /**
     * The tester's story: a PUT of a changed config stopped and started the connector's task twice (both in the log
     * and in the task's status); Apache restarts it once, with the new connector and task configs together.
     */
    @Test
    void updatingAConnectorsConfigRestartsItsTasksOnce() throws InterruptedException {
        Map<String, String> config = new HashMap<>(Map.of("connector.class", "io.sluice.runtime.worker.TestSourceConnector",
                "topic", "updated-once", "count", "0"));
        assertEquals(201, rest.createConnector("updated-once", config).status());
        TestSourceConnector.Observed task = TestSourceConnector.observed("updated-once");
        Await.until(() -> task.starts.get() == 1 && "RUNNING".equals(rest.taskState("updated-once", 0)),
                Duration.ofSeconds(30), "the task runs");

        config.put("topic", "updated-once-next");
        assertEquals(200, rest.put("/connectors/updated-once/config", config).status());
        Await.until(() -> rest.get("/connectors/updated-once/tasks").raw().contains("updated-once-next")
                        && task.starts.get() >= 2 && "RUNNING".equals(rest.taskState("updated-once", 0)),
                Duration.ofSeconds(30), "the task runs with its new config");
        // the second start came right after the new task configs were stored, which has happened: a moment more
        // lets one still on its way show
        Thread.sleep(1_000);
        assertEquals(2, task.starts.get(), "starts of the task: created, then updated once");
        assertEquals(204, rest.delete("/connectors/updated-once").status());
    }

    @Test
    void clientMistakesGetJsonErrorsWithoutStackTraces() {
        assertError(rest.sendRaw("POST", "/connectors", "{not json"), 400);
        assertError(rest.sendRaw("POST", "/connectors", "{\"name\": \"x\"}"), 400);
        assertError(rest.post("/connectors", Map.of("name", "no-class", "config", Map.of("topics", "t"))), 400);
        assertError(rest.post("/connectors", Map.of("name", "bad-class",
                "config", Map.of("connector.class", "com.example.Missing", "topics", "t"))), 400);
        assertError(rest.get("/connectors/nope"), 404);
        assertError(rest.get("/connectors/nope/status"), 404);
        assertError(rest.delete("/connectors/nope"), 404);
        assertError(rest.put("/connectors/nope/pause", Map.of()), 404);
        assertError(rest.get("/no/such/path"), 404);
        assertError(rest.sendRaw("PUT", "/connectors/x/config", "[1,2]"), 400);
    }

    @Test
    void anEmptyConnectorClassIsRefusedAndNothingIsCreated() {
        RestClient.Response empty = rest.post("/connectors", Map.of("name", "empty-class", "config",
                Map.of("connector.class", "", "topics", "t")));
        assertError(empty, 400);
        assertTrue(empty.body().path("message").asText().contains("connector.class: Name a connector class"), empty.raw());
        assertError(rest.put("/connectors/empty-class/config", Map.of("connector.class", "  ", "topics", "t")), 400);
        assertError(rest.get("/connectors/empty-class"), 404);
    }

    @Test
    void unknownExpandValuesAreIgnoredAsApacheDoes() {
        assertEquals(201, rest.createConnector("expanded", sinkConfig("expanded.txt")).status());
        RestClient.Response bogus = rest.get("/connectors?expand=bogus");
        assertEquals(200, bogus.status(), bogus.raw());
        assertEquals(0, bogus.body().path("expanded").size(), "nothing to expand: {\"expanded\":{}} " + bogus.raw());
        RestClient.Response mixed = rest.get("/connectors?expand=bogus&expand=status");
        assertEquals(200, mixed.status(), mixed.raw());
        assertTrue(mixed.body().path("expanded").has("status"), mixed.raw());
        assertEquals(204, rest.delete("/connectors/expanded").status());
    }

    @Test
    void anEmptyContentTypeHeaderCountsAsNone() {
        // "Content-Type:" with nothing after it: a read works, a body is refused as having no type, in JSON
        assertEquals(200, rest.request("GET", "/connectors", null, "Content-Type", "").status());
        RestClient.Response post = rest.request("POST", "/connectors", "{\"name\":\"e\",\"config\":{}}",
                "Content-Type", "");
        assertError(post, 415);
    }

    @Test
    void invalidConfigIsRefusedWithEveryErrorNamedByField() {
        RestClient.Response refused = rest.createConnector("invalid", Map.of(
                "connector.class", "FileStreamSink", "tasks.max", "zero"));
        assertError(refused, 400);
        String message = refused.body().path("message").asText();
        assertTrue(message.contains("tasks.max"), message);
        assertTrue(message.contains("topics"), message);
        assertEquals(404, rest.get("/connectors/invalid").status(), "nothing was stored");
    }

    private static void assertError(RestClient.Response response, int status) {
        assertEquals(status, response.status(), response.raw());
        assertEquals(status, response.body().path("error_code").asInt(), response.raw());
        String message = response.body().path("message").asText();
        assertFalse(message.isEmpty(), response.raw());
        assertFalse(response.raw().contains("\tat ") || response.raw().contains("Exception:"), response.raw());
    }
}
