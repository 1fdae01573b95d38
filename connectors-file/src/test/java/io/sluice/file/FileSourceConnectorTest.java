package io.sluice.file;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;

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
