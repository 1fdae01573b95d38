package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * KIP-618's per-connector offsets topic ({@code offsets.storage.topic}): the connector's offsets live in its own
 * topic, the worker's topic keeps a copy and fills in what the connector's topic never had, and a reset clears
 * both, with Apache's FileStreamSource in a worker process on the test broker. The worker's config topic is refused.
 */
class ConnectorOffsetsTopicIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    private final String workerOffsets = KafkaTestBroker.uniqueTopic("worker-offsets");
    private final String ownOffsets = KafkaTestBroker.uniqueTopic("own-offsets");
    private final String workerConfigs = KafkaTestBroker.uniqueTopic("worker-configs");

    @Test
    void offsetsGoToTheConnectorsTopicWithACopyInTheWorkersAndAResetClearsBoth() throws IOException {
        Path input = Files.writeString(dir.resolve("input.txt"), "a\nb\nc\n");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("own-records"), 1);
        try (WorkerLauncher worker = worker(Map.of())) {
            RestClient rest = worker.start();
            RestClient.Response refused = rest.createConnector("own", source(input, topic, workerConfigs));
            assertEquals(400, refused.status(), refused.raw());
            assertTrue(refused.body().path("message").asText().contains("offsets.storage.topic"), refused.raw());
            assertEquals(201, rest.createConnector("own", source(input, topic, ownOffsets)).status());
            awaitPosition(rest, "own", 6);
            Await.until(() -> Long.valueOf(6).equals(position(offsetTopic(ownOffsets), "own", input)), WAIT,
                    "offset in the connector's own topic");
            Await.until(() -> Long.valueOf(6).equals(position(offsetTopic(workerOffsets), "own", input)), WAIT,
                    "copy in the worker's topic");

            assertEquals(204, rest.put("/connectors/own/stop", Map.of()).status());
            Await.until(() -> "STOPPED".equals(rest.connectorState("own")), WAIT, "stopped");
            assertEquals(200, rest.delete("/connectors/own/offsets").status());
            assertEquals(0, rest.get("/connectors/own/offsets").body().path("offsets").size(),
                    "reset: nothing comes back from either topic");
            Map<String, Long> own = offsetTopic(ownOffsets);
            Map<String, Long> copy = offsetTopic(workerOffsets);
            assertNull(own.get(key("own", input)), "tombstone in the connector's topic: " + own);
            assertNull(copy.get(key("own", input)), "tombstone in the worker's topic: " + copy);

            assertEquals(202, rest.put("/connectors/own/resume", Map.of()).status());
            assertEquals(6, KafkaTestBroker.consumeAll(topic, 6, WAIT).size(), "the file read again from its start");
        }
    }

    @Test
    void aConnectorGivenItsOwnTopicResumesFromTheWorkersTopic() throws IOException {
        Path input = Files.writeString(dir.resolve("input.txt"), "a\nb\nc\n");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("moved-records"), 1);
        try (WorkerLauncher worker = worker(Map.of())) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("moved", source(input, topic, null)).status());
            awaitPosition(rest, "moved", 6);
            assertEquals(204, rest.delete("/connectors/moved").status());

            Files.writeString(input, "d\ne\n", StandardOpenOption.APPEND);
            assertEquals(201, rest.createConnector("moved", source(input, topic, ownOffsets)).status());
            awaitPosition(rest, "moved", 10);
            Await.until(() -> Long.valueOf(10).equals(position(offsetTopic(ownOffsets), "moved", input)), WAIT,
                    "offset in the connector's new topic");
            List<String> values = KafkaTestBroker.consumeAll(topic, 5, WAIT).stream().map(ConsumerRecord::value).toList();
            assertEquals(List.of("a", "b", "c", "d", "e"), values, "resumed after c, nothing read twice");
        }
    }

    @Test
    void exactlyOnceSourceCommitsOffsetsToTheConnectorsTopicInItsTransactions() throws IOException {
        Path input = Files.writeString(dir.resolve("input.txt"), "a\nb\nc\n");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("eos-records"), 1);
        try (WorkerLauncher worker = worker(Map.of("exactly.once.source.support", "enabled"))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("eos", source(input, topic, ownOffsets)).status());
            Await.until(() -> Long.valueOf(6).equals(position(offsetTopic(ownOffsets), "eos", input)), WAIT,
                    "offset committed to the connector's own topic");
            awaitPosition(rest, "eos", 6);
            Await.until(() -> Long.valueOf(6).equals(position(offsetTopic(workerOffsets), "eos", input)), WAIT,
                    "copy in the worker's topic");

            assertEquals(204, rest.put("/connectors/eos/stop", Map.of()).status());
            Await.until(() -> "STOPPED".equals(rest.connectorState("eos")), WAIT, "stopped");
            Files.writeString(input, "d\n", StandardOpenOption.APPEND);
            assertEquals(202, rest.put("/connectors/eos/resume", Map.of()).status());
            awaitPosition(rest, "eos", 8);
            List<String> values = KafkaTestBroker.consumeAll(topic, 4, WAIT).stream().map(ConsumerRecord::value).toList();
            assertEquals(List.of("a", "b", "c", "d"), values, "resumed from the connector's topic" + worker.tail());
            assertFalse(offsetTopic(ownOffsets).isEmpty());
        }
    }

    private WorkerLauncher worker(Map<String, String> extra) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Map<String, String> props = new HashMap<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("own-offsets-cluster"),
                "offset.storage.topic", workerOffsets,
                "config.storage.topic", workerConfigs,
                "plugin.path", pluginPath.toString(),
                "offset.flush.interval.ms", "500",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        props.putAll(extra);
        return new WorkerLauncher(dir, WorkerLauncher.freePort(), props);
    }

    private static Map<String, String> source(Path input, String topic, String offsetsTopic) {
        Map<String, String> config = new HashMap<>(Map.of("connector.class", "FileStreamSource",
                "file", input.toString(), "topic", topic));
        if (offsetsTopic != null) {
            config.put("offsets.storage.topic", offsetsTopic);
        }
        return config;
    }

    private static void awaitPosition(RestClient rest, String connector, long position) {
        Await.until(() -> {
            JsonNode offsets = rest.get("/connectors/" + connector + "/offsets").body().path("offsets");
            return offsets.size() == 1 && offsets.get(0).path("offset").path("position").asLong() == position;
        }, WAIT, connector + " at position " + position);
    }

    private static String key(String connector, Path input) {
        return connector + " " + input;
    }

    private static Long position(Map<String, Long> offsets, String connector, Path input) {
        return offsets.get(key(connector, input));
    }

    /**
     * The offsets topic as a read_committed consumer sees it, read to its end: "connector file" to the last
     * position written (null after a tombstone).
     */
    private static Map<String, Long> offsetTopic(String topic) {
        Map<String, Long> offsets = new HashMap<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(), "isolation.level", "read_committed",
                "enable.auto.commit", "false", "allow.auto.create.topics", "false"), new StringDeserializer(), new StringDeserializer())) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, WAIT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            if (partitions.isEmpty()) {
                return offsets;
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
            long deadline = System.nanoTime() + WAIT.toNanos();
            while (partitions.stream().anyMatch(p -> consumer.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> record : consumer.poll(Duration.ofMillis(200))) {
                    JsonNode key = JSON.readTree(record.key());
                    String name = key.get(0).asText() + " " + key.get(1).path("filename").asText();
                    offsets.put(name, record.value() == null ? null : JSON.readTree(record.value()).path("position").asLong());
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return offsets;
    }
}
