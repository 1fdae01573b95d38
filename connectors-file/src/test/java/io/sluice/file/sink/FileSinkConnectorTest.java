package io.sluice.file.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigValue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FileSinkConnectorTest {

    @Test
    void sinkValidationNamesAnOutputDirectoryThatCannotHoldFilesAndAPrefixThatIsAPath(@TempDir Path dir)
            throws Exception {
        Path file = Files.writeString(dir.resolve("taken"), "");
        assertEquals(List.of(file + " is a file, not a directory"), errorsOf(Map.of("topics", "t", "output.path",
                file.toString()), "output.path"));
        assertEquals(List.of(file.resolve("out") + " cannot be created: " + file + " is a file"), errorsOf(
                Map.of("topics", "t", "output.path", file.resolve("out").toString()), "output.path"));
        assertTrue(errorsOf(Map.of("topics", "t", "output.path", dir.resolve("new/out").toString()), "output.path")
                .isEmpty(), "a directory that can be created");
        assertFalse(Files.exists(dir.resolve("new")), "validation removes the directories it tried");
        assertEquals(List.of("/proc/x cannot be created: the file system there refuses new entries"),
                errorsOf(Map.of("topics", "t", "output.path", "/proc/x"), "output.path"),
                "a parent writable by permission whose file system takes no new entry");
        assertEquals(1, errorsOf(Map.of("topics", "t", "output.path", dir.toString(), "output.mode", "connector",
                "output.file.prefix", "orders/2026"), "output.file.prefix").size());
    }

    private static List<String> errorsOf(Map<String, String> config, String key) {
        return new FileSinkConnector().validate(config).configValues().stream()
                .filter(v -> v.name().equals(key)).findFirst().map(ConfigValue::errorMessages).orElseThrow();
    }
}
