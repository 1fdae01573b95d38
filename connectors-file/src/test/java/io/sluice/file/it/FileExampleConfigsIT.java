package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ExampleConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file connector examples in config/, as shipped but for their paths, on a worker of config/standalone.properties
 * (the shared test broker in place of the embedded one): each moves the data its comments describe, and the pairs the
 * examples form (JSON lines source and sink on "events", CSV source and sink on "orders") work together.
 */
class FileExampleConfigsIT {

    private static final Duration WAIT = Duration.ofSeconds(60);
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static TestWorker worker;
    private static RestClient rest;

    @BeforeAll
    static void startWorker() {
        worker = ExampleConfig.standaloneWorkerOnTestBroker(FileConnectorsITSupport.pluginPath(dir)).start();
        rest = worker.rest();
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void theTextExampleTailsEachLogAndItsCopiesWithFileHeadersReadsNoLineTwiceAfterARotationAndFailsOnALineNotInUtf8()
            throws Exception {
        Path logs = Files.createDirectories(dir.resolve("var-log-app"));
        Files.write(logs.resolve("app.log"), List.of("app 1", "app 2", "app 3"));
        Files.write(logs.resolve("app.log.1"), List.of("app old 1", "app old 2"));
        gzip(logs.resolve("app.log.2.gz"), "app older 1\n");
        Files.write(logs.resolve("db.log"), List.of("db 1", "db 2"));
        ExampleConfig example = ExampleConfig.connector("file-source-text.properties")
                .replace("input.path", "/var/log/app", logs.toString());
        create(example);

        List<ConsumerRecord<String, String>> first = KafkaTestBroker.consumeAll("app-logs", 7, WAIT);
        Map<String, String> fileOfLine = new HashMap<>();
        for (ConsumerRecord<String, String> record : first) {
            fileOfLine.put(payload(record.value()).asText(), header(record, "file.name"));
        }
        assertEquals(Map.of("app 1", "app.log", "app 2", "app.log", "app 3", "app.log", "app old 1", "app.log.1",
                "app old 2", "app.log.1", "db 1", "db.log", "db 2", "db.log"), fileOfLine,
                "every line of app.log, app.log.1 and db.log, headed with its file; nothing of app.log.2.gz");
        ConsumerRecord<String, String> third = first.stream().filter(r -> payload(r.value()).asText().equals("app 3"))
                .findFirst().orElseThrow();
        assertEquals("3", header(third, "file.line"));
        Await.until(() -> "RUNNING".equals(rest.taskState(example.name(), 0))
                && "RUNNING".equals(rest.taskState(example.name(), 1)), WAIT, "two tasks");

        // logrotate: the old copy is compressed away, app.log renamed to app.log.1 (its writer still appending
        // one last line), a new app.log created
        Files.delete(logs.resolve("app.log.2.gz"));
        gzip(logs.resolve("app.log.2.gz"), Files.readString(logs.resolve("app.log.1")));
        Files.delete(logs.resolve("app.log.1"));
        Files.move(logs.resolve("app.log"), logs.resolve("app.log.1"));
        Files.write(logs.resolve("app.log.1"), List.of("app 4, after the rename"), StandardOpenOption.APPEND);
        Files.write(logs.resolve("app.log"), List.of("app 5", "app 6"));

        List<String> all = FileConnectorsITSupport.allValues("app-logs", 10, WAIT, Duration.ofSeconds(3)).stream()
                .map(v -> payload(v).asText()).sorted().toList();
        assertEquals(List.of("app 1", "app 2", "app 3", "app 4, after the rename", "app 5", "app 6", "app old 1",
                "app old 2", "db 1", "db 2"), all, "each line once: the renamed log is recognised, not read again");

        // a line that is not UTF-8 fails the task reading it, naming file and line, as the example says
        Files.write(logs.resolve("legacy.log"), new byte[] {'c', 'a', 'f', (byte) 0xE9, '\n'});
        Await.until(() -> failedTrace(example.name()) != null, WAIT, "a task FAILED on legacy.log");
        String trace = failedTrace(example.name());
        assertTrue(trace.contains("line 1 of file " + logs.resolve("legacy.log")) && trace.contains("not valid UTF-8"),
                trace);
    }

    @Test
    void theJsonLinesSourceAndSinkExamplesCopyEventsKeyedByUserAndSendTheMalformedLineToTheDeadLetterTopic()
            throws Exception {
        List<String> events = List.of("{\"user_id\":\"u1\",\"action\":\"login\",\"n\":1}",
                "{\"user_id\":\"u2\",\"action\":\"search\",\"query\":{\"q\":\"boots\",\"page\":2}}",
                "{\"user_id\":\"u1\",\"action\":\"logout\"",
                "{\"user_id\":\"u1\",\"action\":\"logout\",\"n\":3}");
        Path input = dir.resolve("events.jsonl");
        Files.write(input, events);
        Path output = dir.resolve("out-events");
        create(ExampleConfig.connector("file-source-json.json").replace("file", "/data/events.jsonl", input.toString()));
        create(ExampleConfig.connector("file-sink-json.properties")
                .replace("output.path", "/data/out/events", output.toString()));

        List<ConsumerRecord<String, String>> records = KafkaTestBroker.consumeAll("events", 3, WAIT);
        assertEquals(List.of("u1", "u2", "u1"), records.stream().map(r -> payload(r.key()).asText()).toList(),
                "keyed by user_id");
        assertEquals(List.of(JSON.readTree(events.get(0)), JSON.readTree(events.get(1)), JSON.readTree(events.get(3))),
                records.stream().map(r -> json(r.value())).toList(), "schemaless JSON values, as in the file");
        ConsumerRecord<String, String> malformed = KafkaTestBroker.consumeAll("events-malformed", 1, WAIT).get(0);
        assertEquals(events.get(2), json(malformed.value()).asText(), "the malformed line, as it was");
        assertEquals("3", header(malformed, "__connect.errors.file.line"));
        assertEquals(input.toString(), header(malformed, "__connect.errors.file.name"));

        Path file = output.resolve("events-0.inprogress");
        Await.until(() -> lines(file).size() == 3, WAIT, () -> "three JSON lines in " + file + "; "
                + rest.get("/connectors/file-sink-events/status").raw());
        assertEquals(List.of(JSON.readTree(events.get(0)), JSON.readTree(events.get(1)), JSON.readTree(events.get(3))),
                lines(file).stream().map(FileExampleConfigsIT::json).toList(), "the sink writes each event back as it was");
        assertEquals("RUNNING", rest.taskState("file-sink-events", 0));
    }

    @Test
    void theCsvSourceAndSinkExamplesMoveTypedOrdersKeyedByIdIntoOneCsvStreamWithAHeaderRowAndEachFileToDone()
            throws Exception {
        Path landing = Files.createDirectories(dir.resolve("landing"));
        Path done = dir.resolve("done");
        Path output = dir.resolve("out-orders");
        Files.writeString(landing.resolve("orders-1.csv"), "id,item,price,note\n1,apple,0.5,\n2,pear,0.75,ripe\n");
        Files.writeString(landing.resolve("orders-2.csv"), "id,item,price,note\n3,plum,1.25,\"sweet, dark\"\n");
        Files.writeString(landing.resolve("README.txt"), "not an export\n");
        create(ExampleConfig.connector("file-source-csv.properties")
                .replace("input.path", "/data/landing", landing.toString())
                .replace("finished.path", "/data/done", done.toString()));
        create(ExampleConfig.connector("file-sink-csv-connector.properties")
                .replace("output.path", "/data/out/orders", output.toString()));

        List<ConsumerRecord<byte[], byte[]>> orders = KafkaTestBroker.consumeAllBytes("orders", 3, WAIT);
        assertEquals(List.of(1L, 2L, 3L), orders.stream().map(r -> ByteBuffer.wrap(r.key()).getLong()).sorted().toList(),
                "keyed by id, as LongConverter writes it");
        JsonNode plum = orders.stream().map(r -> json(new String(r.value(), StandardCharsets.UTF_8)))
                .filter(v -> v.path("payload").path("id").asLong() == 3).findFirst().orElseThrow();
        assertEquals(JSON.readTree("{\"id\":3,\"item\":\"plum\",\"price\":1.25,\"note\":\"sweet, dark\"}"), plum.path("payload"));
        assertEquals(List.of("int64", "string", "double", "string"), types(plum.path("schema")),
                "typed by value.schema (JsonConverter calls float64 double)");

        // a refund, written by another application with the orders' columns, shares the sink's one CSV stream
        KafkaTestBroker.produce("refunds", List.of(Map.entry("refund-9", "{\"schema\":" + plum.path("schema")
                + ",\"payload\":{\"id\":1,\"item\":\"apple\",\"price\":-0.5,\"note\":\"refund\"}}")));
        Path file = output.resolve("orders-0.inprogress");
        Await.until(() -> lines(file).size() == 5, WAIT, () -> "a header and four rows in " + file + ", have " + lines(file)
                + "; " + rest.get("/connectors/file-sink-orders-csv/status").raw());
        List<String> written = lines(file);
        assertEquals("id,item,price,note", written.get(0), "the file starts with a header row");
        assertEquals(Set.of("1,apple,0.5,", "2,pear,0.75,ripe", "3,plum,1.25,\"sweet, dark\"", "1,apple,-0.5,refund"),
                new HashSet<>(written.subList(1, 5)));

        Await.until(() -> Files.exists(done.resolve("orders-1.csv")) && Files.exists(done.resolve("orders-2.csv")),
                WAIT, "each export moved to done/ once its records are committed");
        assertEquals(List.of("README.txt"), list(landing), "only files matching input.file.pattern are read and moved");
        assertEquals("RUNNING", rest.taskState("file-source-orders", 0));
        assertEquals("RUNNING", rest.taskState("file-sink-orders-csv", 0));
    }

    /** The trace of the connector's first FAILED task, or null. */
    private static String failedTrace(String connector) {
        for (JsonNode task : rest.get("/connectors/" + connector + "/status").body().path("tasks")) {
            if ("FAILED".equals(task.path("state").asText())) {
                return task.path("trace").asText();
            }
        }
        return null;
    }

    private static void create(ExampleConfig example) {
        RestClient.Response created = rest.createConnector(example.name(), example.config());
        assertEquals(201, created.status(), example.name() + ": " + created.raw());
    }

    /** The payload of a JsonConverter envelope ({"schema": ..., "payload": ...}), or the document itself. */
    private static JsonNode payload(String json) {
        JsonNode node = json(json);
        return node.has("payload") ? node.get("payload") : node;
    }

    private static JsonNode json(String json) {
        try {
            return JSON.readTree(json);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> types(JsonNode structSchema) {
        List<String> types = new ArrayList<>();
        structSchema.path("fields").forEach(f -> types.add(f.path("type").asText()));
        return types;
    }

    private static String header(ConsumerRecord<?, ?> record, String name) {
        Header header = record.headers().lastHeader(name);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static void gzip(Path file, String text) throws IOException {
        try (OutputStream out = new GZIPOutputStream(Files.newOutputStream(file))) {
            out.write(text.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<String> list(Path directory) throws IOException {
        try (Stream<Path> files = Files.list(directory)) {
            return files.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }
}
