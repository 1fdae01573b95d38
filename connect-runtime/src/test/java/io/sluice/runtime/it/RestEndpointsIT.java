package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ConnectorAssertions;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Every endpoint of Apache's REST API beyond the core, over HTTP: status codes and body shapes. */
class RestEndpointsIT {
    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final String SINK = "org.apache.kafka.connect.file.FileStreamSinkConnector";

    @TempDir
    static Path dir;
    private static TestWorker worker;
    private static RestClient rest;
    private static ConnectorAssertions statuses;

    @BeforeAll
    static void startWorker() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath).with("offset.flush.interval.ms", "200").start();
        rest = worker.rest();
        statuses = worker.assertions().within(WAIT);
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    private static Map<String, String> sinkConfig(String file, String topic) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "FileStreamSink");
        config.put("file", dir.resolve(file).toString());
        config.put("topics", topic);
        config.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        return config;
    }

    @Test
    void healthIsHealthyOnceTheWorkerStarted() {
        RestClient.Response health = rest.get("/health");
        assertEquals(200, health.status(), health.raw());
        assertEquals("healthy", health.body().path("status").asText());
        assertFalse(health.body().path("message").asText().isEmpty());
    }

    @Test
    void trailingSlashNamesTheSameResource() {
        RestClient.Response withSlash = rest.get("/connectors/");
        assertEquals(200, withSlash.status(), withSlash.raw());
        assertTrue(withSlash.body().isArray());
        assertEquals(200, rest.get("/connector-plugins/").status());
    }

    @Test
    void patchMergesIntoTheConfigAndNullRemovesAKey() {
        Map<String, String> config = sinkConfig("patched.txt", "patch-topic");
        config.put("errors.tolerance", "all");
        assertEquals(201, rest.createConnector("patched", config).status());
        Map<String, String> patch = new HashMap<>();
        patch.put("errors.tolerance", null);
        patch.put("file", dir.resolve("patched-2.txt").toString());
        RestClient.Response patched = rest.patch("/connectors/patched/config", patch);
        assertEquals(200, patched.status(), patched.raw());
        assertEquals("patched", patched.body().path("name").asText());
        assertEquals("sink", patched.body().path("type").asText());
        JsonNode stored = rest.get("/connectors/patched/config").body();
        assertFalse(stored.has("errors.tolerance"), stored.toString());
        assertTrue(stored.path("file").asText().endsWith("patched-2.txt"));
        assertEquals("patch-topic", stored.path("topics").asText(), "keys not in the patch are kept");

        assertError(rest.patch("/connectors/patched/config", Map.of("name", "other")), 400);
        assertError(rest.patch("/connectors/missing/config", Map.of("file", "x")), 404);
        assertEquals(204, rest.delete("/connectors/patched").status());
    }

    @Test
    void putConfigWhoseNameDiffersFromThePathIsRefused() {
        Map<String, String> config = sinkConfig("named.txt", "named-topic");
        config.put("name", "another-name");
        RestClient.Response refused = rest.put("/connectors/named/config", config);
        assertError(refused, 400);
        assertEquals(404, rest.get("/connectors/named").status());
    }

    @Test
    void aConnectorNameTooLongForARequestUrlIsRefusedAtCreateSoNoConnectorIsLeftThatRestCannotAddress() {
        String tooLong = "x".repeat(10_000);
        Map<String, String> config = sinkConfig("long.txt", "long-topic");
        config.put("name", tooLong);
        RestClient.Response refused = rest.post("/connectors", Map.of("name", tooLong, "config", config));
        assertError(refused, 400);
        assertTrue(refused.body().path("message").asText().contains("too long"), refused.raw());
        // 1,000 CJK characters are 9,000 characters once encoded
        String wide = "\u6570".repeat(1_000);
        Map<String, String> wideConfig = sinkConfig("wide.txt", "wide-topic");
        wideConfig.put("name", wide);
        assertError(rest.post("/connectors", Map.of("name", wide, "config", wideConfig)), 400);
        // a URL Jetty takes but no longer than the limit allows: refused by PUT too
        assertError(rest.put("/connectors/" + "z".repeat(5_000) + "/config", sinkConfig("z.txt", "z-topic")), 400);
        assertFalse(rest.get("/connectors").raw().contains("xxxxxxxx") || rest.get("/connectors").raw().contains("zzzzzzzz"),
                "nothing was created");
        // a long name that fits is still a name like any other
        String fits = "y".repeat(1_000);
        assertEquals(201, rest.createConnector(fits, sinkConfig("fits.txt", "fits-topic")).status());
        assertEquals(200, rest.get("/connectors/" + fits + "/status").status());
        assertEquals(204, rest.delete("/connectors/" + fits).status());
    }

    @Test
    void tasksConfigListsEveryTaskConfigByTaskId() {
        assertEquals(201, rest.createConnector("tasks-config", sinkConfig("tc.txt", "tc-topic")).status());
        Await.until(() -> rest.get("/connectors/tasks-config/tasks-config").body().has("tasks-config-0"), WAIT,
                "task config generated");
        JsonNode tasks = rest.get("/connectors/tasks-config/tasks-config").body();
        assertEquals("tc-topic", tasks.path("tasks-config-0").path("topics").asText());
        assertFalse(tasks.path("tasks-config-0").path("task.class").asText().isEmpty());
        assertError(rest.get("/connectors/missing/tasks-config"), 404);
        assertEquals(204, rest.delete("/connectors/tasks-config").status());
    }

    @Test
    void pluginConfigIsFoundByClassNameSimpleNameAndAlias() {
        for (String name : List.of(SINK, "FileStreamSinkConnector", "FileStreamSink")) {
            RestClient.Response keys = rest.get("/connector-plugins/" + name + "/config");
            assertEquals(200, keys.status(), keys.raw());
            assertTrue(keys.body().isArray());
            boolean hasFile = false;
            for (JsonNode key : keys.body()) {
                assertTrue(key.has("type") && key.has("importance") && key.has("documentation"), key.toString());
                hasFile |= key.path("name").asText().equals("file");
            }
            assertTrue(hasFile, keys.raw());
        }
        RestClient.Response converter = rest.get("/connector-plugins/org.apache.kafka.connect.storage.StringConverter/config");
        assertEquals(200, converter.status(), converter.raw());
        assertError(rest.get("/connector-plugins/com.example.Nothing/config"), 404);

        Map<String, String> toValidate = sinkConfig("v.txt", "v-topic");
        toValidate.put("name", "validated");
        RestClient.Response validated = rest.put("/connector-plugins/FileStreamSink/config/validate", toValidate);
        assertEquals(200, validated.status(), validated.raw());
        assertEquals(0, validated.body().path("error_count").asInt(), validated.raw());
    }

    @Test
    void pluginListsWithoutConnectorsOnlyIncludeConvertersAndTransformsButNoProviders() {
        JsonNode all = rest.get("/connector-plugins?connectorsOnly=false").body();
        boolean converter = false;
        for (JsonNode plugin : all) {
            String type = plugin.path("type").asText();
            assertFalse(type.equals("config_provider") || type.equals("rest_extension"), plugin.toString());
            converter |= type.equals("converter");
        }
        assertTrue(converter, all.toString());
    }

    @Test
    void wrongMethodWrongContentTypeAndUnknownPathAreJsonErrors() {
        assertError(rest.request("DELETE", "/connectors", null), 405);
        assertError(rest.request("POST", "/connectors", "name=x", "Content-Type", "text/plain"), 415);
        assertError(rest.get("/no/such/path"), 404);
        assertError(rest.get("/connectors/x/y/z"), 404);
    }

    @Test
    void sourceOffsetsAreReadAlwaysButAlteredAndResetOnlyWhenStopped() throws Exception {
        Path input = Files.writeString(dir.resolve("source-input.txt"), "a\nb\nc\n");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("src-offsets"), 1);
        assertEquals(201, rest.createConnector("src-offsets", Map.of("connector.class", "FileStreamSource",
                "file", input.toString(), "topic", topic)).status());
        Await.until(() -> rest.get("/connectors/src-offsets/offsets").body().path("offsets").size() == 1
                && rest.get("/connectors/src-offsets/offsets").body().path("offsets").get(0).path("offset")
                .path("position").asLong() == 6, WAIT, "source offset committed");
        JsonNode entry = rest.get("/connectors/src-offsets/offsets").body().path("offsets").get(0);
        assertEquals(input.toString(), entry.path("partition").path("filename").asText());

        Map<String, Object> alter = Map.of("offsets", List.of(Map.of(
                "partition", Map.of("filename", input.toString()), "offset", Map.of("position", 2))));
        RestClient.Response running = rest.patch("/connectors/src-offsets/offsets", alter);
        assertError(running, 400);
        assertTrue(running.body().path("message").asText().startsWith(
                "Connectors must be in the STOPPED state before their offsets can be modified"), running.raw());

        assertEquals(204, rest.put("/connectors/src-offsets/stop", Map.of()).status());
        statuses.awaitState("src-offsets", "STOPPED");
        // the connector's alterOffsets refuses what its task could not use: a 400 with the connector's own words
        RestClient.Response notANumber = rest.patch("/connectors/src-offsets/offsets", Map.of("offsets", List.of(Map.of(
                "partition", Map.of("filename", input.toString()), "offset", Map.of("position", "notanumber")))));
        assertError(notANumber, 400);
        assertEquals("Connector src-offsets refused these offsets: The value for the 'position' key in the offset is "
                + "expected to be a Long value", notANumber.body().path("message").asText());
        RestClient.Response nested = rest.patch("/connectors/src-offsets/offsets", Map.of("offsets", List.of(Map.of(
                "partition", Map.of("filename", input.toString()), "offset", Map.of("position", List.of(1, 2))))));
        assertError(nested, 400);
        assertTrue(nested.body().path("message").asText().contains("'position' of the offset of partition"), nested.raw());
        assertEquals(6, rest.get("/connectors/src-offsets/offsets").body().path("offsets").get(0)
                .path("offset").path("position").asLong(), "a refused change writes nothing");
        RestClient.Response altered = rest.patch("/connectors/src-offsets/offsets", alter);
        assertEquals(200, altered.status(), altered.raw());
        assertEquals("The offsets for this connector have been altered successfully",
                altered.body().path("message").asText());
        assertEquals(2, rest.get("/connectors/src-offsets/offsets").body().path("offsets").get(0)
                .path("offset").path("position").asLong());
        assertError(rest.patch("/connectors/src-offsets/offsets", Map.of("offsets", List.of())), 400);

        RestClient.Response reset = rest.delete("/connectors/src-offsets/offsets");
        assertEquals(200, reset.status(), reset.raw());
        assertEquals("The offsets for this connector have been reset successfully", reset.body().path("message").asText());
        assertEquals(0, rest.get("/connectors/src-offsets/offsets").body().path("offsets").size());
        assertError(rest.get("/connectors/missing/offsets"), 404);
        assertEquals(204, rest.delete("/connectors/src-offsets").status());
    }

    @Test
    void sinkOffsetsAreTheConsumerGroupsPositions() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("sink-offsets"), 1);
        KafkaTestBroker.produce(topic, "one", "two", "three");
        assertEquals(201, rest.createConnector("sink-offsets", sinkConfig("sink-offsets.txt", topic)).status());
        Await.until(() -> {
            JsonNode offsets = rest.get("/connectors/sink-offsets/offsets").body().path("offsets");
            return offsets.size() == 1 && offsets.get(0).path("offset").path("kafka_offset").asLong() == 3;
        }, WAIT, "sink offsets committed");
        JsonNode partition = rest.get("/connectors/sink-offsets/offsets").body().path("offsets").get(0).path("partition");
        assertEquals(topic, partition.path("kafka_topic").asText());
        assertEquals(0, partition.path("kafka_partition").asInt());

        assertEquals(204, rest.put("/connectors/sink-offsets/stop", Map.of()).status());
        Await.until(() -> "STOPPED".equals(rest.connectorState("sink-offsets")), WAIT, "stopped");
        RestClient.Response bad = rest.request("PATCH", "/connectors/sink-offsets/offsets",
                "{\"offsets\": [{\"partition\": {}, \"offset\": null}]}", "Content-Type", "application/json");
        assertError(bad, 400);
        assertTrue(bad.body().path("message").asText().contains("kafka_topic"), bad.raw());
        RestClient.Response negative = rest.patch("/connectors/sink-offsets/offsets", Map.of("offsets", List.of(Map.of(
                "partition", Map.of("kafka_topic", topic, "kafka_partition", 0), "offset", Map.of("kafka_offset", -5)))));
        assertError(negative, 400);
        assertTrue(negative.body().path("message").asText().contains("must not be negative: kafka_offset is -5"),
                negative.raw());

        RestClient.Response altered = rest.patch("/connectors/sink-offsets/offsets", Map.of("offsets", List.of(Map.of(
                "partition", Map.of("kafka_topic", topic, "kafka_partition", 0), "offset", Map.of("kafka_offset", 1)))));
        assertEquals(200, altered.status(), altered.raw());
        assertEquals(1, rest.get("/connectors/sink-offsets/offsets").body().path("offsets").get(0)
                .path("offset").path("kafka_offset").asLong());

        RestClient.Response reset = rest.delete("/connectors/sink-offsets/offsets");
        assertEquals(200, reset.status(), reset.raw());
        assertEquals(0, rest.get("/connectors/sink-offsets/offsets").body().path("offsets").size());
        assertEquals(204, rest.delete("/connectors/sink-offsets").status());
    }

    @Test
    void sinkOffsetsForAPartitionItsTopicLacksAreTheClientsMistake() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("sink-no-partition"), 2);
        assertEquals(201, rest.createConnector("sink-no-partition", sinkConfig("sink-no-partition.txt", topic)).status());
        assertEquals(204, rest.put("/connectors/sink-no-partition/stop", Map.of()).status());
        Await.until(() -> "STOPPED".equals(rest.connectorState("sink-no-partition")), WAIT, "stopped");

        RestClient.Response noTopic = rest.patch("/connectors/sink-no-partition/offsets", Map.of("offsets", List.of(Map.of(
                "partition", Map.of("kafka_topic", "nosuch", "kafka_partition", 7), "offset", Map.of("kafka_offset", 5)))));
        assertError(noTopic, 400);
        assertTrue(noTopic.body().path("message").asText().contains("partition 7 of topic nosuch: the topic does not "
                + "exist"), noTopic.raw());
        RestClient.Response noPartition = rest.patch("/connectors/sink-no-partition/offsets", Map.of("offsets", List.of(
                Map.of("partition", Map.of("kafka_topic", topic, "kafka_partition", 0), "offset", Map.of("kafka_offset", 0)),
                Map.of("partition", Map.of("kafka_topic", topic, "kafka_partition", 2), "offset", Map.of("kafka_offset", 0)))));
        assertError(noPartition, 400);
        assertTrue(noPartition.body().path("message").asText().contains("partition 2 of topic " + topic
                + ": the topic has 2 partition(s)"), noPartition.raw());
        assertEquals(0, rest.get("/connectors/sink-no-partition/offsets").body().path("offsets").size(),
                "a refused request alters no partition, not even the existing one");

        RestClient.Response existing = rest.patch("/connectors/sink-no-partition/offsets", Map.of("offsets", List.of(
                Map.of("partition", Map.of("kafka_topic", topic, "kafka_partition", 1), "offset", Map.of("kafka_offset", 0)))));
        assertEquals(200, existing.status(), existing.raw());
        assertEquals(200, rest.delete("/connectors/sink-no-partition/offsets").status());
        assertEquals(204, rest.delete("/connectors/sink-no-partition").status());
    }

    @Test
    void aTaskNumberThatIsNotANumberIsTheClientsMistakeWhileJunkBooleansStayFalseAsInApache() {
        assertEquals(201, rest.createConnector("params", sinkConfig("params.txt", "params-topic")).status());
        for (String path : List.of("/connectors/params/tasks/x/status", "/connectors/params/tasks/1.5/status",
                "/connectors/params/tasks/99999999999/status")) {
            RestClient.Response notANumber = rest.get(path);
            assertError(notANumber, 400);
            assertTrue(notANumber.body().path("message").asText().startsWith("Path parameter task must be a whole "
                    + "number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE + ", not '"), notANumber.raw());
        }
        // Apache's boolean parameters read anything but "true" as false and answer 2xx: kept
        RestClient.Response maybe = rest.post("/connectors/params/restart?includeTasks=maybe&onlyFailed=2", Map.of());
        assertEquals(204, maybe.status(), maybe.raw());
        assertEquals(200, rest.get("/connector-plugins?connectorsOnly=xyz").status());
        assertEquals(204, rest.delete("/connectors/params").status());
    }

    @Test
    void stoppedConnectorCanBePausedAndResumed() {
        assertEquals(201, rest.createConnector("stop-resume", sinkConfig("stop-resume.txt", "sr-topic")).status());
        statuses.awaitTaskState("stop-resume", 0, "RUNNING");
        assertEquals(204, rest.put("/connectors/stop-resume/stop", Map.of()).status());
        statuses.awaitState("stop-resume", "STOPPED");
        assertEquals(202, rest.put("/connectors/stop-resume/pause", Map.of()).status());
        statuses.awaitState("stop-resume", "PAUSED");
        assertEquals(204, rest.put("/connectors/stop-resume/stop", Map.of()).status());
        assertEquals(202, rest.put("/connectors/stop-resume/resume", Map.of()).status());
        statuses.awaitRunning("stop-resume", 1);
        assertEquals(204, rest.delete("/connectors/stop-resume").status());
    }

    @Test
    void topicsTheConnectorUsedAreTrackedAndCanBeReset() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("tracked"), 1);
        KafkaTestBroker.produce(topic, "x");
        assertEquals(201, rest.createConnector("tracked", sinkConfig("tracked.txt", topic)).status());
        RestClient.Response none = rest.get("/connectors/tracked/topics");
        assertEquals(200, none.status(), none.raw());
        assertTrue(none.body().path("tracked").path("topics").isArray(), "the connector's key is always there");
        Await.until(() -> rest.get("/connectors/tracked/topics").body().path("tracked").path("topics").toString()
                .contains(topic), WAIT, "topic tracked");
        assertEquals(202, rest.put("/connectors/tracked/topics/reset", Map.of()).status());
        assertEquals(0, rest.get("/connectors/tracked/topics").body().path("tracked").path("topics").size());
        assertError(rest.get("/connectors/missing/topics"), 404);
        assertEquals(204, rest.delete("/connectors/tracked").status());
    }

    @Test
    void loggerLevelsChangeAtRuntimeWithTheirModificationTime() {
        RestClient.Response all = rest.get("/admin/loggers");
        assertEquals(200, all.status(), all.raw());
        assertFalse(all.body().path("root").path("level").asText().isEmpty(), all.raw());

        long before = System.currentTimeMillis();
        RestClient.Response set = rest.put("/admin/loggers/io.sluice.test.logging", Map.of("level", "DEBUG"));
        assertEquals(200, set.status(), set.raw());
        assertTrue(set.body().toString().contains("io.sluice.test.logging"), set.raw());
        JsonNode one = rest.get("/admin/loggers/io.sluice.test.logging").body();
        assertEquals("DEBUG", one.path("level").asText());
        assertTrue(one.path("last_modified").asLong() >= before, one.toString());
        assertTrue(org.slf4j.LoggerFactory.getLogger("io.sluice.test.logging").isDebugEnabled());

        assertEquals(204, rest.put("/admin/loggers/io.sluice.test.logging?scope=cluster", Map.of("level", "INFO")).status());
        assertError(rest.put("/admin/loggers/io.sluice.test.logging", Map.of("level", "LOUD")), 400);
        assertError(rest.put("/admin/loggers/io.sluice.test.logging", Map.of()), 400);
        assertError(rest.get("/admin/loggers/no.such.logger.anywhere"), 404);
    }

    @Test
    void openApiDocumentDescribesEveryPath() {
        RestClient.Response doc = rest.get("/openapi.json");
        assertEquals(200, doc.status(), doc.raw());
        assertTrue(doc.body().path("openapi").asText().startsWith("3."));
        JsonNode paths = doc.body().path("paths");
        for (String path : List.of("/", "/health", "/connectors", "/connectors/{connector}",
                "/connectors/{connector}/config", "/connectors/{connector}/status", "/connectors/{connector}/tasks",
                "/connectors/{connector}/tasks-config", "/connectors/{connector}/tasks/{task}/status",
                "/connectors/{connector}/tasks/{task}/restart", "/connectors/{connector}/restart",
                "/connectors/{connector}/pause", "/connectors/{connector}/resume", "/connectors/{connector}/stop",
                "/connectors/{connector}/offsets", "/connectors/{connector}/topics",
                "/connectors/{connector}/topics/reset", "/connector-plugins", "/connector-plugins/{plugin}/config",
                "/connector-plugins/{plugin}/config/validate", "/admin/loggers", "/admin/loggers/{logger}")) {
            assertNotNull(paths.get(path), "OpenAPI lacks " + path);
        }
    }

    static void assertError(RestClient.Response response, int status) {
        assertEquals(status, response.status(), response.raw());
        assertNotNull(response.body(), "JSON error body expected: " + response.raw());
        assertEquals(status, response.body().path("error_code").asInt(), response.raw());
        assertFalse(response.body().path("message").asText().isEmpty(), response.raw());
        assertFalse(response.raw().contains("\tat ") || response.raw().contains("Exception:"), response.raw());
    }
}
