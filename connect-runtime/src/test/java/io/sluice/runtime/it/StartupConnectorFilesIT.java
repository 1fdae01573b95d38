package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connector files named at start-up (bin/connect WORKER_CONFIG CONNECTOR_CONFIG...): one whose system is down does
 * not keep the worker from starting (it runs and shows FAILED with the cause, as Apache's standalone worker would run
 * it); one unchanged from the stored config is not validated or put again; one wrong in itself still stops start-up
 * with the validation message.
 */
class StartupConnectorFilesIT {
    @TempDir
    Path dir;

    @Test
    void aStartupConnectorWhoseSystemIsDownIsCreatedFailedWithItsCauseAndTheWorkerRuns() throws Exception {
        int closedPort = WorkerLauncher.freePort();
        Path file = connectorFile("db-source", "host=127.0.0.1\nport=" + closedPort + "\n");
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps())) {
            RestClient rest = worker.start(file.toString());
            Await.until(() -> "FAILED".equals(rest.connectorState("db-source")), Duration.ofSeconds(30),
                    "created, and FAILED; log:\n" + worker.tail());
            String trace = rest.get("/connectors/db-source/status").body().path("connector").path("trace").asText();
            assertTrue(trace.startsWith("Root cause: java.net.ConnectException: Connection refused"), trace);
            assertTrue(worker.logText().contains("Connector db-source from its start-up file is put although its own "
                    + "checks refuse it"), worker.tail());
            worker.stop();

            RestClient again = worker.start(file.toString());
            Await.until(() -> worker.logText().contains("Connector db-source from its start-up file is unchanged; it "
                    + "runs as stored"), Duration.ofSeconds(30), "left as stored; log:\n" + worker.tail());
            Await.until(() -> "FAILED".equals(again.connectorState("db-source")), Duration.ofSeconds(30),
                    "it runs as stored, FAILED while its system is down");
        }
    }

    @Test
    void aStartupConnectorWrongInItselfStopsStartUpWithTheValidationMessage() throws Exception {
        Path file = connectorFile("no-port", "host=127.0.0.1\n");
        WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), workerProps());
        try {
            try {
                worker.start(file.toString()); // its REST API may answer a moment before the file is refused
            } catch (AssertionError exitedFirst) {
                assertTrue(exitedFirst.getMessage().contains("Worker exited with 1"), exitedFirst.getMessage());
            }
            Await.until(() -> exited(worker), Duration.ofSeconds(60), "the worker exits; log:\n" + worker.tail());
            assertEquals(1, worker.exitCode());
            String log = worker.logText();
            assertTrue(log.contains("connector no-port could not be created") && log.contains("port"), worker.tail());
        } finally {
            worker.close();
        }
    }

    private static boolean exited(WorkerLauncher worker) {
        try {
            worker.exitCode();
            return true;
        } catch (IllegalThreadStateException running) {
            return false;
        }
    }

    private Path connectorFile(String name, String settings) throws IOException {
        String topic = KafkaTestBroker.uniqueTopic(name);
        return Files.writeString(dir.resolve(name + ".properties"), "name=" + name + "\nconnector.class="
                + NetworkSourceConnector.class.getName() + "\ntopic=" + topic + "\nvalidate.connects=true\n" + settings);
    }

    private Map<String, String> workerProps() {
        return WorkerLauncher.workerProps(dir.resolve("plugins"), KafkaTestBroker.uniqueTopic("startup-files"));
    }
}
