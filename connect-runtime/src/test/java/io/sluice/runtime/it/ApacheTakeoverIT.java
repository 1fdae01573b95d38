package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
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
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An Apache Kafka Connect 4.3.1 cluster moves to Sluice and back (issue 17): Sluice workers started with the
 * Apache cluster's group.id and internal topics run every connector as Apache left it, and Apache workers
 * started again on what Sluice wrote do the same. Apache runs from its Maven Central jars as its own JVM.
 */
class ApacheTakeoverIT {
    private static final Duration WAIT = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    private final List<WorkerLauncher> launched = new ArrayList<>();

    @AfterEach
    void stopAll() {
        launched.forEach(WorkerLauncher::kill);
    }

    @Test
    void sluiceTakesOverAnApacheClustersTopicsAndApacheTakesThemBack() throws Exception {
        String group = KafkaTestBroker.uniqueTopic("takeover");
        String lines = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("lines"), 1);
        String orders = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders"), 2);
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        Map<String, String> props = new HashMap<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", group,
                "config.storage.topic", group + "-configs",
                "offset.storage.topic", group + "-offsets",
                "status.storage.topic", group + "-status",
                "plugin.path", pluginPath.toString(),
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter",
                "offset.flush.interval.ms", "1000",
                // plugins by their ServiceLoader manifests only: Apache's workers start without scanning classes
                "plugin.discovery", "service_load"));
        for (String replication : List.of("config", "offset", "status")) {
            props.put(replication + ".storage.replication.factor", "-1");
        }
        Path input = dir.resolve("input.txt");
        Path output = dir.resolve("output.txt");
        Files.createFile(input);
        Files.createFile(output);
        Map<String, Map<String, String>> connectors = Map.of(
                "lines-source", Map.of("connector.class", "FileStreamSource", "tasks.max", "1",
                        "file", input.toString(), "topic", lines),
                "orders-sink", Map.of("connector.class", "FileStreamSink", "tasks.max", "1",
                        "file", output.toString(), "topics", orders),
                "parked-source", Map.of("connector.class", "FileStreamSource", "tasks.max", "1",
                        "file", dir.resolve("parked.txt").toString(), "topic", lines));

        // --- an Apache cluster: a source running, a sink paused after it consumed, a connector stopped
        WorkerLauncher apache = launched(WorkerLauncher.apache(Files.createDirectories(dir.resolve("apache-1")),
                WorkerLauncher.freePort(), props));
        RestClient rest = apache.start();
        try {
            connectors.forEach((name, config) -> assertEquals(201, rest.createConnector(name, config).status()));
            appendLines(input, 0, 50);
            produceOrders(orders, 0, 100);
            awaitLines(lines, 50);
            awaitFile(output, 100);
            assertEquals(202, rest.put("/connectors/orders-sink/pause", null).status());
            assertEquals(204, rest.put("/connectors/parked-source/stop", null).status());
            assertEquals(202, rest.post("/connectors/lines-source/restart?includeTasks=true", null).status());
            assertEquals(204, rest.put("/admin/loggers/org.apache.kafka.connect.file?scope=cluster",
                    Map.of("level", "DEBUG")).status());
            awaitStates(rest, Map.of("lines-source", "RUNNING", "orders-sink", "PAUSED", "parked-source", "STOPPED"));
            awaitSourceOffset(rest, input, 50);
            awaitSinkGroup(orders, 100);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- Apache worker:\n" + apache.tail(), e);
        }
        JsonNode apacheView = clusterView(rest);
        apache.stop();

        // --- while nobody runs: more lines to read and more orders to write
        appendLines(input, 50, 80);
        produceOrders(orders, 100, 150);

        // --- Sluice takes over the same topics
        WorkerLauncher sluice = launched(new WorkerLauncher(Files.createDirectories(dir.resolve("sluice")),
                WorkerLauncher.freePort(), props).distributed());
        RestClient sluiceRest = sluice.start();
        JsonNode sluiceView;
        try {
            awaitStates(sluiceRest, Map.of("lines-source", "RUNNING", "orders-sink", "PAUSED", "parked-source", "STOPPED"));
            assertEquals(apacheView, clusterView(sluiceRest), "connectors, configs, states and task configs as Apache left them");
            awaitLines(lines, 80);
            assertEquals(numbered(0, 80), lineValues(lines), "the source went on after its last offset: nothing again, nothing missed");
            assertEquals(100, Files.readAllLines(output).size(), "a paused sink writes nothing");
            assertEquals(202, sluiceRest.put("/connectors/orders-sink/resume", null).status());
            awaitFile(output, 150);
            assertEquals(orderValues(0, 150), sorted(Files.readAllLines(output)), "the sink went on from its group's offsets");

            // Sluice writes each kind of record Apache has to read back
            Map<String, String> changed = new TreeMap<>(connectors.get("lines-source"));
            changed.put("batch.size", "500");
            assertEquals(200, sluiceRest.put("/connectors/lines-source/config", changed).status());
            assertEquals(202, sluiceRest.post("/connectors/lines-source/restart?includeTasks=true", null).status());
            assertEquals(202, sluiceRest.put("/connectors/parked-source/resume", null).status());
            awaitStates(sluiceRest, Map.of("parked-source", "RUNNING"));
            assertEquals(204, sluiceRest.put("/connectors/parked-source/stop", null).status());
            assertEquals(202, sluiceRest.put("/connectors/orders-sink/pause", null).status());
            assertEquals(204, sluiceRest.put("/admin/loggers/org.apache.kafka.connect.file?scope=cluster",
                    Map.of("level", "WARN")).status());
            Await.until(() -> "WARN".equals(sluiceRest.get("/admin/loggers/org.apache.kafka.connect.file").body()
                    .path("level").asText()), WAIT, "the cluster's log level applied when read back from the config topic");
            awaitStates(sluiceRest, Map.of("lines-source", "RUNNING", "orders-sink", "PAUSED", "parked-source", "STOPPED"));
            appendLines(input, 80, 100);
            awaitLines(lines, 100);
            awaitSourceOffset(sluiceRest, input, 100);
            awaitSinkGroup(orders, 150);
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- Sluice worker:\n" + sluice.tail(), e);
        }
        sluiceView = clusterView(sluiceRest);
        sluice.stop();

        appendLines(input, 100, 110);
        produceOrders(orders, 150, 170);

        // --- and back: Apache takes over what Sluice wrote
        WorkerLauncher apacheAgain = launched(WorkerLauncher.apache(Files.createDirectories(dir.resolve("apache-2")),
                WorkerLauncher.freePort(), props));
        RestClient again = apacheAgain.start();
        try {
            awaitStates(again, Map.of("lines-source", "RUNNING", "orders-sink", "PAUSED", "parked-source", "STOPPED"));
            assertEquals(sluiceView, clusterView(again), "connectors, configs, states and task configs as Sluice left them");
            awaitLines(lines, 110);
            assertEquals(numbered(0, 110), lineValues(lines), "the source went on after Sluice's last offset");
            assertEquals(202, again.put("/connectors/orders-sink/resume", null).status());
            awaitFile(output, 170);
            assertEquals(orderValues(0, 170), sorted(Files.readAllLines(output)), "the sink went on from the offsets Sluice committed");
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError(e.getMessage() + "\n--- Apache worker:\n" + apacheAgain.tail(), e);
        }
        apacheAgain.stop();
    }

    /** A worker this test kills when it ends, whatever happened. */
    private WorkerLauncher launched(WorkerLauncher worker) {
        launched.add(worker);
        return worker;
    }

    /**
     * Every connector with its config, type, state, task states and task configs; worker ids left out, and
     * Sluice's live task figures (an extra field beside Apache's).
     */
    private static JsonNode clusterView(RestClient rest) {
        ObjectNode view = (ObjectNode) rest.get("/connectors?expand=info&expand=status").body().deepCopy();
        view.fields().forEachRemaining(connector -> {
            ObjectNode status = (ObjectNode) connector.getValue().path("status");
            ((ObjectNode) status.path("connector")).remove("worker_id");
            status.path("tasks").forEach(task -> ((ObjectNode) task).remove(List.of("worker_id", "live")));
            ((ObjectNode) connector.getValue()).set("task_configs",
                    rest.get("/connectors/" + connector.getKey() + "/tasks").body());
        });
        return view;
    }

    private static void awaitStates(RestClient rest, Map<String, String> states) {
        Await.until(() -> states.entrySet().stream().allMatch(e -> e.getValue().equals(rest.connectorState(e.getKey()))
                        && allTasks(rest, e.getKey(), e.getValue())), WAIT, "connector states " + states);
    }

    private static boolean allTasks(RestClient rest, String connector, String state) {
        JsonNode tasks = rest.get("/connectors/" + connector + "/status").body().path("tasks");
        if (state.equals("STOPPED")) {
            return tasks.isEmpty();
        }
        if (tasks.isEmpty()) {
            return false;
        }
        for (JsonNode task : tasks) {
            if (!state.equals(task.path("state").asText())) {
                return false;
            }
        }
        return true;
    }

    /** Waits until the source's committed offset is the input file's length after line `upTo`. */
    private static void awaitSourceOffset(RestClient rest, Path input, int upTo) throws IOException {
        long position = Files.size(input);
        Await.until(() -> {
            JsonNode offsets = rest.get("/connectors/lines-source/offsets").body().path("offsets");
            return offsets.size() == 1 && offsets.get(0).path("offset").path("position").asLong() == position;
        }, WAIT, "source offset committed at " + position + " (line " + upTo + ")");
    }

    private static void awaitSinkGroup(String topic, long records) {
        Await.until(() -> {
            try (Admin admin = KafkaTestBroker.admin()) {
                Map<TopicPartition, OffsetAndMetadata> offsets = admin.listConsumerGroupOffsets("connect-orders-sink")
                        .partitionsToOffsetAndMetadata().get();
                return offsets.values().stream().mapToLong(OffsetAndMetadata::offset).sum() == records;
            } catch (Exception notYet) {
                return false;
            }
        }, WAIT, "sink group committed " + records + " records of " + topic);
    }

    private static void appendLines(Path file, int from, int to) {
        String text = IntStream.range(from, to).mapToObj(i -> "line-" + i + "\n").collect(Collectors.joining());
        try {
            Files.writeString(file, text, StandardOpenOption.APPEND);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static void produceOrders(String topic, int from, int to) {
        List<Map.Entry<String, String>> records = new ArrayList<>();
        for (int i = from; i < to; i++) {
            records.add(Map.entry("k" + (i % 7), "order-" + i));
        }
        KafkaTestBroker.produce(topic, records);
    }

    private static void awaitLines(String topic, int count) {
        Await.until(() -> lineValues(topic).size() >= count, WAIT, count + " lines in " + topic);
    }

    private static void awaitFile(Path file, int lines) {
        Await.until(() -> {
            try {
                return Files.readAllLines(file).size() >= lines;
            } catch (IOException e) {
                return false;
            }
        }, WAIT, lines + " lines in " + file);
    }

    private static List<String> lineValues(String topic) {
        return KafkaTestBroker.consumeToEnd(topic).stream().map(ConsumerRecord::value).toList();
    }

    private static List<String> numbered(int from, int to) {
        return IntStream.range(from, to).mapToObj(i -> "line-" + i).toList();
    }

    /** The orders, each once, sorted: the sink interleaves the two partitions. */
    private static List<String> orderValues(int from, int to) {
        return sorted(IntStream.range(from, to).mapToObj(i -> "order-" + i).toList());
    }

    private static List<String> sorted(List<String> values) {
        return values.stream().sorted().toList();
    }
}
