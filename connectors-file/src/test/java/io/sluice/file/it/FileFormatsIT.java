package io.sluice.file.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * CSV files dropped into a watched directory become typed records keyed by a column, are moved away once
 * committed, and the sink writes them back out as JSON lines, as CSV, and as CSV with a header row.
 */
class FileFormatsIT {

    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path dir;

    @Test
    void csvLandingDirectoryToJsonAndCsvFiles() throws IOException {
        Path landing = Files.createDirectories(dir.resolve("landing"));
        Path done = dir.resolve("done");
        String topic = KafkaTestBroker.uniqueTopic("orders");
        KafkaTestBroker.createTopic(topic, 1);
        try (WorkerLauncher worker = FileConnectorsITSupport.worker(dir, "formats-cluster")) {
            RestClient rest = worker.start();
            Map<String, String> source = new HashMap<>(Map.of(
                    "connector.class", "io.sluice.file.source.FileSourceConnector", "topic", topic,
                    "input.path", landing.toString(), "input.file.pattern", ".*\\.csv", "format", "csv",
                    "value.schema", "id:int64,item:string,price:float64", "key.field", "id",
                    "cleanup.policy", "MOVE", "finished.path", done.toString()));
            source.put("finished.idle.ms", "200");
            source.put("file.headers.enabled", "true");
            source.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
            source.put("value.converter.schemas.enable", "true");
            source.put("key.converter", "org.apache.kafka.connect.converters.LongConverter");
            assertEquals(201, rest.createConnector("csv-source", source).status());
            Files.writeString(landing.resolve("orders-1.csv"), "id,item,price\n1,\"pen, blue\",1.5\n2,ink,3.25\n");
            Files.writeString(landing.resolve("notes.txt"), "not csv\n");

            List<ConsumerRecord<String, String>> first = KafkaTestBroker.consumeAll(topic, 2, Duration.ofSeconds(60));
            assertEquals(Map.of("id", 1, "item", "pen, blue", "price", 1.5),
                    JSON.convertValue(JSON.readTree(first.get(0).value()).get("payload"), Map.class));
            assertEquals("orders-1.csv", new String(first.get(1).headers().lastHeader("file.name").value()));

            // a file landing later is picked up by the watcher
            Files.writeString(landing.resolve("orders-2.csv"), "id,item,price\n3,pad,2\n");
            KafkaTestBroker.consumeAll(topic, 3, Duration.ofSeconds(60));
            Await.until(() -> Files.exists(done.resolve("orders-1.csv")) && Files.exists(done.resolve("orders-2.csv")),
                    Duration.ofSeconds(60), "finished files moved; log:\n" + worker.tail());
            assertFalse(Files.exists(landing.resolve("orders-1.csv")));

            for (String format : List.of("json", "csv", "csv-header")) {
                Map<String, String> sink = new HashMap<>(Map.of(
                        "connector.class", "io.sluice.file.sink.FileSinkConnector", "topics", topic,
                        "output.path", dir.resolve("out-" + format).toString(), "format", format.startsWith("csv") ? "csv" : format));
                sink.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
                sink.put("value.converter.schemas.enable", "true"); // structs keep their column order
                if (format.equals("csv-header")) {
                    sink.put("output.mode", "connector");
                    sink.put("csv.first.row.as.header", "true");
                }
                assertEquals(201, rest.createConnector(format + "-sink", sink).status());
            }
            Path jsonOut = dir.resolve("out-json").resolve(topic + "-0.inprogress");
            Path csvOut = dir.resolve("out-csv").resolve(topic + "-0.inprogress");
            Await.until(() -> lines(jsonOut).size() == 3 && lines(csvOut).size() == 3, Duration.ofSeconds(60),
                    "sinks wrote 3 lines each");
            List<String> json = lines(jsonOut);
            JsonNode row = JSON.readTree(json.get(0));
            assertEquals("pen, blue", row.get("item").asText());
            assertEquals(3.25, JSON.readTree(json.get(1)).get("price").asDouble());
            assertEquals(List.of("1,\"pen, blue\",1.5", "2,ink,3.25", "3,pad,2.0"), lines(csvOut));
            Path headerOut = dir.resolve("out-csv-header").resolve("csv-header-sink-0.inprogress");
            Await.until(() -> lines(headerOut).size() == 4, Duration.ofSeconds(60), "connector-mode sink wrote its file");
            assertEquals(List.of("id,item,price", "1,\"pen, blue\",1.5", "2,ink,3.25", "3,pad,2.0"), lines(headerOut),
                    "a header row, then the rows");
        }
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            return List.of();
        }
    }
}
