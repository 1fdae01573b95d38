package io.sluice.file.it;

import static io.sluice.file.it.FileConnectorsITSupport.lines;
import static io.sluice.file.it.FileConnectorsITSupport.values;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ConnectorAssertions;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
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

/** The file source, loaded from a plugin path into a worker JVM: order, tailing, restarts and crashes. */
class FileSourceIT {

    @TempDir
    Path dir;

    @Test
    void linesArriveInOrderTailedFileKeepsFlowingAndRestartResumesExactly() throws IOException {
        Path input = dir.resolve("input.txt");
        Files.write(input, lines(0, 20_000));
        String topic = KafkaTestBroker.uniqueTopic("file-source");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-cluster")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector",
                    "file", input.toString(), "topic", topic, "batch.size", "3000")).status());
            assertEquals(lines(0, 20_000), values(KafkaTestBroker.consumeAll(topic, 20_000, Duration.ofSeconds(60))));

            Files.write(input, lines(20_000, 20_500), StandardOpenOption.APPEND);
            assertEquals(lines(0, 20_500), values(KafkaTestBroker.consumeAll(topic, 20_500, Duration.ofSeconds(30))),
                    "appended lines are tailed");

            worker.stop();
            Files.write(input, lines(20_500, 21_000), StandardOpenOption.APPEND);
            worker.start();
            assertEquals(lines(0, 21_000), FileConnectorsITSupport.allValues(topic, 21_000,
                    Duration.ofSeconds(60), Duration.ofSeconds(2)), "resumed right after the last committed line");
        }
    }

    @Test
    void workerKilledMidFileLosesNoLineAfterRestart() throws IOException {
        Path input = dir.resolve("big.txt");
        int total = 300_000;
        List<String> expected = lines(0, total);
        Files.write(input, expected);
        String topic = KafkaTestBroker.uniqueTopic("file-source-kill");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-kill-cluster")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector",
                    "file", input.toString(), "topic", topic, "batch.size", "2000")).status());
            KafkaTestBroker.consumeAll(topic, 10_000, Duration.ofSeconds(60));
            worker.kill();

            worker.start();
            List<String> values = FileConnectorsITSupport.allValues(topic, total, Duration.ofSeconds(120),
                    Duration.ofSeconds(2));
            Set<String> distinct = new HashSet<>(values);
            assertEquals(new HashSet<>(expected), distinct, "every line is in the topic after the crash");
            assertTrue(values.size() - total < 200_000, "only the uncommitted tail is read twice");
            List<String> lastCopy = new ArrayList<>(values.subList(values.size() - 1000, values.size()));
            assertEquals(expected.subList(total - 1000, total), lastCopy, "the file ends in order");
        }
    }

    @Test
    void logRotatedByRenameIsNotReadAgainWhileRunningNorAfterARestart() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        Path log = logs.resolve("app.log");
        Files.write(log, lines(0, 5000));
        String topic = KafkaTestBroker.uniqueTopic("file-source-rotation");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-rotation-cluster")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector", "file", logs + "/app.log*",
                    "topic", topic, "input.scan.interval.ms", "200")).status());
            KafkaTestBroker.consumeAll(topic, 5000, Duration.ofSeconds(60));

            // logrotate's default: rename, then create the new file
            Files.write(log, lines(5000, 6000), StandardOpenOption.APPEND);
            Files.move(log, logs.resolve("app.log.1"));
            Files.write(log, lines(6000, 8000));
            assertExactly(lines(0, 8000), FileConnectorsITSupport.allValues(topic, 8000, Duration.ofSeconds(60),
                    Duration.ofSeconds(3)));

            worker.stop();
            Files.move(logs.resolve("app.log.1"), logs.resolve("app.log.2"));
            Files.move(log, logs.resolve("app.log.1"));
            Files.write(log, lines(8000, 8500));
            worker.start();
            assertExactly(lines(0, 8500), FileConnectorsITSupport.allValues(topic, 8500, Duration.ofSeconds(60),
                    Duration.ofSeconds(3)));
        }
    }

    @Test
    void offsetsAlteredOverRestAreRefusedWhenTheTaskCouldNotUseThemAndAValidPositionIsWhereItResumes()
            throws IOException {
        Path input = dir.resolve("h1.txt");
        Files.write(input, lines(0, 10));
        long size = Files.size(input);
        long fifthLineEnds = 5L * (lines(0, 1).get(0).length() + 1);
        String topic = KafkaTestBroker.uniqueTopic("file-source-offsets");
        KafkaTestBroker.createTopic(topic, 1);
        String group = KafkaTestBroker.uniqueTopic("fs-offsets-cluster");
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(),
                FileConnectorsITSupport.workerProps(FileConnectorsITSupport.pluginPath(dir), group))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("lines", Map.of("connector.class", "io.sluice.file.FileSourceConnector",
                    "file", input.toString(), "topic", topic)).status());
            KafkaTestBroker.consumeAll(topic, 10, Duration.ofSeconds(60));
            Await.until(() -> committedPosition(rest) == size, Duration.ofSeconds(30), "offset committed");
            assertEquals(204, rest.put("/connectors/lines/stop", Map.of()).status());
            new ConnectorAssertions(rest, Duration.ofSeconds(30)).awaitState("lines", "STOPPED");

            Map<String, Object> partition = Map.of("path", input.toString());
            for (Map<String, ?> bad : List.<Map<String, ?>>of(
                    Map.of("partition", partition, "offset", Map.of("position", "notanumber")),
                    Map.of("partition", partition, "offset", Map.of("pos", 0)),
                    Map.of("partition", partition, "offset", Map.of("position", -10)),
                    Map.of("partition", partition, "offset", Map.of("position", 2.5)),
                    Map.of("partition", Map.of("filename", input.toString()), "offset", Map.of("position", 0)))) {
                RestClient.Response refused = rest.patch("/connectors/lines/offsets", Map.of("offsets", List.of(bad)));
                assertEquals(400, refused.status(), bad + ": " + refused.raw());
                assertEquals(400, refused.body().path("error_code").asInt(), refused.raw());
                assertTrue(refused.body().path("message").asText().startsWith("Connector lines refused these offsets: "),
                        refused.raw());
            }
            assertEquals(size, committedPosition(rest), "a refused change wrote nothing");

            // a position without the file's key, as a user writes it: the task reads the file at the path from there
            RestClient.Response altered = rest.patch("/connectors/lines/offsets", Map.of("offsets", List.of(Map.of(
                    "partition", partition, "offset", Map.of("position", fifthLineEnds)))));
            assertEquals(200, altered.status(), altered.raw());
            assertEquals("The offsets for this connector have been altered successfully",
                    altered.body().path("message").asText());
            assertEquals(202, rest.put("/connectors/lines/resume", Map.of()).status());
            List<String> expected = new ArrayList<>(lines(0, 10));
            expected.addAll(lines(5, 10));
            assertEquals(expected, FileConnectorsITSupport.allValues(topic, 15, Duration.ofSeconds(60),
                    Duration.ofSeconds(2)), "lines 6 to 10 again, nothing else");

            // an offset of the wrong shape stored anyway (by an older version, or written to the topic by hand)
            Await.until(() -> committedPosition(rest) == size, Duration.ofSeconds(30), "offset committed");
            assertEquals(204, rest.put("/connectors/lines/stop", Map.of()).status());
            new ConnectorAssertions(rest, Duration.ofSeconds(30)).awaitState("lines", "STOPPED");
            KafkaTestBroker.produce(group + "-offsets", List.of(Map.entry(
                    "[\"lines\",{\"path\":\"" + input + "\"}]", "{\"position\":\"notanumber\"}")));
            assertEquals(202, rest.put("/connectors/lines/resume", Map.of()).status());
            String trace = new ConnectorAssertions(rest).awaitTaskState("lines", 0, "FAILED").path("tasks").get(0)
                    .path("trace").asText();
            assertTrue(trace.contains("The stored offset {position=notanumber} of partition {path=" + input
                    + "} cannot be used: The value for the 'position' key in the offset is expected to be a Long value"),
                    trace);
            assertFalse(trace.contains("ClassCastException") || trace.contains("NullPointerException"), trace);
        }
    }

    private static long committedPosition(RestClient rest) {
        JsonNode offsets = rest.get("/connectors/lines/offsets").body().path("offsets");
        return offsets.size() == 1 ? offsets.get(0).path("offset").path("position").asLong(-1) : -1;
    }

    private static void assertExactly(List<String> expected, List<String> values) {
        assertEquals(new HashSet<>(expected), new HashSet<>(values), "every line arrived");
        assertEquals(expected.size(), values.size(), "no line arrived twice");
    }

    @Test
    void malformedLinesGoToTheDeadLetterQueueTopicOrFailTheTaskNamingFileAndLine() throws IOException {
        Path input = dir.resolve("events.jsonl");
        Files.writeString(input, "{\"id\":1}\n{\"id\":2\n{\"id\":3}\nnot json at all\n{\"id\":5}\n");
        String topic = KafkaTestBroker.uniqueTopic("file-source-json");
        String dlq = KafkaTestBroker.uniqueTopic("file-source-dlq");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-dlq-cluster")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("tolerant", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector", "file", input.toString(),
                    "topic", topic, "format", "json", "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter.schemas.enable", "false", "errors.tolerance", "all",
                    "errors.deadletterqueue.topic.name", dlq)).status());
            assertEquals(3, KafkaTestBroker.consumeAll(topic, 3, Duration.ofSeconds(60)).size());
            List<ConsumerRecord<String, String>> dead = KafkaTestBroker.consumeAll(dlq, 2, Duration.ofSeconds(60));
            assertEquals(List.of("\"{\\\"id\\\":2\"", "\"not json at all\""), values(dead),
                    "the raw lines, through the connector's (JSON) value converter");
            assertEquals(input.toString(), header(dead.get(1), "__connect.errors.file.name"));
            assertEquals("4", header(dead.get(1), "__connect.errors.file.line"));
            assertEquals("tolerant", header(dead.get(1), "__connect.errors.connector.name"));
            assertTrue(header(dead.get(0), "__connect.errors.exception.message").contains("line 2 of file " + input));

            assertEquals(201, rest.createConnector("strict", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector", "file", input.toString(),
                    "topic", KafkaTestBroker.uniqueTopic("file-source-strict"), "format", "json")).status());
            String trace = new ConnectorAssertions(rest).awaitTaskState("strict", 0, "FAILED").get("tasks").get(0)
                    .get("trace").asText();
            assertTrue(trace.contains("line 2 of file " + input), trace);
        }
    }

    @Test
    void linesThatAreNotUtf8FailTheTaskGoToTheDeadLetterQueueOrKeepTheirBytesAsTheUserChooses() throws IOException {
        // as the user met it: 1,000 lines, every tenth holding a Latin-1 'é' (the byte 0xE9), which is not UTF-8
        List<byte[]> lines = new ArrayList<>();
        java.io.ByteArrayOutputStream content = new java.io.ByteArrayOutputStream();
        for (int i = 0; i < 1000; i++) {
            byte[] line = (i % 10 == 3 ? "caf\u00e9 " + i : "line " + i).getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
            lines.add(line);
            content.writeBytes(line);
            content.write('\n');
        }
        Path input = Files.write(dir.resolve("latin1.txt"), content.toByteArray());
        String tolerantTopic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("fs-utf8-tolerant"), 1);
        String dlq = KafkaTestBroker.uniqueTopic("fs-utf8-dlq");
        String rawTopic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("fs-utf8-raw"), 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-utf8-cluster")) {
            RestClient rest = worker.start();
            Map<String, String> source = Map.of("connector.class", "io.sluice.file.source.FileSourceConnector",
                    "file", input.toString());

            assertEquals(201, rest.createConnector("strict", with(source, "topic",
                    KafkaTestBroker.uniqueTopic("fs-utf8-strict"))).status());
            String trace = new ConnectorAssertions(rest).awaitTaskState("strict", 0, "FAILED").get("tasks").get(0)
                    .get("trace").asText();
            assertTrue(trace.contains("line 4 of file " + input) && trace.contains("not valid UTF-8 at byte 3"), trace);

            assertEquals(201, rest.createConnector("tolerant", with(source, "topic", tolerantTopic,
                    "errors.tolerance", "all", "errors.deadletterqueue.topic.name", dlq)).status());
            List<String> good = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                if (i % 10 != 3) {
                    good.add("line " + i);
                }
            }
            assertEquals(good, values(KafkaTestBroker.consumeAll(tolerantTopic, 900, Duration.ofSeconds(60))),
                    "the other lines flow, unaltered");
            List<ConsumerRecord<String, String>> dead = KafkaTestBroker.consumeAll(dlq, 100, Duration.ofSeconds(60));
            assertEquals(100, dead.size());
            assertEquals("14", header(dead.get(1), "__connect.errors.file.line"));
            assertEquals(input.toString(), header(dead.get(1), "__connect.errors.file.name"));
            assertEquals(java.util.Base64.getEncoder().encodeToString(lines.get(13)),
                    header(dead.get(1), "__connect.errors.file.line.base64"), "the exact bytes of the line");

            assertEquals(201, rest.createConnector("raw", with(source, "topic", rawTopic, "encoding.errors", "keep",
                    "value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter")).status());
            List<ConsumerRecord<byte[], byte[]>> raw = KafkaTestBroker.consumeAllBytes(rawTopic, 1000, Duration.ofSeconds(60));
            assertEquals(1000, raw.size());
            for (int i = 0; i < 1000; i++) {
                assertTrue(java.util.Arrays.equals(lines.get(i), raw.get(i).value()), "line " + (i + 1) + " as in the file");
            }
        }
    }

    private static Map<String, String> with(Map<String, String> base, String... keyValues) {
        Map<String, String> config = new java.util.HashMap<>(base);
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static String header(ConsumerRecord<String, String> record, String name) {
        return new String(record.headers().lastHeader(name).value(), java.nio.charset.StandardCharsets.UTF_8);
    }

    @Test
    void globSpreadsFilesOverTasksAndEachFileStaysInOrder() throws IOException {
        Path logs = Files.createDirectories(dir.resolve("logs"));
        List<String> all = new ArrayList<>();
        for (int f = 0; f < 4; f++) {
            List<String> content = new ArrayList<>();
            for (int i = 0; i < 1000; i++) {
                content.add("file" + f + "-" + i);
            }
            Files.write(logs.resolve("app-" + f + ".log"), content);
            all.addAll(content);
        }
        Files.writeString(logs.resolve("ignored.txt"), "not a log\n");
        String topic = KafkaTestBroker.uniqueTopic("file-source-glob");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "fs-glob-cluster")) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("source", Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector", "tasks.max", "2",
                    "file", logs + "/*.log", "topic", topic)).status());
            List<String> values = FileConnectorsITSupport.allValues(topic, 4000, Duration.ofSeconds(60),
                    Duration.ofSeconds(2));
            assertEquals(new HashSet<>(all), new HashSet<>(values));
            assertEquals(4000, values.size());
            for (int f = 0; f < 4; f++) {
                String prefix = "file" + f + "-";
                List<String> ofFile = values.stream().filter(v -> v.startsWith(prefix)).toList();
                assertEquals(all.subList(f * 1000, f * 1000 + 1000), ofFile, "lines of file " + f + " in order");
            }
            new ConnectorAssertions(rest, Duration.ofSeconds(10)).awaitTaskState("source", 1, "RUNNING");
        }
    }
}
