package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** GET /topics/{topic}/partitions/{p}/records and POST /topics/{topic}/records. */
class TopicPeekIT {
    private static final com.fasterxml.jackson.databind.ObjectMapper JSON = new com.fasterxml.jackson.databind.ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void produceIsOffByDefaultAndPeekIsBehindAuthentication() throws Exception {
        Path users = dir.resolve("users.properties");
        Files.writeString(users, "alice=secret\n");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("peek-auth"), 1);
        KafkaTestBroker.produce(topic, "a", "b", "c");
        try (TestWorker worker = start(Map.of("rest.basic.auth.users.file", users.toString()))) {
            RestClient rest = worker.rest();
            String path = "/topics/" + topic + "/partitions/0/records?count=2";
            assertEquals(401, rest.get(path).status());
            assertEquals(401, rest.get("/metrics").status());
            String auth = "Basic " + Base64.getEncoder().encodeToString("alice:secret".getBytes(StandardCharsets.UTF_8));
            RestClient.Response peek = rest.request("GET", path, null, "Authorization", auth);
            assertEquals(200, peek.status(), peek.raw());
            assertEquals(List.of("b", "c"), values(peek.body()));
            RestClient.Response produce = rest.request("POST", "/topics/" + topic + "/records",
                    "{\"records\":[{\"value\":\"x\"}]}", "Authorization", auth, "Content-Type", "application/json");
            assertEquals(403, produce.status(), produce.raw());
            assertTrue(produce.body().path("message").asText().contains("rest.topics.produce.enable"));
            RestClient.Response list = rest.request("GET", "/topics", null, "Authorization", auth);
            assertEquals(200, list.status());
            boolean found = false;
            for (JsonNode t : list.body()) {
                found |= t.path("name").asText().equals(topic) && t.path("partitions").asInt() == 1;
            }
            assertTrue(found, list.raw());
        }
    }

    @Test
    void producedRecordsAreReadBackRawOrThroughAConnectorsConverter() throws Exception {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("peek"), 2);
        try (TestWorker worker = start(Map.of("rest.topics.produce.enable", "true"))) {
            RestClient rest = worker.rest();
            RestClient.Response produced = rest.post("/topics/" + topic + "/records", Map.of("format", "json",
                    "records", List.of(
                            Map.of("partition", 1, "key", "k0", "value", Map.of("id", 0, "name", "zero"),
                                    "headers", Map.of("source", "test")),
                            Map.of("partition", 1, "key", "k1", "value", Map.of("id", 1, "name", "one")),
                            Map.of("partition", 1, "key", "k2", "value", Map.of("id", 2, "name", "two")))));
            assertEquals(200, produced.status(), produced.raw());
            assertEquals(3, produced.body().path("offsets").size());
            assertEquals(1, produced.body().path("offsets").get(0).path("partition").asInt());
            assertEquals(0, produced.body().path("offsets").get(0).path("offset").asLong());

            // raw: the last N, as text
            JsonNode last = rest.get("/topics/" + topic + "/partitions/1/records?count=2").body();
            assertEquals(3, last.path("end_offset").asLong());
            assertEquals(2, last.path("records").size());
            assertEquals(1, last.path("records").get(0).path("offset").asLong());
            assertEquals(JSON.readTree("{\"id\":1,\"name\":\"one\"}"), JSON.readTree(last.path("records").get(0).path("value").asText()));
            assertEquals("\"k1\"", last.path("records").get(0).path("key").asText());

            // an offset range, as base64, with headers
            JsonNode range = rest.get("/topics/" + topic + "/partitions/1/records?offset=0&count=1&format=base64").body();
            assertEquals(1, range.path("records").size());
            JsonNode first = range.path("records").get(0);
            assertEquals(JSON.readTree("{\"id\":0,\"name\":\"zero\"}"),
                    JSON.readTree(Base64.getDecoder().decode(first.path("value").asText())));
            assertEquals("base64", first.path("value_encoding").asText());
            assertEquals("source", first.path("headers").get(0).path("key").asText());
            assertEquals("dGVzdA==", first.path("headers").get(0).path("value").asText()); // "test": format covers headers too

            // through a connector's converters: JSON values come back as JSON
            Map<String, String> sink = new HashMap<>(Map.of("connector.class", "FileStreamSink",
                    "file", dir.resolve("out.txt").toString(), "topics", topic,
                    "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter.schemas.enable", "false"));
            assertEquals(201, rest.createConnector("peek-sink", sink).status());
            JsonNode decoded = rest.get("/topics/" + topic + "/partitions/1/records?offset=2&count=5&connector=peek-sink").body();
            assertEquals("connector", decoded.path("format").asText());
            assertEquals(1, decoded.path("records").size(), decoded.toString());
            assertEquals("two", decoded.path("records").get(0).path("value").path("name").asText(), decoded.toString());
            assertEquals(2, decoded.path("records").get(0).path("value").path("id").asInt());

            // utf8 produce and raw bytes produce
            assertEquals(200, rest.post("/topics/" + topic + "/records", Map.of("records",
                    List.of(Map.of("partition", 0, "value", "plain text")))).status());
            assertEquals(200, rest.post("/topics/" + topic + "/records", Map.of("format", "base64", "records",
                    List.of(Map.of("partition", 0, "value", Base64.getEncoder().encodeToString(new byte[] {(byte) 0xff, 0, 1}))))).status());
            JsonNode p0 = rest.get("/topics/" + topic + "/partitions/0/records?count=10").body();
            assertEquals("plain text", p0.path("records").get(0).path("value").asText());
            assertEquals("/wAB", p0.path("records").get(1).path("value").asText());
            assertEquals("base64", p0.path("records").get(1).path("value_encoding").asText());

            // mistakes
            assertEquals(404, rest.get("/topics/no-such-topic-" + topic + "/partitions/0/records").status());
            // a producer's mistakes are answered at once, before any record of the request is written
            RestClient.Response missing = rest.post("/topics/no-such-topic-" + topic + "/records",
                    Map.of("records", List.of(Map.of("value", "x"))));
            assertEquals(404, missing.status(), missing.raw());
            RestClient.Response badPartition = rest.post("/topics/" + topic + "/records", Map.of("records",
                    List.of(Map.of("value", "written first?"), Map.of("value", "y", "partition", 9))));
            assertEquals(400, badPartition.status(), badPartition.raw());
            assertTrue(badPartition.body().path("message").asText().contains("partition must be"), badPartition.raw());
            assertEquals(400, rest.post("/topics/" + topic + "/records", Map.of("records",
                    List.of(Map.of("value", "y", "partition", "one")))).status());
            assertEquals(404, rest.get("/topics/" + topic + "/partitions/7/records").status());
            assertEquals(400, rest.get("/topics/" + topic + "/partitions/0/records?count=0").status());
            assertEquals(400, rest.get("/topics/" + topic + "/partitions/0/records?format=hex").status());
            assertEquals(404, rest.get("/topics/" + topic + "/partitions/0/records?connector=nope").status());
            // a number that is not a number is the client's mistake, named, not Jersey's "404 Not Found" (tryout15)
            RestClient.Response notANumber = rest.get("/topics/" + topic + "/partitions/0/records?count=-5&offset=abc");
            assertEquals(400, notANumber.status(), notANumber.raw());
            assertEquals("Query parameter offset must be a whole number from " + Long.MIN_VALUE + " to " + Long.MAX_VALUE
                    + ", not 'abc'", notANumber.body().path("message").asText(), notANumber.raw());
            RestClient.Response negative = rest.get("/topics/" + topic + "/partitions/0/records?count=-5&offset=0");
            assertEquals(400, negative.status(), negative.raw());
            assertTrue(negative.body().path("message").asText().startsWith("count must be between 1 and"), negative.raw());
            RestClient.Response partitionX = rest.get("/topics/" + topic + "/partitions/x/records");
            assertEquals(400, partitionX.status(), partitionX.raw());
            assertTrue(partitionX.body().path("message").asText().startsWith("Path parameter partition must be a whole "
                    + "number"), partitionX.raw());
            assertEquals(400, rest.post("/topics/" + topic + "/records", Map.of("records", "x")).status());
        }
    }

    @Test
    void internalTopicsAreRefusedUnlessAllowedByTheirExactNameAndTheDenyListWins() {
        String open = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("peek-open"), 1);
        String denied = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("peek-private"), 1);
        String group = KafkaTestBroker.uniqueTopic("peek-policy");
        try (TestWorker worker = start(Map.of("group.id", group, "rest.topics.produce.enable", "true",
                "rest.topics.peek.allow", ".*," + group + "-status", "rest.topics.peek.deny", ".*-private-.*"))) {
            RestClient rest = worker.rest();
            // ".*" does not open the topics that hold configs and offsets; the exact name opens the status topic
            for (String internal : List.of(group + "-configs", group + "-offsets")) {
                RestClient.Response peek = rest.get("/topics/" + internal + "/partitions/0/records");
                assertEquals(403, peek.status(), peek.raw());
                assertTrue(peek.body().path("message").asText().contains("internal topic"), peek.raw());
                RestClient.Response write = rest.post("/topics/" + internal + "/records",
                        Map.of("records", List.of(Map.of("value", "forged"))));
                assertEquals(403, write.status(), "no forged config or offset record: " + write.raw());
            }
            assertEquals(200, rest.get("/topics/" + group + "-status/partitions/0/records").status());
            RestClient.Response kafkas = rest.get("/topics/__consumer_offsets/partitions/0/records");
            assertEquals(403, kafkas.status(), kafkas.raw());
            assertTrue(kafkas.body().path("message").asText().contains("one of Kafka's internal topics"), kafkas.raw());
            RestClient.Response deniedPeek = rest.get("/topics/" + denied + "/partitions/0/records");
            assertEquals(403, deniedPeek.status(), deniedPeek.raw());
            assertTrue(deniedPeek.body().path("message").asText().contains("rest.topics.peek.deny"), deniedPeek.raw());
            assertEquals(200, rest.get("/topics/" + open + "/partitions/0/records").status());

            String listed = rest.get("/topics").raw();
            assertTrue(listed.contains("\"" + open + "\""), listed);
            assertTrue(listed.contains("\"" + group + "-status\""), listed);
            for (String hidden : List.of(group + "-configs", group + "-offsets", denied)) {
                assertFalse(listed.contains("\"" + hidden + "\""), hidden + " is listed: " + listed);
            }
        }
    }

    @Test
    void aTopicNameKafkaRefusesIsABadRequestAndAMissingTopicIsNotFoundForPeekAndProduce() {
        try (TestWorker worker = start(Map.of("rest.topics.produce.enable", "true"))) {
            RestClient rest = worker.rest();
            for (String name : List.of("a:b", "a*b", "%20", "..", "%2e", "connect-cluster-configs%20",
                    "t".repeat(300))) {
                RestClient.Response peek = rest.get("/topics/" + name + "/partitions/0/records");
                assertEquals(400, peek.status(), name + ": " + peek.raw());
                assertTrue(peek.body().path("message").asText().startsWith("Not a valid topic name: "), peek.raw());
                RestClient.Response produce = rest.post("/topics/" + name + "/records",
                        Map.of("records", List.of(Map.of("value", "v"))));
                assertEquals(400, produce.status(), name + ": " + produce.raw());
            }
            String missing = KafkaTestBroker.uniqueTopic("never-created");
            assertEquals(404, rest.get("/topics/" + missing + "/partitions/0/records").status());
            assertEquals(404, rest.post("/topics/" + missing + "/records",
                    Map.of("records", List.of(Map.of("value", "v")))).status());
        }
    }

    @Test
    void aWorkerRefusesAPeekPatternThatIsNotARegularExpression() {
        org.apache.kafka.common.config.ConfigException e = org.junit.jupiter.api.Assertions.assertThrows(
                org.apache.kafka.common.config.ConfigException.class,
                () -> start(Map.of("rest.topics.peek.deny", "orders-(")).close());
        assertTrue(e.getMessage().contains("rest.topics.peek.deny"), e.getMessage());
    }

    private TestWorker start(Map<String, String> extra) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        return TestWorker.standalone().pluginPath(pluginPath).stringConverters().with(extra).start();
    }

    private static List<String> values(JsonNode peek) {
        List<String> out = new java.util.ArrayList<>();
        peek.path("records").forEach(r -> out.add(r.path("value").asText()));
        return out;
    }
}
