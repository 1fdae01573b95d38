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
import org.apache.kafka.connect.errors.ConnectException;
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

    /** The connector's refusal of one partition and offset, as the worker's PATCH /offsets hands them over. */
    private static String refusal(Map<String, String> config, Map<String, ?> partition, Map<String, ?> offset) {
        Map<Map<String, ?>, Map<String, ?>> offsets = new java.util.HashMap<>();
        offsets.put(partition, offset);
        return assertThrows(ConnectException.class, () -> new FileSourceConnector().alterOffsets(config, offsets))
                .getMessage();
    }

    @Test
    void alteredOffsetsATaskCouldNotUseAreRefusedSayingWhatIsWrongAndResetsAreAllowed() {
        Map<String, String> config = Map.of("topic", "t", "file", "/tmp/try1/h1.txt");
        Map<String, String> partition = Map.of("path", "/tmp/try1/h1.txt");
        assertEquals("The value for the 'position' key in the offset is expected to be a Long value (a byte position), "
                + "not \"notanumber\"", refusal(config, partition, Map.of("position", "notanumber")));
        assertTrue(refusal(config, partition, Map.of("pos", 0L)).startsWith(
                "Offset objects should either be null or contain the key 'position'"));
        assertEquals("The value for the 'position' key in the offset should be a non-negative value, not -10",
                refusal(config, partition, Map.of("position", -10L)));
        assertTrue(refusal(config, partition, Map.of("position", 2.5)).endsWith("not 2.5"));
        assertTrue(refusal(config, partition, Map.of("position", 5L, "positon", 6L)).contains("'positon' is none of them"));
        assertTrue(refusal(config, partition, Map.of("position", 5L, "fingerprint", "abc")).contains(
                "The value for the 'fingerprint' key in the offset is expected to be <bytes>:<hex CRC-32C>"));
        assertTrue(refusal(config, Map.of("filename", "/tmp/try1/h1.txt"), Map.of("position", 0L))
                .contains("'filename' is the key of Apache's FileStreamSource"));
        assertTrue(refusal(config, Map.of("path", "h1.txt"), Map.of("position", 0L)).contains("not a file this connector reads"));
        assertTrue(refusal(config, Map.of("path", "/tmp/try1/other.txt"), Map.of("position", 0L))
                .contains("not a file this connector reads"));

        Map<Map<String, ?>, Map<String, ?>> fine = new java.util.HashMap<>();
        fine.put(partition, Map.of("position", 5L, "line", 1L, "file.key", "(dev=1,ino=2)", "fingerprint", "5:1f0e3dad"));
        fine.put(Map.of("filename", "/old/apache-era.txt"), null); // a reset may clean up any leftover
        assertTrue(new FileSourceConnector().alterOffsets(config, fine), "the offsets live only in Kafka");
        Map<String, String> glob = Map.of("topic", "t", "file", "/var/log/app.log*");
        assertTrue(new FileSourceConnector().alterOffsets(glob,
                Map.of(Map.of("path", "/var/log/app.log.1"), Map.of("position", 0L))));
        Map<String, String> directory = Map.of("topic", "t", "input.path", "/in", "input.file.pattern", ".*\\.csv");
        assertTrue(refusal(directory, Map.of("path", "/in/sub/a.csv"), Map.of("position", 0L)).contains("not a file"));
        assertTrue(new FileSourceConnector().alterOffsets(directory, Map.of(Map.of("path", "/in/a.csv"),
                Map.of("position", 0L))));
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
        // tryout19: a finished.path that takes no new file validated, and the task failed at its first move
        Map<String, String> unwritable = Map.of("topic", "t", "input.path", dir.toString(), "cleanup.policy", "MOVE",
                "finished.path", "/proc/done");
        assertEquals(List.of("/proc/done cannot be created: the file system there refuses new entries"),
                errorsOf(unwritable, "finished.path"));
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
