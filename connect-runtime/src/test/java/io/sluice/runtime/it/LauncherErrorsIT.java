package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** bin/connect's main refuses bad files before starting anything, with one line naming the file and key. */
class LauncherErrorsIT {

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
}
