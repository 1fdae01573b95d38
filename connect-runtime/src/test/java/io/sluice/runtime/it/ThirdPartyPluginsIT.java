package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Third-party plugin archives load beside each other on a running worker, isolated, and new ones are picked up live. */
class ThirdPartyPluginsIT {

    @TempDir
    Path dir;
    private Path pluginPath;
    private TestWorker worker;
    private RestClient rest;

    @BeforeEach
    void startWorker() throws IOException {
        pluginPath = Files.createDirectories(dir.resolve("plugins"));
        TestPlugins.install(TestPlugins.debeziumJdbcDir(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath).start();
        rest = worker.rest();
    }

    @AfterEach
    void stopWorker() {
        worker.close();
    }

    @Test
    void debeziumJdbcSinkLoadsWithTheRuntimesConnectApiAndValidatesItsConfig() {
        List<String> classes = new ArrayList<>();
        rest.get("/connector-plugins").body().forEach(p -> classes.add(p.path("class").asText()));
        assertTrue(classes.contains("io.debezium.connector.jdbc.JdbcSinkConnector"), classes.toString());

        Class<? extends Connector> debezium = worker.process().plugins().pluginClass("JdbcSinkConnector", Connector.class);
        assertTrue(SinkConnector.class.isAssignableFrom(debezium), "extends the runtime's SinkConnector");
        ClassLoader loader = debezium.getClassLoader();
        assertNotSame(getClass().getClassLoader(), loader, "loaded in its own plugin loader");
        assertSame(SinkConnector.class, load(loader, "org.apache.kafka.connect.sink.SinkConnector"),
                "the bundled connect-api 4.1.1 is not used");
        assertSame(ConfigDef.class, load(loader, "org.apache.kafka.common.config.ConfigDef"),
                "the bundled kafka-clients 4.1.1 is not used");

        RestClient.Response validation = rest.put("/connector-plugins/JdbcSinkConnector/config/validate", Map.of(
                "connector.class", "io.debezium.connector.jdbc.JdbcSinkConnector",
                "topics", "orders",
                "connection.url", "jdbc:postgresql://127.0.0.1:1/none",
                "connection.username", "sluice",
                "connection.password", "secret"));
        assertEquals(200, validation.status(), validation.raw());
        JsonNode body = validation.body();
        assertEquals("io.debezium.connector.jdbc.JdbcSinkConnector", body.path("name").asText());
        List<String> keys = new ArrayList<>();
        body.path("configs").forEach(c -> keys.add(c.path("value").path("name").asText()));
        assertTrue(keys.contains("connection.url") && keys.contains("topics") && keys.contains("tasks.max"), keys.toString());
        assertTrue(!validation.raw().contains("\"secret\""), "a PASSWORD value is never echoed");
    }

    @Test
    void pluginCopiedIntoARunningWorkersPluginPathIsCreatedAndRunsWithoutRestart() throws IOException {
        assertEquals(400, rest.createConnector("late", Map.of(
                "connector.class", "FileStreamSource", "file", "/dev/null", "topic", "t")).status(),
                "not installed yet");
        // copy then rename, as a deployment tool does, so the worker never sees a half-written jar
        Path staged = Files.copy(TestPlugins.connectFileJar(), dir.resolve("connect-file.jar.tmp"));
        Files.move(staged, pluginPath.resolve("connect-file-4.3.1.jar"), StandardCopyOption.ATOMIC_MOVE);

        Await.until(() -> rest.get("/connector-plugins").raw().contains("FileStreamSourceConnector"),
                Duration.ofSeconds(20), "the dropped plugin is listed");
        Path input = Files.writeString(dir.resolve("in.txt"), "hello\nworld\n");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("dropped"), 1);
        assertEquals(201, rest.createConnector("late", Map.of(
                "connector.class", "FileStreamSource", "file", input.toString(), "topic", topic,
                "value.converter", "org.apache.kafka.connect.storage.StringConverter")).status());
        assertEquals(List.of("hello", "world"), KafkaTestBroker.consumeAll(topic, 2, Duration.ofSeconds(30))
                .stream().map(r -> r.value()).toList());
        assertEquals("RUNNING", rest.taskState("late", 0));
    }

    private static Class<?> load(ClassLoader loader, String name) {
        try {
            return loader.loadClass(name);
        } catch (ClassNotFoundException e) {
            throw new AssertionError(e);
        }
    }
}
