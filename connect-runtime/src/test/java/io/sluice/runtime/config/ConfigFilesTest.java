package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigFilesTest {
    @TempDir
    Path dir;

    private Path write(String name, String content) throws Exception {
        return Files.writeString(dir.resolve(name), content);
    }

    private ConfigFileException fails(Path file) {
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> ConnectorConfigFile.load(file));
        assertTrue(e.getMessage().startsWith(file.toString()), e.getMessage());
        assertFalse(e.getMessage().contains("\n"), "one line: " + e.getMessage());
        return e;
    }

    @Test
    void propertiesFileGivesNameAndConfig() throws Exception {
        Path file = write("sink.properties", "name=local-file-sink\nconnector.class=FileStreamSink\ntasks.max=1\n"
                + "file=/tmp/out.txt\ntopics=connect-test\n");
        ConnectorConfigFile config = ConnectorConfigFile.load(file);
        assertEquals("local-file-sink", config.name());
        assertEquals("FileStreamSink", config.config().get("connector.class"));
        assertEquals(5, config.config().size());
        assertNull(config.initialState());
    }

    @Test
    void flatJsonObjectAcceptsNumbersAndBooleans() throws Exception {
        Path file = write("source.json", "{\"name\": \"src\", \"connector.class\": \"FileStreamSource\", "
                + "\"tasks.max\": 2, \"errors.log.enable\": true, \"topic\": \"t\"}");
        ConnectorConfigFile config = ConnectorConfigFile.load(file);
        assertEquals("src", config.name());
        assertEquals("2", config.config().get("tasks.max"));
        assertEquals("true", config.config().get("errors.log.enable"));
    }

    @Test
    void wrappedJsonTakesNameConfigAndInitialState() throws Exception {
        Path file = write("wrapped.json", "{\"name\": \"src\", \"config\": {\"connector.class\": \"FileStreamSource\", "
                + "\"tasks.max\": 1}, \"initial_state\": \"paused\"}");
        ConnectorConfigFile config = ConnectorConfigFile.load(file);
        assertEquals("src", config.name());
        assertEquals("src", config.config().get("name"), "the name is copied into the config, as Apache does");
        assertEquals("1", config.config().get("tasks.max"));
        assertEquals("PAUSED", config.initialState());
    }

    @Test
    void jsonIsRecognisedByContentWhateverTheExtension() throws Exception {
        Path file = write("connector.conf", "  {\"name\": \"x\", \"connector.class\": \"C\"}");
        assertEquals("x", ConnectorConfigFile.load(file).name());
    }

    @Test
    void missingFileIsOneLineNamingIt() {
        assertTrue(fails(dir.resolve("nope.properties")).getMessage().endsWith("connector config file does not exist"));
    }

    @Test
    void directoryIsNotAConfigFile() {
        assertTrue(fails(dir).getMessage().contains("is a directory"));
    }

    @Test
    void malformedJsonSaysWhere() throws Exception {
        String message = fails(write("bad.json", "{\"name\": \"x\",\n \"connector.class\": }")).getMessage();
        assertTrue(message.contains("malformed JSON (line 2"), message);
    }

    @Test
    void missingNameIsReported() throws Exception {
        String expected = "connector config is missing the mandatory 'name'";
        assertTrue(fails(write("a.properties", "connector.class=X\n")).getMessage().endsWith(expected));
        assertTrue(fails(write("b.json", "{\"connector.class\": \"X\"}")).getMessage().endsWith(expected));
        assertTrue(fails(write("c.json", "{\"config\": {\"connector.class\": \"X\"}}")).getMessage().endsWith(expected));
    }

    @Test
    void nonObjectConfigAndOtherBadShapesAreReported() throws Exception {
        assertTrue(fails(write("a.json", "{\"name\": \"x\", \"config\": [1]}")).getMessage()
                .contains("'config' must be a JSON object of config keys, not an array"));
        assertTrue(fails(write("b.json", "[]")).getMessage().contains("must be an object"));
        assertTrue(fails(write("c.json", "{\"name\": \"x\", \"topics\": [\"a\"]}")).getMessage()
                .contains("'topics' must be a string, number or boolean, not an array"));
        assertTrue(fails(write("d.json", "{\"name\": \"x\", \"config\": {\"name\": \"y\"}}")).getMessage()
                .contains("'config.name' (y) does not match 'name' (x)"));
        assertTrue(fails(write("e.json", "{\"name\": \"x\", \"config\": {}, \"initial_state\": \"GONE\"}")).getMessage()
                .contains("'initial_state' must be RUNNING, PAUSED or STOPPED"));
        assertTrue(fails(write("f.json", "{\"name\": \"x\", \"file\": null}")).getMessage().contains("'file' is null"));
    }

    @Test
    void workerFileIsReadAndCheckedAgainstWorkerConfig() throws Exception {
        Path file = write("worker.properties", "bootstrap.servers=localhost:9092\noffset.flush.interval.ms=5000\n");
        Map<String, String> props = WorkerConfigFile.load(file);
        assertEquals("localhost:9092", props.get("bootstrap.servers"));
        assertEquals(5000L, WorkerConfigFile.loadWorkerConfig(file).getLong("offset.flush.interval.ms"));
    }

    @Test
    void badWorkerValueIsOneLineNamingFileAndKey() throws Exception {
        Path file = write("worker.properties", "offset.flush.interval.ms=soon\n");
        ConfigFileException e = assertThrows(ConfigFileException.class, () -> WorkerConfigFile.loadWorkerConfig(file));
        assertTrue(e.getMessage().startsWith(file + ": invalid worker config: "), e.getMessage());
        assertTrue(e.getMessage().contains("offset.flush.interval.ms"), e.getMessage());
        ConfigFileException missing = assertThrows(ConfigFileException.class,
                () -> WorkerConfigFile.load(dir.resolve("absent.properties")));
        assertEquals(dir.resolve("absent.properties") + ": worker config file does not exist", missing.getMessage());
    }

    @Test
    void malformedPropertiesEscapeIsReported() throws Exception {
        Path file = write("bad.properties", "name=x\nkey=\\uZZZZ\n");
        assertTrue(fails(file).getMessage().contains("not a valid properties file"));
    }
}
