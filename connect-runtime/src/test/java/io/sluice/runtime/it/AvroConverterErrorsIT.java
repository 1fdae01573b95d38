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
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a user of io.confluent.connect.avro.AvroConverter sees on a running worker when something is wrong: the
 * registry URL checked by validation, the worker's own registry used when none is named, and failures that name
 * the configured class and their cause.
 */
class AvroConverterErrorsIT {
    private static final String CONFLUENT_AVRO = "io.confluent.connect.avro.AvroConverter";
    private static final String URL_KEY = "value.converter.schema.registry.url";
    private static final Schema ORDER = SchemaBuilder.struct().name("io.example.Order")
            .field("id", Schema.INT64_SCHEMA).field("item", Schema.STRING_SCHEMA).build();

    @TempDir
    Path dir;
    private TestWorker worker;
    private RestClient rest;

    private void startWorker(boolean ownRegistry) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        TestWorker.Builder builder = TestWorker.standalone().pluginPath(pluginPath);
        if (ownRegistry) {
            builder.with("schema.registry.listeners", "http://127.0.0.1:0")
                    .with("schema.registry.topic", KafkaTestBroker.uniqueTopic("_schemas"));
        }
        worker = builder.start();
        rest = worker.rest();
    }

    @AfterEach
    void stopWorker() {
        if (worker != null) {
            worker.close();
        }
    }

    private Map<String, String> avroSink(String topic, Path output) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "FileStreamSink");
        config.put("file", output.toString());
        config.put("topics", topic);
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        config.put("value.converter", CONFLUENT_AVRO);
        return config;
    }

    @Test
    void aRegistryUrlWithoutSchemeOrNotHttpIsRefusedByValidationOnItsKeyInReadableWords() {
        startWorker(true);
        for (String bad : List.of("127.0.0.1:20381", "ftp://x", "http://127.0.0.1:20381,localhost:8081")) {
            Map<String, String> config = avroSink("orders", dir.resolve("out.txt"));
            config.put(URL_KEY, bad);
            JsonNode answer = validate(config).body();
            assertEquals(1, answer.path("error_count").asInt(), bad + ": " + answer);
            String error = errorsOf(answer, URL_KEY);
            assertTrue(error.contains("each URL must be http://host:port or https://host:port"), error);
            assertFalse(error.contains("Exception") || error.contains("java."), error);
            assertEquals(400, rest.createConnector("bad-url", config).status(), bad);
        }
        Map<String, String> schemeless = avroSink("orders", dir.resolve("out.txt"));
        schemeless.put(URL_KEY, "127.0.0.1:20381");
        assertTrue(errorsOf(validate(schemeless).body(), URL_KEY)
                .contains("the scheme is missing: http://127.0.0.1:20381?"));
    }

    @Test
    void withoutARegistryUrlAWorkerThatRunsNoRegistryRefusesTheConfigAndSaysWhy() {
        startWorker(false);
        JsonNode answer = validate(avroSink("orders", dir.resolve("out.txt"))).body();
        assertEquals(1, answer.path("error_count").asInt(), answer.toString());
        String error = errorsOf(answer, URL_KEY);
        assertTrue(error.contains("Missing required configuration \\\"schema.registry.url\\\""), error);
        assertFalse(error.contains("localhost:8081"), "no registry listens there: " + error);
    }

    @Test
    void withoutARegistryUrlTheWorkersOwnRegistryIsUsed() throws Exception {
        startWorker(true);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders-avro"), 1);
        byte[] order = avroBytes(topic, new Struct(ORDER).put("id", 7L).put("item", "tea"));
        produce(topic, order);
        Path output = dir.resolve("orders.txt");
        Map<String, String> config = avroSink(topic, output);
        assertEquals(0, validate(config).body()
                .path("error_count").asInt());
        assertEquals(201, rest.createConnector("default-registry", config).status());
        Await.until(() -> lines(output).size() == 1, Duration.ofSeconds(60), "the record reached the file");
        assertEquals(List.of("Struct{id=7,item=tea}"), lines(output));
    }

    @Test
    void aCutOffAvroRecordInTheDeadLetterQueueNamesTheConfiguredConverterAndTheCause() throws Exception {
        startWorker(true);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders-avro"), 1);
        byte[] whole = avroBytes(topic, new Struct(ORDER).put("id", 7L).put("item", "tea"));
        byte[] cutOff = java.util.Arrays.copyOf(whole, 6); // magic byte, a registered id, one byte of the body
        produce(topic, cutOff);
        produce(topic, whole);
        String dlq = KafkaTestBroker.uniqueTopic("orders-dlq");
        Path output = dir.resolve("orders.txt");
        Map<String, String> config = avroSink(topic, output);
        config.put(URL_KEY, worker.process().schemaRegistryUrl().toString());
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        assertEquals(201, rest.createConnector("cut-off", config).status());

        ConsumerRecord<byte[], byte[]> dead = KafkaTestBroker.consumeAllBytes(dlq, 1, Duration.ofSeconds(60)).get(0);
        assertEquals(CONFLUENT_AVRO, header(dead, "__connect.errors.class.name"));
        String message = header(dead, "__connect.errors.exception.message");
        assertTrue(message.contains("the data ends before the Avro value does"), message);
        assertFalse(message.endsWith("null"), message);
        Await.until(() -> lines(output).size() == 1, Duration.ofSeconds(60), "the whole record reached the file");
    }

    @Test
    void aFailedAvroConversionFailsTheTaskNamingTheConverterAsConfigured() throws Exception {
        startWorker(true);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders-avro"), 1);
        produce(topic, "not avro".getBytes(StandardCharsets.UTF_8));
        Map<String, String> config = avroSink(topic, dir.resolve("orders.txt"));
        assertEquals(201, rest.createConnector("strict", config).status());
        Await.until(() -> "FAILED".equals(rest.taskState("strict", 0)), Duration.ofSeconds(60), "the task failed");
        String trace = rest.get("/connectors/strict/status").body().path("tasks").get(0).path("trace").asText();
        assertTrue(trace.contains("the value converter (value.converter=" + CONFLUENT_AVRO + ") could not convert"), trace);
        assertFalse(trace.contains("value.converter=io.sluice"), trace);
    }

    @Test
    void aConfluentBearerTokenTheConverterRefusesIsNeverEchoedByValidation() {
        startWorker(true);
        Map<String, String> config = avroSink("orders", dir.resolve("out.txt"));
        config.put("value.converter.bearer.auth.token", "s3cr3t-token");
        config.put("value.converter.enhanced.avro.schema.support", "true");
        RestClient.Response answer = validate(config);
        assertEquals(2, answer.body().path("error_count").asInt(), answer.raw());
        assertTrue(errorsOf(answer.body(), "value.converter.bearer.auth.token").contains("use basic.auth.*"), answer.raw());
        assertTrue(errorsOf(answer.body(), "value.converter.enhanced.avro.schema.support").contains("remove it or set false"));
        assertFalse(answer.raw().contains("s3cr3t-token"), "the token is a secret: " + answer.raw());
    }

    private RestClient.Response validate(Map<String, String> config) {
        Map<String, String> named = new HashMap<>(config);
        named.put("name", "orders-file");
        return rest.put("/connector-plugins/FileStreamSink/config/validate", named);
    }

    private byte[] avroBytes(String topic, Struct value) {
        io.sluice.runtime.converters.avro.AvroConverter converter = new io.sluice.runtime.converters.avro.AvroConverter();
        converter.configure(Map.of("schema.registry.url", worker.process().schemaRegistryUrl().toString()), false);
        return converter.fromConnectData(topic, value.schema(), value);
    }

    private static void produce(String topic, byte[] value) throws Exception {
        Map<String, Object> props = new HashMap<>(KafkaTestBroker.clientConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            producer.send(new ProducerRecord<>(topic, "k".getBytes(StandardCharsets.UTF_8), value)).get(30, TimeUnit.SECONDS);
        }
    }

    private static String errorsOf(JsonNode validation, String key) {
        for (JsonNode config : validation.path("configs")) {
            if (key.equals(config.path("value").path("name").asText())) {
                return config.path("value").path("errors").toString();
            }
        }
        throw new AssertionError(key + " not in " + validation);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
