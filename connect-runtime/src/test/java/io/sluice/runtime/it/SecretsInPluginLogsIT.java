package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A plugin that logs its own secret, in a message or an error, shows it hidden in the worker's log. */
class SecretsInPluginLogsIT {
    private static final String SECRET = "Pl4in-S3cret-of-the-db";

    @TempDir
    Path dir;

    @Test
    void aPluginLoggingItsOwnPasswordShowsItHiddenInTheWorkersLog() {
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(),
                WorkerLauncher.workerProps(dir.resolve("plugins"), KafkaTestBroker.uniqueTopic("secret-logs")))) {
            RestClient rest = worker.start();
            assertEquals(201, rest.createConnector("careless", Map.of(
                    "connector.class", SecretLoggingSourceConnector.class.getName(),
                    "topic", KafkaTestBroker.uniqueTopic("careless"), "count", "1",
                    "db.user", "app", "db.password", SECRET)).status());
            Await.until(() -> worker.logText().contains("login refused for secret"), Duration.ofSeconds(60),
                    "the plugin's lines logged; log:\n" + worker.tail());

            String log = worker.logText();
            assertFalse(log.contains(SECRET), "the secret is in the log:\n" + log);
            assertTrue(log.contains("Connecting as app with [hidden]"), log);
            assertTrue(log.contains("login refused for secret [hidden]"), "hidden in the error's message too:\n" + log);
        }
    }
}
