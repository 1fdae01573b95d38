package io.sluice.file.it;

import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.StringDeserializer;

/** What the file connector ITs share: a plugin path holding this module as users install it, worker settings, data. */
final class FileConnectorsITSupport {

    private FileConnectorsITSupport() {
    }

    /** A plugin path with a copy of the plugin directory the package phase installed. */
    static Path pluginPath(Path dir) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(Path.of(System.getProperty("sluice.plugin.dir")), pluginPath);
        return pluginPath;
    }

    /** A worker (not started) on the test broker with this module on its plugin path, in a cluster of its own. */
    static WorkerLauncher worker(Path dir, String group) {
        return new WorkerLauncher(dir, WorkerLauncher.freePort(),
                workerProps(pluginPath(dir), KafkaTestBroker.uniqueTopic(group)));
    }

    /** A worker in this JVM on the test broker, with pluginPath, string converters and commits every 300 ms. */
    static TestWorker.Builder inJvmWorker(Path pluginPath) {
        return TestWorker.standalone().pluginPath(pluginPath).stringConverters().with("offset.flush.interval.ms", "300");
    }

    /** The settings of {@link #inJvmWorker} in the cluster group, for a worker in a process of its own. */
    static Map<String, String> workerProps(Path pluginPath, String group) {
        return new HashMap<>(inJvmWorker(pluginPath).with("group.id", group).props());
    }

    static List<String> lines(int from, int to) {
        List<String> lines = new ArrayList<>(to - from);
        for (int i = from; i < to; i++) {
            lines.add("line-" + i + " the quick brown fox jumps over the lazy dog");
        }
        return lines;
    }

    static List<String> values(List<ConsumerRecord<String, String>> records) {
        List<String> values = new ArrayList<>(records.size());
        records.forEach(r -> values.add(r.value()));
        return values;
    }

    /** Every value in the topic once nothing new arrived for quietFor (at least `atLeast` values). */
    static List<String> allValues(String topic, int atLeast, Duration timeout, Duration quietFor) {
        return allValues(List.of(topic), atLeast, timeout, quietFor);
    }

    /**
     * Every value in the topics once nothing new arrived in any of them for quietFor (at least `atLeast` values in
     * all): one reader and one quiet period for many topics, not one each.
     */
    static List<String> allValues(List<String> topics, int atLeast, Duration timeout, Duration quietFor) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "auto.offset.reset", "earliest", "enable.auto.commit", "false",
                "group.id", KafkaTestBroker.uniqueTopic("reader")), new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(topics);
            long deadline = System.nanoTime() + timeout.toNanos();
            long lastArrival = System.nanoTime();
            while (System.nanoTime() < deadline) {
                int before = values.size();
                for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                    values.add(r.value());
                }
                if (values.size() > before) {
                    lastArrival = System.nanoTime();
                } else if (values.size() >= atLeast && System.nanoTime() - lastArrival > quietFor.toNanos()) {
                    return values;
                }
            }
        }
        throw new AssertionError("Expected at least " + atLeast + " values in " + topics + ", got " + values.size());
    }

    /** Every line of every data file the sink wrote (not its checkpoints), in file order. */
    static List<String> sinkLines(Path out) {
        List<String> lines = new ArrayList<>();
        if (!Files.isDirectory(out)) {
            return lines;
        }
        try (Stream<Path> files = Files.list(out)) {
            // not the checkpoints, nor a checkpoint's .tmp while it is being replaced
            for (Path p : files.filter(f -> !f.getFileName().toString().contains(".checkpoint")).sorted().toList()) {
                lines.addAll(Files.readAllLines(p));
            }
        } catch (IOException e) {
            return List.of(); // a file rotated while listed: the next poll sees it under its new name
        }
        return lines;
    }
}
