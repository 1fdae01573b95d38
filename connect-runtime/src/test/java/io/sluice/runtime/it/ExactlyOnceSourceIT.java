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
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** KIP-618 exactly-once source: records and offsets in one transaction survive a SIGKILL with no duplicate. */
class ExactlyOnceSourceIT {

    @TempDir
    Path dir;

    @Test
    void sourceKilledMidStreamIsSeenExactlyOnceByAReadCommittedConsumer() throws IOException {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Path input = dir.resolve("input.txt");
        int total = 100_000;
        List<String> lines = WorkerRestartIT.lines(0, total);
        Files.write(input, lines);
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("eos"), 1);

        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("eos-cluster"),
                "plugin.path", pluginPath.toString(),
                "exactly.once.source.support", "enabled",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "FileStreamSource", "file", input.toString(), "topic", topic,
                    "batch.size", "500")).status());
            readCommitted(topic, 10_000, Duration.ofSeconds(60));
            worker.kill();

            worker.start();
            List<String> seen = readCommitted(topic, total, Duration.ofSeconds(120));
            assertEquals(total, new HashSet<>(seen).size(), "every line committed" + worker.tail());
            assertEquals(total, seen.size(), "no line twice");
            assertEquals(lines, seen, "in file order");
        }
    }

    /**
     * Values a read_committed consumer sees from the start: until at least count of them, then until the topic
     * stays quiet for a while, so duplicates written after the count was reached are seen too.
     */
    private static List<String> readCommitted(String topic, int count, Duration timeout) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "isolation.level", "read_committed", "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                "group.id", KafkaTestBroker.uniqueTopic("eos-reader")), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + timeout.toNanos();
            int quietPolls = 0;
            while (System.nanoTime() < deadline && (values.size() < count || quietPolls < 4)) {
                int before = values.size();
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(500))) {
                    values.add(r.value());
                }
                quietPolls = values.size() == before ? quietPolls + 1 : 0;
            }
        }
        return values;
    }
}
