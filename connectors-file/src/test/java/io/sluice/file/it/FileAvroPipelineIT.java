package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.config.ConnectorConfigFile;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The zero-setup start with Avro: a worker without bootstrap.servers runs its broker and its schema registry; the
 * example configs config/file-source-csv-avro.properties and config/file-sink-avro-json.properties move CSV rows
 * through an Avro topic into JSON lines; a compatible schema change registers version 2, an incompatible one is
 * refused by the registry with 409 and fails the task with that message.
 */
class FileAvroPipelineIT {

    @TempDir
    Path dir;

    @Test
    void csvRowsTravelAsAvroThroughTheBuiltInRegistryAndAnIncompatibleChangeFailsTheTask() throws IOException {
        int registryPort = WorkerLauncher.freePort();
        URI registry = URI.create("http://127.0.0.1:" + registryPort + "/");
        Map<String, String> worker = new HashMap<>();
        worker.put("embedded.kafka.dir", dir.resolve("kafka").toString());
        worker.put("embedded.kafka.port", String.valueOf(WorkerLauncher.freePort()));
        worker.put("schema.registry.listeners", registry.toString());
        worker.put("plugin.path", FileConnectorsITSupport.pluginPath(dir).toString());
        worker.put("offset.flush.interval.ms", "500");
        Path landing = Files.createDirectories(dir.resolve("landing"));
        Path out = dir.resolve("out");
        try (WorkerLauncher launcher = new WorkerLauncher(dir, WorkerLauncher.freePort(), worker)) {
            RestClient rest = launcher.start();
            RestClient schemas = new RestClient(registry);
            Map<String, String> source = example("file-source-csv-avro.properties");
            source.put("input.path", landing.toString());
            source.put("finished.path", dir.resolve("done").toString());
            source.put("input.scan.interval.ms", "200");
            source.put("value.converter.schema.registry.url", registry.toString());
            Map<String, String> sink = example("file-sink-avro-json.properties");
            sink.put("output.path", out.toString());
            sink.put("value.converter.schema.registry.url", registry.toString());
            assertEquals(201, rest.createConnector(source.remove("name"), source).status());
            assertEquals(201, rest.createConnector(sink.remove("name"), sink).status());

            Files.writeString(landing.resolve("day1.csv"), "id,item,price,note\n1,apple,1.5,\n2,pear,2.25,ripe\n");
            Await.until(() -> FileConnectorsITSupport.sinkLines(out).size() == 2, Duration.ofSeconds(60),
                    () -> "2 rows written; log:\n" + launcher.tail());
            JsonNode apple = parse(FileConnectorsITSupport.sinkLines(out).get(0));
            assertEquals("apple", apple.path("item").asText());
            assertEquals(1.5, apple.path("price").asDouble());
            assertEquals("[1]", schemas.get("/subjects/orders-avro-value/versions").raw());

            // an optional column: BACKWARD compatible, version 2
            // each change reads a directory of its own: the task of the config before keeps running until the
            // connector made the new task configs (as in Apache), and must not take the file meant for the new one
            source.put("value.schema", "id:int64,item:string,price:float64,note:string?,qty:int32?");
            source.put("input.path", Files.createDirectories(dir.resolve("landing2")).toString());
            Files.writeString(dir.resolve("landing2").resolve("day2.csv"), "id,item,price,note,qty\n3,plum,0.75,,12\n");
            assertEquals(200, rest.put("/connectors/file-source-orders-avro/config", source).status());
            Await.until(() -> FileConnectorsITSupport.sinkLines(out).size() == 3, Duration.ofSeconds(60),
                    () -> "3 rows written; log:\n" + launcher.tail());
            assertEquals(12, parse(FileConnectorsITSupport.sinkLines(out).get(2)).path("qty").asInt());
            assertEquals("[1,2]", schemas.get("/subjects/orders-avro-value/versions").raw());

            // a required column: the new schema cannot read version 2's records, so the registry refuses it
            source.put("value.schema", "id:int64,item:string,price:float64,note:string?,qty:int32?,batch:string");
            source.put("input.path", Files.createDirectories(dir.resolve("landing3")).toString());
            Files.writeString(dir.resolve("landing3").resolve("day3.csv"), "id,item,price,note,qty,batch\n4,fig,3.0,,1,b7\n");
            assertEquals(200, rest.put("/connectors/file-source-orders-avro/config", source).status());
            Await.until(() -> "FAILED".equals(rest.taskState("file-source-orders-avro", 0)), Duration.ofSeconds(60),
                    () -> "the source task fails; log:\n" + launcher.tail());
            String trace = rest.get("/connectors/file-source-orders-avro/status").body().path("tasks").path(0)
                    .path("trace").asText();
            assertTrue(trace.contains("incompatible") && trace.contains("409"), trace);
            assertEquals("[1,2]", schemas.get("/subjects/orders-avro-value/versions").raw());
            assertEquals(3, FileConnectorsITSupport.sinkLines(out).size(), "the refused row reached no one");
        }
    }

    /** An example connector config from config/, as a user would start from it. */
    private static Map<String, String> example(String name) {
        ConnectorConfigFile file = ConnectorConfigFile.load(Path.of("..", "config", name));
        Map<String, String> config = new HashMap<>(file.config());
        config.put("name", file.name());
        return config;
    }

    private static JsonNode parse(String line) {
        try {
            return new com.fasterxml.jackson.databind.ObjectMapper().readTree(line);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
