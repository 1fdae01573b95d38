package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/connect's class-data-sharing archive: written by a first start, taken by the next one only when a JVM can map
 * it, so a worker killed while writing it never leaves every later start crashing.
 */
class ClassDataSharingIT {

    /** The repository's launcher (the module's tests run in connect-runtime/, after the jar is packaged). */
    private static final Path LAUNCHER = Path.of("..", "bin", "connect").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    @Test
    void aPartialArchiveLeftByAWorkerKilledWhileWritingItIsDiscardedAndTheWorkerStillStarts() throws Exception {
        Path archive = dir.resolve("sluice-cds.jsa");
        // what `kill -9` mid-dump leaves: an archive-sized file under the name of a writer that is gone
        Path partial = dir.resolve("sluice-cds.jsa.2147483646.new");
        try (RandomAccessFile file = new RandomAccessFile(partial.toFile(), "rw")) {
            file.setLength(20_000_000);
        }
        ProcessBuilder launch = new ProcessBuilder(LAUNCHER.toString(), dir.resolve("missing.properties").toString())
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        launch.environment().put("SLUICE_CDS_ARCHIVE", archive.toString());
        Process process = launch.start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "exits");

        // the launcher reached the worker's main (which names the missing file), not a JVM crash on the archive
        assertEquals(1, process.exitValue(), stderr);
        assertEquals("sluice: " + dir.resolve("missing.properties") + ": worker config file does not exist", stderr);
        assertFalse(Files.exists(partial), "the partial archive is removed");
        assertFalse(Files.exists(archive), "and never taken");
    }

    @Test
    void theArchiveTheBuildWroteIsCheckedAndMappedByTheFirstStart() throws Exception {
        Path target = LAUNCHER.getParent().getParent().resolve("connect-runtime").resolve("target");
        Path built = Files.exists(target.resolve("sluice-cds.jsa.build.new")) ? target.resolve("sluice-cds.jsa.build.new")
                : target.resolve("sluice-cds.jsa");
        // an archive records the jars' sizes and times: one older than the jar is for an earlier build
        Assumptions.assumeTrue(Files.exists(built) && Files.getLastModifiedTime(built)
                .compareTo(Files.getLastModifiedTime(target.resolve("connect-runtime.jar"))) > 0,
                "the build wrote no archive (-Dsluice.cds.skip=true)");
        Path archive = dir.resolve("sluice-cds.jsa");
        Files.copy(built, dir.resolve("sluice-cds.jsa.build.new"));

        ProcessBuilder launch = new ProcessBuilder(LAUNCHER.toString(), dir.resolve("missing.properties").toString())
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        launch.environment().put("SLUICE_CDS_ARCHIVE", archive.toString());
        // -Xshare:on: a JVM that cannot map the archive fails to start instead of running without it
        launch.environment().put("SLUICE_OPTS", "-Xshare:on");
        Process process = launch.start();
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "exits");

        assertEquals(1, process.exitValue(), stderr);
        assertEquals("sluice: " + dir.resolve("missing.properties") + ": worker config file does not exist", stderr);
        assertTrue(Files.exists(archive), "the build's archive is taken");
        assertFalse(Files.exists(dir.resolve("sluice-cds.jsa.build.new")));
    }
}
