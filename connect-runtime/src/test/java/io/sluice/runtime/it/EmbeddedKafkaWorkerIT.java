package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.testing.RestClient;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Without bootstrap.servers a worker runs its own broker, reachable by any Kafka client, whose data outlives the worker. */
class EmbeddedKafkaWorkerIT {

    @TempDir
    Path dir;

    @Test
    void workerWithoutBootstrapServersRunsAnEmbeddedBrokerThatKeepsItsDataAcrossRestarts() throws Exception {
        Map<String, String> props = Map.of(
                "embedded.kafka.dir", dir.resolve("kafka").toString(),
                "embedded.kafka.port", "0",
                "listeners", "http://127.0.0.1:0",
                "plugin.path", dir.resolve("plugins").toString());
        try (WorkerProcess worker = WorkerProcess.start(props)) {
            RestClient rest = new RestClient(worker.restUrl());
            RestClient.Response created = rest.post("/connectors", Map.of("name", "kept", "initial_state", "STOPPED",
                    "config", Map.of("connector.class", "io.sluice.runtime.worker.TestSourceConnector")));
            assertEquals(201, created.status(), created.raw());
            try (Admin admin = Admin.create(Map.<String, Object>of("bootstrap.servers", worker.bootstrapServers()))) {
                Set<String> topics = admin.listTopics().names().get();
                assertTrue(topics.containsAll(Set.of("connect-cluster-configs", "connect-cluster-offsets",
                        "connect-cluster-status")), topics.toString());
            }
        }
        try (WorkerProcess restarted = WorkerProcess.start(props)) {
            RestClient rest = new RestClient(restarted.restUrl());
            assertEquals("STOPPED", rest.connectorState("kept"));
            assertEquals("kept", rest.get("/connectors/kept").body().path("name").asText());
        }
    }
}
