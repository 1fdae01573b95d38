package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Confluent's official JavaScript client (@confluentinc/schemaregistry) against a running worker's schema registry,
 * used as its users use it: it registers, fetches and checks schemas and reads the configs; records its Avro serde
 * wrote reach a file sink through io.confluent.connect.avro.AvroConverter with their values; records Sluice's
 * converter wrote from a file source decode with its serde.
 */
class ConfluentJavaScriptClientIT {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;

    private static TestWorker worker;
    private static RestClient rest;
    private static String registryUrl;
    private static ConfluentJavaScriptClient client;

    @BeforeAll
    static void startWorkerWithItsRegistry() {
        if (!ConfluentJavaScriptClient.available()) {
            return; // each test says why it is skipped (or fails under CI)
        }
        ConfluentJavaScriptClient.install();
        worker = FileConnectorsITSupport.inJvmWorker(FileConnectorsITSupport.pluginPath(dir))
                .with("schema.registry.listeners", "http://127.0.0.1:0")
                .with("schema.registry.topic", KafkaTestBroker.uniqueTopic("_schemas")).start();
        rest = worker.rest();
        registryUrl = worker.schemaRegistryUrl().toString().replaceAll("/$", "");
        client = new ConfluentJavaScriptClient(registryUrl);
    }

    @BeforeEach
    void nodeAvailable() {
        ConfluentJavaScriptClient.assumeAvailable();
    }

    @AfterAll
    static void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    @Test
    void confluentsClientRegistersFetchesAndChecksSchemasAndReadsTheConfigs() {
        String subject = KafkaTestBroker.uniqueTopic("orders-api") + "-value";
        JsonNode out = client.call("api", subject);

        assertEquals(out.path("id1").asInt(), out.path("id1Again").asInt(), "registering the same schema again: same id");
        assertTrue(out.path("compatibleV2").asBoolean(), "an added optional field is BACKWARD compatible");
        assertFalse(out.path("compatibleBad").asBoolean(), "an added required field is not");
        // ids are global: another test of this class may have registered the same schema first, so not "id1 + 1"
        assertTrue(out.path("id2").asInt() != out.path("id1").asInt(), out.toString());
        JsonNode latest = out.path("latest");
        assertEquals(out.path("id2").asInt(), latest.path("id").asInt());
        assertEquals(2, latest.path("version").asInt());
        assertEquals(subject, latest.path("subject").asText());
        assertEquals("note", latest.path("schema").path("fields").path(8).path("name").asText());
        JsonNode v1 = out.path("byId1").path("schema");
        assertEquals("io.sluice.interop", v1.path("namespace").asText());
        assertEquals(8, v1.path("fields").size(), "id 1 is the first schema, without note");
        assertEquals(out.path("id1").asInt(), out.path("version1").path("id").asInt());
        assertEquals("[1,2]", out.path("versions").toString());
        assertEquals(2, out.path("versionOfV2").asInt());
        assertTrue(out.path("subjects").toString().contains("\"" + subject + "\""), out.path("subjects").toString());

        assertEquals("BACKWARD", out.path("defaultCompatibility").asText());
        assertEquals("FULL", out.path("setCompatibility").asText());
        assertEquals("FULL", out.path("subjectCompatibility").asText());
        assertEquals("BACKWARD_TRANSITIVE", out.path("readSubjectConfig").path("compatibilityLevel").asText());
        assertEquals("BACKWARD", out.path("defaultConfig").path("compatibilityLevel").asText());

        JsonNode refused = out.path("refused");
        assertEquals(409, refused.path("status").asInt(), refused.toString());
        assertTrue(refused.path("message").asText().contains("batch"), "the refusal names the field: " + refused);
        assertEquals(404, out.path("missing").path("status").asInt());
        assertEquals(40401, out.path("missing").path("errorCode").asInt(), "Confluent's subject-not-found code");
    }

    @Test
    void recordsConfluentsAvroSerdeWroteReachAFileSinkThroughTheAvroConverterWithTheirValues() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders-from-js"), 1);
        List<byte[]> written = new ArrayList<>();
        client.call("serialize", topic).forEach(b64 -> written.add(Base64.getDecoder().decode(b64.asText())));
        assertEquals(0, written.get(0)[0], "Confluent's wire format: magic byte 0");
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(KafkaTestBroker.clientConfig(),
                new ByteArraySerializer(), new ByteArraySerializer())) {
            written.forEach(value -> producer.send(new ProducerRecord<>(topic, value)));
        }
        Path out = dir.resolve("from-js");
        Map<String, String> sink = new HashMap<>(Map.of(
                "connector.class", "io.sluice.file.sink.FileSinkConnector",
                "topics", topic, "output.path", out.toString(), "format", "json", "flush.size", "2",
                "value.converter", "io.confluent.connect.avro.AvroConverter",
                "value.converter.schema.registry.url", registryUrl));
        assertEquals(201, rest.createConnector("sink-from-js", sink).status());

        Await.until(() -> FileConnectorsITSupport.sinkLines(out).size() == 2, Duration.ofSeconds(30),
                "2 records written: " + rest.get("/connectors/sink-from-js/status").raw());
        List<JsonNode> rows = FileConnectorsITSupport.sinkLines(out).stream()
                .map(ConfluentJavaScriptClientIT::parse).toList();
        assertEquals(parse("{\"id\":1,\"item\":\"apple\",\"price\":1.5,\"qty\":3,\"gift\":false,\"tags\":[\"fruit\",\"red\"],"
                + "\"size\":\"S\",\"address\":{\"city\":\"Lima\",\"zip\":null},\"note\":null}"), rows.get(0));
        assertEquals(parse("{\"id\":2,\"item\":\"pear, ripe \\\"green\\\"\",\"price\":2.25,\"qty\":12,\"gift\":true,"
                + "\"tags\":[],\"size\":\"L\",\"address\":{\"city\":\"Zürich\",\"zip\":\"8001\"},"
                + "\"note\":\"leave at the door\"}"), rows.get(1));
        assertEquals(204, rest.delete("/connectors/sink-from-js").status());
    }

    @Test
    void recordsSluicesAvroConverterWroteFromAFileSourceDecodeWithConfluentsSerde() throws IOException {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders-to-js"), 1);
        Path input = dir.resolve("orders.json");
        Files.writeString(input, "{\"id\":7,\"item\":\"fig\",\"price\":3.5,\"note\":null}\n"
                + "{\"id\":8,\"item\":\"plum, \\\"dark\\\"\",\"price\":0.75,\"note\":\"ñandú\"}\n");
        Map<String, String> source = new HashMap<>(Map.of(
                "connector.class", "io.sluice.file.source.FileSourceConnector",
                "file", input.toString(), "topic", topic, "format", "json",
                "value.schema", "id:int64,item:string,price:float64,note:string?",
                "value.converter", "io.confluent.connect.avro.AvroConverter",
                "value.converter.schema.registry.url", registryUrl));
        assertEquals(201, rest.createConnector("source-to-js", source).status());

        List<ConsumerRecord<byte[], byte[]>> records = KafkaTestBroker.consumeAllBytes(topic, 2, Duration.ofSeconds(30));
        assertEquals(2, records.size(), rest.get("/connectors/source-to-js/status").raw());
        List<String> args = new ArrayList<>(List.of(topic));
        records.forEach(r -> args.add(Base64.getEncoder().encodeToString(r.value())));
        JsonNode decoded = client.call("deserialize", args.toArray(String[]::new));
        assertEquals(parse("[{\"id\":7,\"item\":\"fig\",\"price\":3.5,\"note\":null},"
                + "{\"id\":8,\"item\":\"plum, \\\"dark\\\"\",\"price\":0.75,\"note\":\"ñandú\"}]"), decoded);
        assertEquals(200, new RestClient(java.net.URI.create(registryUrl + "/"))
                .get("/subjects/" + topic + "-value/versions/1").status(), "registered under TopicNameStrategy");
        assertEquals(204, rest.delete("/connectors/source-to-js").status());
    }

    private static JsonNode parse(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
