package io.sluice.runtime.it;

import static io.sluice.runtime.testing.ApacheFixtures.assertHoldsApaches;
import static io.sluice.runtime.testing.ApacheFixtures.fixture;
import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Sluice answers what Apache Kafka Connect 4.3.1 answers (src/test/resources/apache-4.3.1, recorded from a real
 * Apache worker with the same plugins and converters): plugin config definitions, validation with the worker's
 * converters as defaults and Apache's class names, status bodies with versions, and restarts.
 */
class ApacheParityIT {
    @TempDir
    static Path dir;
    private static TestWorker worker;
    private static RestClient rest;
    private static Map<String, String> placeholders;

    @BeforeAll
    static void startWorkerLikeTheRecordedApacheOne() throws Exception {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath)
                .with("key.converter", "org.apache.kafka.connect.json.JsonConverter")
                .with("value.converter", "org.apache.kafka.connect.json.JsonConverter").start();
        rest = worker.rest();
        placeholders = Map.of("worker_id", worker.process().herder().workerId());
        Files.writeString(dir.resolve("in.txt"), "hello\n");
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void pluginConfigListsTheConnectorsOwnDefinitionsThenTheFrameworksAsApacheDoes() {
        for (String plugin : new String[] {"FileStreamSource", "FileStreamSink"}) {
            RestClient.Response answer = rest.get("/connector-plugins/" + plugin + "/config");
            assertEquals(200, answer.status(), answer.raw());
            assertHoldsApaches(apache("plugin-config-" + plugin + ".json"), answer.body());
        }
    }

    @Test
    void validationShowsTheWorkersConvertersAsDefaultsAndRecommendsApachesClassNames() {
        assertValidates("validate-sink-minimal.json", "FileStreamSink",
                Map.of("connector.class", "FileStreamSink", "name", "x", "topics", "t"));
        assertValidates("validate-source-minimal.json", "FileStreamSource",
                Map.of("connector.class", "FileStreamSource", "name", "x", "topic", "t"));
        Map<String, String> rich = new LinkedHashMap<>();
        rich.put("connector.class", "FileStreamSink");
        rich.put("name", "x");
        rich.put("topics", "t");
        rich.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        rich.put("transforms", "mask");
        rich.put("transforms.mask.type", "org.apache.kafka.connect.transforms.MaskField$Value");
        rich.put("transforms.mask.fields", "a");
        rich.put("transforms.mask.predicate", "p");
        rich.put("predicates", "p");
        rich.put("predicates.p.type", "org.apache.kafka.connect.transforms.predicates.TopicNameMatches");
        rich.put("predicates.p.pattern", "t.*");
        rich.put("errors.tolerance", "all");
        rich.put("errors.deadletterqueue.topic.name", "dlq");
        assertValidates("validate-sink-rich.json", "FileStreamSink", rich);
    }

    @Test
    void statusBodiesCarryTheVersionOfTheConnectorAndOfEachTask() {
        startSource("src");
        assertHoldsApaches(fixture("status.json", placeholders), rest.get("/connectors/src/status").body());
        assertHoldsApaches(fixture("task-status.json", placeholders), rest.get("/connectors/src/tasks/0/status").body());
        JsonNode expanded = rest.get("/connectors?expand=status").body();
        assertHoldsApaches(fixture("expand-status.json", placeholders).get("src"), expanded.get("src"));
        assertEquals(204, rest.delete("/connectors/src").status());
    }

    @Test
    void restartWithTasksAnswersTheConnectorAndEveryTaskRestarting() {
        startSource("restarted");
        RestClient.Response restart = rest.post("/connectors/restarted/restart?includeTasks=true&onlyFailed=false", Map.of());
        assertEquals(202, restart.status(), restart.raw());
        JsonNode apache = fixture("restart-include-tasks.json", placeholders);
        ((com.fasterxml.jackson.databind.node.ObjectNode) apache).put("name", "restarted");
        assertHoldsApaches(apache, restart.body());
        awaitRunning("restarted");

        // nothing failed: nothing restarts, and the answer says so
        RestClient.Response onlyFailed = rest.post("/connectors/restarted/restart?includeTasks=true&onlyFailed=true", Map.of());
        assertEquals(202, onlyFailed.status(), onlyFailed.raw());
        assertEquals("RUNNING", onlyFailed.body().path("connector").path("state").asText(), onlyFailed.raw());
        assertEquals("RUNNING", onlyFailed.body().path("tasks").get(0).path("state").asText(), onlyFailed.raw());
        assertEquals(204, rest.post("/connectors/restarted/restart", Map.of()).status());
        awaitRunning("restarted");
        assertEquals(204, rest.delete("/connectors/restarted").status());
    }

    private static void assertValidates(String fixture, String plugin, Map<String, String> config) {
        RestClient.Response answer = rest.put("/connector-plugins/" + plugin + "/config/validate", config);
        assertEquals(200, answer.status(), answer.raw());
        assertHoldsApaches(apache(fixture), answer.body());
    }

    /**
     * A recorded answer, with the two documented differences: Apache's offsets.storage.topic is "only applicable in
     * distributed mode", Sluice's works in standalone mode too and says so; and Sluice's built-in Avro converter is
     * recommended for key.converter and value.converter (Apache lists one only when Confluent's jar is installed).
     */
    private static JsonNode apache(String fixture) {
        String json = fixture(fixture, placeholders).toString().replace(
                "Only applicable in distributed mode; in standalone mode, setting this property will have no effect.",
                "Honoured in standalone mode too; the worker's offsets topic keeps a copy and answers for partitions "
                        + "this topic has never written.");
        try {
            JsonNode answer = new com.fasterxml.jackson.databind.ObjectMapper().readTree(json);
            for (JsonNode config : answer.path("configs")) {
                JsonNode value = config.path("value");
                String name = value.path("name").asText();
                if ((name.equals("key.converter") || name.equals("value.converter"))
                        && value.path("recommended_values").isArray()) {
                    ((com.fasterxml.jackson.databind.node.ArrayNode) value.get("recommended_values"))
                            .insert(0, "io.sluice.runtime.converters.avro.AvroConverter");
                }
            }
            return answer;
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void startSource(String name) {
        RestClient.Response created = rest.createConnector(name, Map.of("connector.class", "FileStreamSource",
                "file", dir.resolve("in.txt").toString(), "topic", KafkaTestBroker.uniqueTopic("parity"), "tasks.max", "1"));
        assertEquals(201, created.status(), created.raw());
        awaitRunning(name);
    }

    private static void awaitRunning(String name) {
        Await.until(() -> "RUNNING".equals(rest.connectorState(name)) && "RUNNING".equals(rest.taskState(name, 0)),
                Duration.ofSeconds(30), name + " running");
    }
}
