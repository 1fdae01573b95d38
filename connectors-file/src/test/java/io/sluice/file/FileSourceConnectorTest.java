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
