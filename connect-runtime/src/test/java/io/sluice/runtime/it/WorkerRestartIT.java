package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a worker was told survives the worker: connectors, their target states, and source offsets. */
class WorkerRestartIT {

    @TempDir
    Path dir;

    private Map<String, String> workerProps(Path pluginPath, String group) {
        return Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", group,
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.flush.interval.ms", "500");
    }

    @Test
    void restartedWorkerRestoresConnectorsTargetStatesAndResumesAfterLastCommittedOffset() throws IOException {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Path input = dir.resolve("input.txt");
        Files.write(input, lines(0, 1000));
        String topic = KafkaTestBroker.uniqueTopic("restart");
        String group = KafkaTestBroker.uniqueTopic("restart-cluster");

        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps(pluginPath, group))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "FileStreamSource", "file", input.toString(), "topic", topic)).status());
            assertEquals(201, rest.createConnector("paused-sink", Map.of(
                    "connector.class", "FileStreamSink", "file", dir.resolve("paused.txt").toString(),
                    "topics", topic)).status());
            assertEquals(201, rest.createConnector("stopped-sink", Map.of(
                    "connector.class", "FileStreamSink", "file", dir.resolve("stopped.txt").toString(),
                    "topics", topic)).status());
            assertEquals(202, rest.put("/connectors/paused-sink/pause", Map.of()).status());
            assertEquals(204, rest.put("/connectors/stopped-sink/stop", Map.of()).status());
            KafkaTestBroker.consumeAll(topic, 1000, Duration.ofSeconds(60));
            Await.until(() -> "PAUSED".equals(rest.connectorState("paused-sink"))
                    && "STOPPED".equals(rest.connectorState("stopped-sink")), Duration.ofSeconds(30), "states applied");
            worker.stop();

            Files.write(input, lines(1000, 1500), StandardOpenOption.APPEND);
            RestClient again = worker.start();
            Set<String> connectors = new HashSet<>(again.get("/connectors").as(
                    new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { }));
            assertEquals(Set.of("source", "paused-sink", "stopped-sink"), connectors);
            Await.until(() -> "RUNNING".equals(again.connectorState("source"))
                    && "PAUSED".equals(again.connectorState("paused-sink"))
                    && "STOPPED".equals(again.connectorState("stopped-sink")), Duration.ofSeconds(60),
                    "states restored; log:\n" + worker.tail());

            List<ConsumerRecord<String, String>> records = KafkaTestBroker.consumeAll(topic, 1500, Duration.ofSeconds(60));
            List<String> values = new ArrayList<>();
            records.forEach(r -> values.add(r.value()));
            assertEquals(lines(0, 1500), values, "the source resumed exactly after its last committed offset");
        }
    }

    static List<String> lines(int from, int to) {
        List<String> lines = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            lines.add("line-" + i);
        }
        return lines;
    }
}
