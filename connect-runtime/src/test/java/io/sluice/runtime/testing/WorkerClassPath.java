package io.sluice.runtime.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.jar.JarEntry;
import java.util.jar.JarOutputStream;
import java.util.stream.Stream;

/**
 * The JVM options a worker JVM started by a test runs with: the test class path, and a class-data-sharing archive of
 * the classes a worker's start loads (Jetty, Jersey, Kafka's clients and broker, Jackson), written once per test JVM
 * (a module's test run) by {@code CdsTraining}, the start the build makes for bin/connect's archive, and mapped by
 * every worker started after it instead of parsing and verifying those classes again. A JVM cannot archive classes
 * from a directory, so the class path's directories (test-classes, a module's classes) go into jars of their own
 * first. Without an archive (training failed, SLUICE_TEST_CDS=off) workers start as before, on the plain class path.
 * The test JVMs of one Maven run (failsafe's forks) share one archive: the first trains it under a file lock, the others
 * find it marked with the same run ({@code sluice.test.run}) and map it, instead of each paying a worker start to train.
 */
final class WorkerClassPath {
    private static final long TRAINING_TIMEOUT_SECONDS = 600;
    private static List<String> options;

    private WorkerClassPath() {
    }

    /** The options before the main class: the class path, and the archive when there is one. */
    static synchronized List<String> options() {
        if (options == null) {
            options = make();
        }
        return options;
    }

    private static List<String> make() {
        String testClassPath = System.getProperty("java.class.path");
        if ("off".equals(System.getenv("SLUICE_TEST_CDS"))) {
            return List.of("-cp", testClassPath);
        }
        Path dir = Path.of("target", "worker-jvm").toAbsolutePath();
        try {
            Files.createDirectories(dir);
            try (FileChannel lockFile = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE); FileLock lock = lockFile.lock()) {
                return trainedOrShared(testClassPath, dir);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Under the lock: the archive another fork of this run trained, or a new one (the jars first). */
    private static List<String> trainedOrShared(String testClassPath, Path dir) throws IOException {
        Path archive = dir.resolve("worker.jsa");
        Path marker = dir.resolve("run");
        String run = System.getProperty("sluice.test.run");
        boolean shared = run != null && Files.isRegularFile(archive) && Files.isRegularFile(marker)
                && run.equals(Files.readString(marker));
        // the jars of a shared archive are this run's already: rewriting them would change what it was trained on
        String classPath = jarredDirectories(testClassPath, dir, !shared);
        if (!shared) {
            Files.deleteIfExists(marker);
            train(classPath, dir, archive);
            if (run != null && Files.isRegularFile(archive)) {
                Files.writeString(marker, run);
            }
        }
        if (!Files.isRegularFile(archive)) {
            System.err.println("No class-data-sharing archive for worker JVMs (see " + dir.resolve("cds-training.log")
                    + "): they start without");
            return List.of("-cp", classPath);
        }
        // -Xshare:auto (the default): a JVM that cannot map the archive starts without it rather than failing
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-cp", classPath);
    }

    private static void train(String classPath, Path dir, Path archive) throws IOException {
        Path log = dir.resolve("cds-training.log");
        List<String> training = List.of(java(), "-Xmx1g", "-XX:ArchiveClassesAtExit=" + archive,
                "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-cp", classPath, "io.sluice.runtime.cli.CdsTraining",
                dir.resolve("training").toString(), dir.resolve("no-plugins").toString());
        try {
            Files.deleteIfExists(archive);
            Files.createDirectories(dir.resolve("no-plugins"));
            Process process = new ProcessBuilder(training).redirectErrorStream(true)
                    .redirectOutput(log.toFile()).start();
            if (!process.waitFor(TRAINING_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
                Files.deleteIfExists(archive); // perhaps written in part: a JVM mapping it could crash
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The class path with each directory replaced by a jar of it under dir, written there when write is set. */
    private static String jarredDirectories(String classPath, Path dir, boolean write) throws IOException {
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = dir.resolve((n++) + "-" + path.getFileName() + ".jar");
                if (write) {
                    jar(path, jar);
                }
                entries.add(jar.toString());
            } else if (!entry.isEmpty()) {
                entries.add(entry);
            }
        }
        return String.join(java.io.File.pathSeparator, entries);
    }

    private static void jar(Path directory, Path jar) throws IOException {
        try (OutputStream file = Files.newOutputStream(jar); JarOutputStream out = new JarOutputStream(file);
             Stream<Path> files = Files.walk(directory)) {
            for (Path path : (Iterable<Path>) files.sorted()::iterator) {
                String name = directory.relativize(path).toString().replace(java.io.File.separatorChar, '/');
                if (name.isEmpty()) {
                    continue;
                }
                if (Files.isDirectory(path)) {
                    out.putNextEntry(new JarEntry(name + "/"));
                } else {
                    out.putNextEntry(new JarEntry(name));
                    Files.copy(path, out);
                }
                out.closeEntry();
            }
        }
    }

    private static String java() {
        return Path.of(System.getProperty("java.home"), "bin", "java").toString();
    }
}
