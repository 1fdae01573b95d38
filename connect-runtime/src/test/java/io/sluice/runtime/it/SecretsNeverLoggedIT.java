package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.LogCapture;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Secrets reach connectors, never the logs or the REST answers: password values and resolved placeholders. */
class SecretsNeverLoggedIT {

    private static final String PASSWORD = "pw-7f3a9c-never-log-me";
    private static final String RESOLVED = "resolved-5e1b2d-never-log-me";

    @TempDir
    Path dir;

    @Test
    void passwordsAndResolvedSecretsAppearInNoLogLineAndNoRestAnswer() throws Exception {
        Path secrets = Files.writeString(dir.resolve("secrets.properties"), "token=" + RESOLVED + "\n");
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        LogCapture capture = LogCapture.open();
        try (capture; WorkerProcess worker = WorkerProcess.start(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("secrets-cluster"),
                "listeners", "http://127.0.0.1:0",
                "plugin.path", pluginPath.toString(),
                "config.providers", "file",
                "config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider"))) {
            RestClient rest = new RestClient(worker.restUrl());
            String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("secrets"), 1);
            Map<String, String> config = Map.of(
                    "connector.class", "FileStreamSink",
                    "file", dir.resolve("out.txt").toString(),
                    "topics", topic,
                    "connection.password", PASSWORD,
                    "api.token", "${file:" + secrets + ":token}");
            assertEquals(201, rest.createConnector("holder", config).status());
            Await.until(() -> "RUNNING".equals(rest.taskState("holder", 0)), Duration.ofSeconds(30), "running");

            // refusals, validation, restarts and deletion all log; none may carry a secret
            RestClient.Response refused = rest.createConnector("refused", Map.of(
                    "connector.class", "FileStreamSink", "tasks.max", "not-a-number",
                    "connection.password", PASSWORD, "api.token", "${file:" + secrets + ":token}"));
            assertEquals(400, refused.status());
            RestClient.Response validated = rest.put("/connector-plugins/FileStreamSink/config/validate", config);
            assertEquals(200, validated.status());
            assertEquals(204, rest.post("/connectors/holder/restart", Map.of()).status());
            String answers = rest.get("/connectors/holder").raw() + rest.get("/connectors/holder/tasks").raw()
                    + rest.get("/connectors?expand=info&expand=status").raw() + refused.raw() + validated.raw();
            assertEquals(204, rest.delete("/connectors/holder").status());

            assertFalse(answers.contains(RESOLVED), "a resolved placeholder is never in a REST answer");
            assertTrue(answers.contains("${file:"), "placeholders are returned as stored");
        }
        assertFalse(capture.lines().isEmpty(), "the worker logged");
        for (String line : capture.lines()) {
            assertFalse(line.contains(PASSWORD), "password logged: " + line);
            assertFalse(line.contains(RESOLVED), "resolved secret logged: " + line);
        }
    }
}
