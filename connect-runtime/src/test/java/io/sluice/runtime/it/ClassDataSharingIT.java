package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * bin/connect's class-data-sharing archives: one per kind of start (embedded or external broker), written by the
 * build or a first start, taken by a start only when a JVM can map it, so a worker killed while writing one never
 * leaves every later start crashing.
 */
class ClassDataSharingIT {

    /** The repository's launcher (the module's tests run in connect-runtime/, after the jar is packaged). */
    private static final Path LAUNCHER = Path.of("..", "bin", "connect").toAbsolutePath().normalize();
    private static final Path TARGET = LAUNCHER.getParent().getParent().resolve("connect-runtime").resolve("target");
    /** A class only the embedded broker loads, and one every worker loads. */
    private static final String BROKER_CLASS = "kafka.server.KafkaRaftServer";
    private static final String REST_CLASS = "org.eclipse.jetty.server.Server";
    /** -Xlog:class+load's source for a class from the application's (dynamic) archive. */
    private static final String ARCHIVED = "shared objects file (top)";
    private static final Pattern LOADED = Pattern.compile("\\] (\\S+) source: (.*)$");

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
    void anEmbeddedBrokerStartMapsTheBuildsArchiveThatHoldsTheBrokersClasses() throws Exception {
        copyTheBuildsArchives();
        // no worker config to read: nothing says bootstrap.servers, so the embedded broker's archive is the one
        Process process = launch(dir.resolve("missing.properties"));
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "exits");

        assertEquals(1, process.exitValue(), stderr);
        assertEquals("sluice: " + dir.resolve("missing.properties") + ": worker config file does not exist", stderr);
        Path archive = dir.resolve("sluice-cds.jsa");
        assertTrue(Files.exists(archive), "the build's embedded-broker archive is taken");
        assertFalse(Files.exists(dir.resolve("sluice-cds.jsa.build.new")));
        assertTrue(Files.exists(dir.resolve("sluice-cds-external.jsa.build.new")), "the other one is left for its start");
        Map<String, String> sources = sources(archive);
        assertEquals(ARCHIVED, sources.get(BROKER_CLASS), "the broker's classes are in it");
        assertEquals(ARCHIVED, sources.get(REST_CLASS));
    }

    @Test
    void anExternalBrokerStartMapsTheBuildsArchiveWithoutTheBrokersClasses() throws Exception {
        copyTheBuildsArchives();
        Path config = externalBrokerConfigThatFailsValidation();
        assertOnlyTheWorkersMessage(launch(config), config);
        Path archive = dir.resolve("sluice-cds-external.jsa");
        assertTrue(Files.exists(archive), "the build's external-broker archive is taken");
        assertFalse(Files.exists(dir.resolve("sluice-cds-external.jsa.build.new")));
        assertTrue(Files.exists(dir.resolve("sluice-cds.jsa.build.new")), "the other one is left for its start");
        Map<String, String> sources = sources(archive);
        assertTrue(sources.get(BROKER_CLASS).startsWith("file:"),
                "the broker's classes are not in it, read from their jar: " + sources.get(BROKER_CLASS));
        assertEquals(ARCHIVED, sources.get(REST_CLASS), "the worker's are");
        assertTrue(Files.size(archive) < Files.size(dir.resolve("sluice-cds.jsa.build.new")), "so it is smaller");
    }

    @Test
    void aWorkerInstalledWhereItsUserMayNotWriteStartsOnTheBuildsArchive() throws Exception {
        copyTheBuildsArchives();
        Path config = externalBrokerConfigThatFailsValidation();
        readOnly(dir);
        try {
            // the launcher neither stopped at the archive it could not rename nor had the JVM write one at exit:
            // the worker's own message and nothing else (-Xshare:on: the archive was mapped where it lies)
            assertOnlyTheWorkersMessage(launch(config), config);
            assertTrue(Files.exists(dir.resolve("sluice-cds-external.jsa.build.new")));
        } finally {
            writable(dir);
        }
    }

    @Test
    void aWorkerInstalledWhereItsUserMayNotWriteAndWithoutAnArchiveStartsWithoutWritingOne() throws Exception {
        Path config = externalBrokerConfigThatFailsValidation();
        readOnly(dir);
        try {
            // a JVM told to write an archive where it cannot ends with "Unable to create shared archive file"
            assertOnlyTheWorkersMessage(launch(config), config);
        } finally {
            writable(dir);
        }
    }

    /** The tester's story: a truncated archive crashed every start (SIGBUS in the JVM's mapping) until deleted. */
    @Test
    void anArchiveTruncatedAfterItWasTakenIsNotMappedAndTheWorkerStillStarts() throws Exception {
        startsAfterTheTakenArchiveIs("truncated", archive -> {
            try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
                file.setLength(20_000_000);
            }
        });
    }

    /** Bytes overwritten in place, the size unchanged: mapped, it crashed the JVM; its checksums tell. */
    @Test
    void anArchiveDamagedInPlaceAfterItWasTakenIsNotMappedAndTheWorkerStillStarts() throws Exception {
        startsAfterTheTakenArchiveIs("damaged", archive -> {
            try (RandomAccessFile file = new RandomAccessFile(archive.toFile(), "rw")) {
                byte[] noise = new byte[1 << 20];
                new java.util.Random(42).nextBytes(noise);
                file.seek(20_000_000);
                file.write(noise);
            }
        });
    }

    private interface Damage {
        void to(Path archive) throws Exception;
    }

    private void startsAfterTheTakenArchiveIs(String what, Damage damage) throws Exception {
        copyTheBuildsArchives();
        Path config = externalBrokerConfigThatFailsValidation();
        assertOnlyTheWorkersMessage(launch(config), config);
        Path archive = dir.resolve("sluice-cds-external.jsa");
        assertTrue(Files.exists(archive.resolveSibling(archive.getFileName() + ".checked")), "taken once checked");
        damage.to(archive);

        Process process = launch(config);
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "exits");
        // the worker's main was reached (its message about the config), not a JVM crash on the archive
        assertEquals(1, process.exitValue(), what + ": " + stderr);
        assertEquals("Class-data sharing: " + archive + " cannot be mapped (a partial or damaged file, or another "
                + "Java's); not used\nsluice: " + config + ": invalid worker config: Invalid value soon for "
                + "configuration offset.flush.interval.ms: Not a number of type LONG", stderr, what);
        assertFalse(Files.exists(archive), "the " + what + " archive is dropped, so the next start writes one");
    }

    /** Read-only for this user: by its mode, or (root writes through modes) as immutable; skipped where neither works. */
    private static void readOnly(Path directory) throws Exception {
        Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("r-xr-xr-x"));
        if (Files.isWritable(directory)) {
            chattr("+i", directory);
        }
        if (Files.isWritable(directory)) {
            writable(directory);
            Assumptions.abort("cannot make " + directory + " read-only here");
        }
    }

    private static void writable(Path directory) throws Exception {
        chattr("-i", directory);
        Files.setPosixFilePermissions(directory, java.nio.file.attribute.PosixFilePermissions.fromString("rwx------"));
    }

    private static void chattr(String flag, Path directory) throws InterruptedException {
        try {
            new ProcessBuilder("chattr", flag, directory.toString()).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).start().waitFor(30, TimeUnit.SECONDS);
        } catch (java.io.IOException e) {
            // no chattr here: the mode alone decides
        }
    }

    /** A worker config that names its cluster and then fails validation: the JVM has mapped its archive by then. */
    private Path externalBrokerConfigThatFailsValidation() throws Exception {
        return Files.writeString(dir.resolve("worker.properties"),
                "bootstrap.servers = 127.0.0.1:1\noffset.flush.interval.ms=soon\n");
    }

    /** The start ended on the worker's one line about its config, with nothing from the launcher or the JVM. */
    private static void assertOnlyTheWorkersMessage(Process process, Path config) throws Exception {
        String stderr = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        assertTrue(process.waitFor(120, TimeUnit.SECONDS), "exits");
        assertEquals(1, process.exitValue(), stderr);
        assertEquals("sluice: " + config + ": invalid worker config: Invalid value soon for configuration "
                + "offset.flush.interval.ms: Not a number of type LONG", stderr);
    }

    /** Both archives the build wrote, under the names bin/connect checks before it takes them. */
    private void copyTheBuildsArchives() throws Exception {
        for (String name : List.of("sluice-cds.jsa.build.new", "sluice-cds-external.jsa.build.new")) {
            Path built = TARGET.resolve(name);
            Path taken = TARGET.resolve(name.replace(".build.new", ""));
            Path archive = Files.exists(built) ? built : taken;
            // an archive records the jars' sizes and times: one older than the jar is for an earlier build
            Assumptions.assumeTrue(Files.exists(archive) && Files.getLastModifiedTime(archive)
                    .compareTo(Files.getLastModifiedTime(TARGET.resolve("connect-runtime.jar"))) > 0,
                    "the build wrote no archive (-Dsluice.cds.skip=true)");
            Files.copy(archive, dir.resolve(name));
        }
    }

    private Process launch(Path workerConfig) throws Exception {
        ProcessBuilder launch = new ProcessBuilder(LAUNCHER.toString(), workerConfig.toString())
                .directory(dir.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD);
        launch.environment().put("SLUICE_CDS_ARCHIVE", dir.resolve("sluice-cds.jsa").toString());
        // -Xshare:on: a JVM that cannot map the archive fails to start instead of running without it
        launch.environment().put("SLUICE_OPTS", "-Xshare:on");
        return launch.start();
    }

    /** Where a JVM mapping the archive on bin/connect's class path finds a broker's and a worker's class. */
    private Map<String, String> sources(Path archive) throws Exception {
        String classPath = TARGET.resolve("connect-runtime.jar") + ":" + TARGET.resolve("lib") + "/*:"
                + Path.of(LoadClasses.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xshare:on", "-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-Xlog:class+load=info", "-cp", classPath, LoadClasses.class.getName(), BROKER_CLASS, REST_CLASS)
                .redirectErrorStream(true).start();
        Map<String, String> sources = new HashMap<>();
        for (String line : new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
            Matcher loaded = LOADED.matcher(line);
            if (loaded.find()) {
                sources.put(loaded.group(1), loaded.group(2).trim());
            }
        }
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        assertEquals(0, process.exitValue(), sources.toString());
        return sources;
    }

    /** Loads the named classes without running them, so that -Xlog:class+load says where each came from. */
    public static final class LoadClasses {
        public static void main(String[] names) throws ClassNotFoundException {
            for (String name : names) {
                Class.forName(name, false, LoadClasses.class.getClassLoader());
            }
        }
    }
}
