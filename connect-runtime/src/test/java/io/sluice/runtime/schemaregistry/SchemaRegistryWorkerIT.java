package io.sluice.runtime.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * With an external Kafka cluster the registry is off unless schema.registry.listeners asks for it; its figures are in
 * the worker's metrics.
 */
class SchemaRegistryWorkerIT {

    @TempDir
    Path dir;

    private Map<String, String> props() {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        props.put("group.id", KafkaTestBroker.uniqueTopic("registry-worker"));
        props.put("listeners", "http://127.0.0.1:0");
        props.put("plugin.path", dir.resolve("plugins").toString());
        return props;
    }

    @Test
    void aWorkerOnAnExternalClusterRunsNoRegistryUnlessAskedAndShowsItsMetricsWhenItDoes() {
        try (WorkerProcess worker = WorkerProcess.start(props())) {
            assertNull(worker.schemaRegistryUrl());
            assertEquals(404, new RestClient(worker.restUrl()).get("/schema-registry/subjects").status());
        }
        Map<String, String> asked = props();
        asked.put("schema.registry.listeners", "http://127.0.0.1:0");
        asked.put("schema.registry.topic", KafkaTestBroker.uniqueTopic("_schemas"));
        try (WorkerProcess worker = WorkerProcess.start(asked)) {
            RestClient registry = new RestClient(worker.schemaRegistryUrl());
            assertEquals("{}", registry.get("/").raw());
            assertEquals(200, registry.post("/subjects/m-value/versions", Map.of("schema", "\"string\"")).status());
            assertEquals(404, registry.get("/subjects/nothing/versions").status());
            String metrics = new RestClient(worker.restUrl()).get("/metrics").raw();
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_versions_registered_total 1"), metrics);
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_writer 1"), metrics);
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_subjects 1"), metrics);
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_request_client_error_total 1"), metrics);
            // the console reads the registry through the REST API, and can change nothing through it
            RestClient rest = new RestClient(worker.restUrl());
            assertEquals("[\"m-value\"]", rest.get("/schema-registry/subjects").raw());
            assertEquals(200, rest.get("/schema-registry/subjects/m-value/versions/1").status());
            assertEquals(404, rest.get("/schema-registry/subjects/nothing/versions").status());
            assertTrue(rest.post("/schema-registry/compatibility/subjects/m-value/versions/latest",
                    Map.of("schema", "\"string\"")).body().path("is_compatible").asBoolean());
            assertEquals(405, rest.post("/schema-registry/subjects/m-value/versions", Map.of("schema", "\"int\"")).status());
            assertEquals(405, rest.delete("/schema-registry/subjects/m-value").status());
        }
    }

    @Test
    void aZeroSetupWorkerWhose8081IsTakenStartsWithoutItsRegistry() throws Exception {
        java.net.ServerSocket taken = null;
        try {
            taken = new java.net.ServerSocket(8081); // else someone else holds it: the same situation
        } catch (java.io.IOException alreadyTaken) {
            // fine
        }
        try (WorkerProcess worker = WorkerProcess.start(Map.of(
                "embedded.kafka.dir", dir.resolve("kafka").toString(),
                "embedded.kafka.port", "0",
                "listeners", "http://127.0.0.1:0",
                "plugin.path", dir.resolve("plugins").toString()))) {
            assertNull(worker.schemaRegistryUrl(), "the default listener could not bind: no registry, a running worker");
            assertEquals(200, new RestClient(worker.restUrl()).get("/connectors").status());
        } finally {
            if (taken != null) {
                taken.close();
            }
        }
    }

    @Test
    void anExplicitRegistryListenerThatIsTakenFailsTheStartWithAClearMessage() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            Map<String, String> props = props();
            props.put("schema.registry.listeners", "http://127.0.0.1:" + taken.getLocalPort());
            RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> WorkerProcess.start(props).close());
            assertTrue(refused.getMessage().contains("schema.registry.listeners"), refused.getMessage());
        }
    }

    @Test
    void theRegistryListenerDefaultsTo8081WithTheEmbeddedBrokerOnly() {
        assertEquals(List.of("http://:8081"), new WorkerConfig(Map.of()).schemaRegistryListeners());
        assertEquals(List.of(), new WorkerConfig(Map.of("bootstrap.servers", "k:9092")).schemaRegistryListeners());
        assertEquals(List.of(), new WorkerConfig(Map.of("schema.registry.listeners", "")).schemaRegistryListeners());
        assertEquals(List.of("http://k:1"),
                new WorkerConfig(Map.of("bootstrap.servers", "k:9092", "schema.registry.listeners", "http://k:1"))
                        .schemaRegistryListeners());
    }
}
