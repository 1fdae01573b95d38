package io.sluice.runtime.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
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

    private TestWorker.Builder worker() {
        return TestWorker.standalone().pluginPath(dir.resolve("plugins"));
    }

    @Test
    void aWorkerOnAnExternalClusterRunsNoRegistryUnlessAskedAndShowsItsMetricsWhenItDoes() {
        try (TestWorker worker = worker().start()) {
            assertNull(worker.schemaRegistryUrl());
            assertEquals(404, worker.rest().get("/schema-registry/subjects").status());
        }
        TestWorker.Builder asked = worker().with("schema.registry.listeners", "http://127.0.0.1:0")
                .with("schema.registry.topic", KafkaTestBroker.uniqueTopic("_schemas"));
        try (TestWorker worker = asked.start()) {
            RestClient registry = new RestClient(worker.schemaRegistryUrl());
            assertEquals("{}", registry.get("/").raw());
            assertEquals(200, registry.post("/subjects/m-value/versions", Map.of("schema", "\"string\"")).status());
            assertEquals(404, registry.get("/subjects/nothing/versions").status());
            String metrics = worker.rest().get("/metrics").raw();
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_versions_registered_total 1"), metrics);
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_writer 1"), metrics);
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_subjects 1"), metrics);
            assertTrue(metrics.contains("kafka_connect_schema_registry_metrics_request_client_error_total 1"), metrics);
            // the console reads the registry through the REST API, and can change nothing through it
            RestClient rest = worker.rest();
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
        try (TestWorker worker = worker().with("bootstrap.servers", null)
                .with("embedded.kafka.dir", dir.resolve("kafka").toString())
                .with("embedded.kafka.port", "0").start()) {
            assertNull(worker.schemaRegistryUrl(), "the default listener could not bind: no registry, a running worker");
            assertEquals(200, worker.rest().get("/connectors").status());
        } finally {
            if (taken != null) {
                taken.close();
            }
        }
    }

    @Test
    void anExplicitRegistryListenerThatIsTakenFailsTheStartWithAClearMessage() throws Exception {
        try (java.net.ServerSocket taken = new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            TestWorker.Builder worker = worker().with("schema.registry.listeners", "http://127.0.0.1:" + taken.getLocalPort());
            RuntimeException refused = org.junit.jupiter.api.Assertions.assertThrows(RuntimeException.class,
                    () -> worker.start().close());
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
