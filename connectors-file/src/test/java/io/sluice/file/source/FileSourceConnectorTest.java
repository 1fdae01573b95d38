package io.sluice.file.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSourceConnectorTest {

    private static List<String> errorsOf(Map<String, String> config, String key) {
        return new FileSourceConnector().validate(config).configValues().stream()
                .filter(v -> v.name().equals(key)).findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }

    @Test
    void validationAsksForExactlyOneInputAndAValidSchema() {
        assertEquals(1, errorsOf(Map.of("topic", "t"), "file").size());
        assertEquals(1, errorsOf(Map.of("topic", "t", "file", "a", "input.path", "/d"), "file").size());
        assertTrue(errorsOf(Map.of("topic", "t", "file", "a"), "file").isEmpty());
        assertEquals(1, errorsOf(Map.of("topic", "t", "file", "a", "value.schema", "id:decimal"), "value.schema").size());
    }

    @Test
    void keepingLineBytesNeedsTextAndAConverterThatWritesBytes() {
        Map<String, String> keep = Map.of("topic", "t", "file", "a", "encoding.errors", "keep");
        assertTrue(errorsOf(keep, "encoding.errors").get(0).contains("ByteArrayConverter"), "no value converter named");
        Map<String, String> string = new java.util.HashMap<>(keep);
        string.put("value.converter", "org.apache.kafka.connect.storage.StringConverter");
        assertEquals(1, errorsOf(string, "encoding.errors").size(), "StringConverter would write an array reference");
        Map<String, String> bytes = new java.util.HashMap<>(keep);
        bytes.put("value.converter", "org.apache.kafka.connect.converters.ByteArrayConverter");
        assertTrue(errorsOf(bytes, "encoding.errors").isEmpty());
        bytes.put("format", "csv");
        assertTrue(errorsOf(bytes, "encoding.errors").get(0).contains("format=text"));
        assertEquals(1, errorsOf(Map.of("topic", "t", "file", "a", "encoding.errors", "ignore"), "encoding.errors").size());
    }

    @Test
    void validationRefusesWhatWouldOtherwiseFailOrReadNothingOnceStarted(@TempDir Path dir) throws Exception {
        Map<String, String> move = Map.of("topic", "t", "input.path", dir.toString(), "cleanup.policy", "MOVE");
        assertEquals(List.of("cleanup.policy=MOVE needs a directory to move files to"), errorsOf(move, "finished.path"));
        String glob = errorsOf(Map.of("topic", "t", "file", "/logs/[app.log"), "file").get(0);
        assertTrue(glob.startsWith("not a valid glob: Missing") && glob.endsWith("near index 13"), glob);
        Map<String, String> csv = Map.of("topic", "t", "file", "a.csv", "format", "csv", "value.schema", "id:int64,item:string",
                "key.field", "order_id");
        assertEquals(List.of("'order_id' is not a field of value.schema (id, item)"), errorsOf(csv, "key.field"),
                "every line would be malformed");
        assertEquals(List.of("must differ from csv.separator.char"), errorsOf(Map.of("topic", "t", "file", "a.csv",
                "format", "csv", "csv.separator.char", "'", "csv.quote.char", "'"), "csv.quote.char"));
        Map<String, String> finishedAbove = Map.of("topic", "t", "input.path", dir.resolve("landing").toString(),
                "cleanup.policy", "MOVE", "finished.path", dir.toString());
        assertTrue(errorsOf(finishedAbove, "finished.path").get(0).contains("would then never be read"));
        Map<String, String> doneInside = Map.of("topic", "t", "input.path", dir.toString(), "cleanup.policy", "MOVE",
                "finished.path", dir.resolve("done").toString());
        assertTrue(errorsOf(doneInside, "finished.path").isEmpty(), "a done/ inside the input directory is not read");
        Path file = Files.writeString(dir.resolve("orders.csv"), "id\n");
        assertTrue(errorsOf(Map.of("topic", "t", "input.path", file.toString()), "input.path").get(0)
                .contains("is a file, not a directory; to read one file, set 'file' instead"));

        ConfigException atStart = assertThrows(ConfigException.class, () -> new FileSourceConnector().start(csv));
        assertTrue(atStart.getMessage().contains("key.field"), "a config that does not validate does not start either");
    }

    @Test
    void globSpreadsOverTasksButASingleFileHasOneTask() {
        FileSourceConnector connector = new FileSourceConnector();
        connector.start(Map.of("topic", "t", "file", "/logs/*.log"));
        List<Map<String, String>> tasks = connector.taskConfigs(3);
        assertEquals(3, tasks.size());
        assertEquals("2", tasks.get(2).get("task.index"));
        connector.start(Map.of("topic", "t", "file", "/logs/app.log"));
        assertEquals(1, connector.taskConfigs(3).size());
    }
}
