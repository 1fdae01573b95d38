package io.sluice.runtime.schemaregistry;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.schemaregistry.api.SchemaRegistryServer;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** A schema registry on the test broker with its own topic, and an HTTP client speaking Confluent's content type. */
public final class TestRegistry implements AutoCloseable {
    public static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String topic;
    private final SchemaRegistryServer server;
    private final RestClient client;

    private TestRegistry(String topic, Map<String, String> extra) {
        this.topic = topic;
        Map<String, String> props = new HashMap<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "schema.registry.listeners", "http://127.0.0.1:0",
                "schema.registry.topic", topic));
        props.putAll(extra);
        this.server = SchemaRegistryServer.startIfEnabled(new WorkerConfig(props), KafkaTestBroker.bootstrapServers());
        this.client = new RestClient(server.url());
    }

    /** A registry on a topic no other test uses. */
    public static TestRegistry start() {
        return new TestRegistry(KafkaTestBroker.uniqueTopic("_schemas"), Map.of());
    }

    /** A registry reading (and writing) the given topic, e.g. again after a restart. */
    public static TestRegistry on(String topic, Map<String, String> extra) {
        return new TestRegistry(topic, extra);
    }

    public String topic() {
        return topic;
    }

    public java.net.URI url() {
        return server.url();
    }

    public RestClient.Response get(String path) {
        return client.request("GET", path, null, "Accept", CONTENT_TYPE);
    }

    public RestClient.Response delete(String path) {
        return client.request("DELETE", path, null, "Accept", CONTENT_TYPE);
    }

    public RestClient.Response post(String path, Object body) {
        return client.request("POST", path, json(body), "Content-Type", CONTENT_TYPE, "Accept", CONTENT_TYPE);
    }

    public RestClient.Response put(String path, Object body) {
        return client.request("PUT", path, json(body), "Content-Type", CONTENT_TYPE, "Accept", CONTENT_TYPE);
    }

    /** Any request, with raw body and header name/value pairs. */
    public RestClient.Response request(String method, String path, String body, String... headers) {
        return client.request(method, path, body, headers);
    }

    /** Registers an Avro schema under subject; returns the response. */
    public RestClient.Response register(String subject, String schema) {
        return post("/subjects/" + subject + "/versions", Map.of("schema", schema));
    }

    /** Registers an Avro schema with references. */
    public RestClient.Response register(String subject, String schema, List<Map<String, Object>> references) {
        return post("/subjects/" + subject + "/versions", Map.of("schema", schema, "references", references));
    }

    /** Registers and returns the id, failing when the registry refuses. */
    public int registerOk(String subject, String schema) {
        RestClient.Response r = register(subject, schema);
        if (r.status() != 200) {
            throw new AssertionError("register " + subject + " -> " + r.status() + " " + r.raw());
        }
        return r.body().path("id").asInt();
    }

    public static String json(Object body) {
        if (body instanceof String s) {
            return s;
        }
        try {
            return JSON.writeValueAsString(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        server.close();
    }
}
