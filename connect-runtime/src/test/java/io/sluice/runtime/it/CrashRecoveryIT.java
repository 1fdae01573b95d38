package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A worker killed with SIGKILL mid-run loses nothing: after a restart every line reaches the topic. */
class CrashRecoveryIT {

    @TempDir
    Path dir;

    @Test
    void sourceKilledMidRunLosesNoRecordAfterRestart() throws IOException {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Path input = dir.resolve("input.txt");
        int total = 200_000;
        List<String> lines = WorkerRestartIT.lines(0, total);
        Files.write(input, lines);
        String topic = KafkaTestBroker.uniqueTopic("crash");
        KafkaTestBroker.createTopic(topic, 1);

        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("crash-cluster"),
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.flush.interval.ms", "200"))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "FileStreamSource", "file", input.toString(), "topic", topic,
                    "batch.size", "500")).status());
            KafkaTestBroker.consumeAll(topic, 20_000, Duration.ofSeconds(60));
            worker.kill();

            worker.start();
            Set<String> seen = distinctValues(topic, total, Duration.ofSeconds(120));
            assertEquals(new HashSet<>(lines), seen, "every line is in the topic after the crash");
        }
    }

    /** Reads the topic from the start until it holds `distinct` different values or the timeout passes. */
    private static Set<String> distinctValues(String topic, int distinct, Duration timeout) {
        Set<String> seen = new HashSet<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                "group.id", KafkaTestBroker.uniqueTopic("reader")), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            while (seen.size() < distinct && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    seen.add(r.value());
                }
            }
        }
        return seen;
    }
}
