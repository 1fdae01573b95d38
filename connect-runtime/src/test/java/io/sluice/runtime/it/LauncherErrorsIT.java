package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * bin/connect's main refuses bad files and ports in use with one line naming the file and key, and warns about keys
 * and plugin.path entries that can't be what was meant.
 */
class LauncherErrorsIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "connect").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    private record Run(int exitCode, String stderr) {
    }

    private Run launch(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>(List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), "io.sluice.runtime.cli.ConnectMain"));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).directory(dir.toFile())
                .redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exits");
        return new Run(process.exitValue(), stderr);
    }

    @Test
    void missingWorkerConfigFileIsNamed() throws Exception {
        Run run = launch("no-such-worker.properties");
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("no-such-worker.properties"), run.stderr());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
    }

    @Test
    void badWorkerValueNamesTheFileAndKey() throws Exception {
        Path worker = Files.writeString(dir.resolve("worker.properties"), "offset.flush.interval.ms=soon\n");
        Run run = launch(worker.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("worker.properties") && run.stderr().contains("offset.flush.interval.ms"),
                run.stderr());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
    }

    @Test
    void badMetricsValueStopsTheStartNamingTheFileAndKey() throws Exception {
        Path worker = Files.writeString(dir.resolve("worker.properties"), "metrics.sample.window.ms=abc\n");
        Run run = launch(worker.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("worker.properties") && run.stderr().contains("metrics.sample.window.ms")
                && run.stderr().contains("abc"), run.stderr());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
    }

    @Test
    void malformedConnectorFileIsNamedBeforeTheWorkerStarts() throws Exception {
        Path worker = Files.writeString(dir.resolve("worker.properties"), "bootstrap.servers=127.0.0.1:1\n");
        Path connector = Files.writeString(dir.resolve("broken.json"), "{\"name\": \"x\", \"config\": [}");
        Run run = launch(worker.toString(), connector.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("broken.json"), run.stderr());
        assertEquals(1, run.stderr().lines().count(), run.stderr());
    }

    @Test
    void connectorFileWithoutNameNamesTheKey() throws Exception {
        Path worker = Files.writeString(dir.resolve("worker.properties"), "bootstrap.servers=127.0.0.1:1\n");
        Path connector = Files.writeString(dir.resolve("nameless.properties"), "connector.class=FileStreamSink\n");
        Run run = launch(worker.toString(), connector.toString());
        assertEquals(1, run.exitCode());
        assertTrue(run.stderr().contains("nameless.properties") && run.stderr().contains("name"), run.stderr());
    }

    @Test
    void anEmbeddedBrokerPortInUseEndsInOneLineNamingItsKey() throws Exception {
        for (String key : List.of("embedded.kafka.port", "embedded.kafka.controller.port")) {
            try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
                Path worker = Files.writeString(dir.resolve(key + ".properties"), "embedded.kafka.dir="
                        + dir.resolve("kafka-" + key) + "\nlisteners=http://127.0.0.1:0\nplugin.path=" + dir
                        + "\nembedded.kafka.port=0\n" + key + "=" + taken.getLocalPort() + "\n");
                Run run = launch(worker.toString());
                assertEquals(1, run.exitCode(), run.stderr());
                assertEquals(1, run.stderr().lines().count(), run.stderr());
                assertTrue(run.stderr().startsWith("sluice: ") && run.stderr().contains(key)
                        && run.stderr().contains(Integer.toString(taken.getLocalPort()))
                        && run.stderr().contains("already in use"), run.stderr());
            }
        }
    }

    /**
     * The tester's story: bin/connect with its REST port held by another process printed a 42-line stack trace, the
     * port and the key to change buried in it. One line names both, the log has no trace, and the exit is 1. And with
     * embedded.kafka.port fixed, the embedded broker started and stopped before that line: it never starts now.
     */
    @ParameterizedTest
    @ValueSource(strings = {"listeners", "admin.listeners"})
    void aRestPortInUseEndsBinConnectInOneLineNamingThePortAndItsKey(String key) throws Exception {
        try (ServerSocket taken = new ServerSocket(0, 1, InetAddress.getByName("127.0.0.1"))) {
            String other = key.equals("listeners") ? "admin.listeners" : "listeners";
            Path worker = Files.writeString(dir.resolve("worker.properties"), String.join("\n",
                    key + "=http://127.0.0.1:" + taken.getLocalPort(), other + "=http://127.0.0.1:0",
                    "embedded.kafka.dir=" + dir.resolve("kafka"), "embedded.kafka.port=" + WorkerLauncher.freePort(),
                    "embedded.kafka.controller.port=" + WorkerLauncher.freePort(), "schema.registry.listeners=",
                    "plugin.path=", ""));
            Path out = dir.resolve("stdout.log");
            ProcessBuilder launch = new ProcessBuilder(LAUNCHER.toString(), worker.toString()).directory(dir.toFile())
                    .redirectOutput(out.toFile());
            launch.environment().put("SLUICE_CDS", "off");
            long began = System.nanoTime();
            Process process = launch.start();
            String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
            assertTrue(process.waitFor(120, TimeUnit.SECONDS), "exits");
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            String stdout = Files.readString(out);
            assertTrue(stdout.lines().noneMatch(line -> line.contains("Embedded Kafka broker"))
                    && !Files.exists(dir.resolve("kafka")), "no embedded broker started before the error (exit after "
                    + tookMs + " ms):\n" + stdout);
            assertEquals(1, process.exitValue(), stderr + "\n" + stdout);
            assertEquals(1, stderr.lines().count(), stderr);
            assertTrue(stderr.startsWith("sluice: ") && stderr.contains(" " + key + " ") && stderr.contains("already in use")
                    && stderr.contains(Integer.toString(taken.getLocalPort())), stderr);
            assertTrue(stdout.lines().noneMatch(line -> line.startsWith("\tat ") || line.contains("Exception")), stdout);
        }
    }

    @Test
    void aSecondWorkerOnAnEmbeddedBrokerDirectoryInUseIsRefusedAndTheFirstKeepsServing() throws Exception {
        Path kafkaDir = dir.resolve("shared-kafka");
        Map<String, String> props = Map.of("embedded.kafka.dir", kafkaDir.toString(), "embedded.kafka.port", "0",
                "plugin.path", dir.toString());
        try (WorkerLauncher first = new WorkerLauncher(Files.createDirectories(dir.resolve("first")),
                WorkerLauncher.freePort(), props)) {
            var rest = first.start();
            Path second = Files.writeString(dir.resolve("second.properties"), "embedded.kafka.dir=" + kafkaDir
                    + "\nembedded.kafka.port=0\nlisteners=http://127.0.0.1:0\nplugin.path=" + dir + "\n");
            Run run = launch(second.toString());
            assertEquals(1, run.exitCode(), run.stderr());
            assertEquals(1, run.stderr().lines().count(), run.stderr());
            assertTrue(run.stderr().startsWith("sluice: ") && run.stderr().contains("embedded.kafka.dir")
                    && run.stderr().contains(kafkaDir.toString()) && run.stderr().contains("another running worker"),
                    run.stderr());
            // the first worker's broker was left alone: it still lists its topics (a round trip to Kafka), among them
            // the one its schema registry keeps its schemas in (created beside REST: maybe not yet when REST answered)
            Await.until(() -> {
                var topics = rest.get("/topics");
                assertEquals(200, topics.status(), topics.raw());
                return topics.raw().contains("\"_schemas\"");
            }, Duration.ofSeconds(60), () -> "the first worker lists its _schemas topic: " + rest.get("/topics").raw());
            assertTrue(first.logText().lines().noneMatch(line -> line.contains("CorruptRecordException")),
                    first.tail());
        }
    }

    @Test
    void aTypoedKeyAndAMissingPluginPathEntryAreWarnedAboutAndTheWorkerStarts() throws Exception {
        Path missing = dir.resolve("no-such-plugins");
        try (WorkerLauncher worker = new WorkerLauncher(dir, WorkerLauncher.freePort(), Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", KafkaTestBroker.uniqueTopic("launcher-warnings"),
                "plugin.path", dir + "," + missing,
                "offset.flush.intervall.ms", "5000"))) {
            worker.start();
            String log = worker.logText();
            assertTrue(log.contains("WARN The configuration 'offset.flush.intervall.ms' was supplied but isn't a known "
                    + "config. Did you mean 'offset.flush.interval.ms'?"), log);
            assertTrue(log.contains("WARN plugin.path entry " + missing + " does not exist"), log);
        }
    }
}
