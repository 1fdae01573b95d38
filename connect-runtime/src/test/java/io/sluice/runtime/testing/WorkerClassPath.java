package io.sluice.runtime.testing;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        String classPath;
        try {
            classPath = jarredDirectories(testClassPath, dir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Path archive = dir.resolve("worker.jsa");
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
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (!Files.isRegularFile(archive)) {
            System.err.println("No class-data-sharing archive for worker JVMs (see " + log + "): they start without");
            return List.of("-cp", classPath);
        }
        // -Xshare:auto (the default): a JVM that cannot map the archive starts without it rather than failing
        return List.of("-XX:SharedArchiveFile=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off", "-cp", classPath);
    }

    /** The class path with each directory replaced by a jar of it, written under dir. */
    private static String jarredDirectories(String classPath, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<String> entries = new ArrayList<>();
        int n = 0;
        for (String entry : classPath.split(java.io.File.pathSeparator)) {
            Path path = Path.of(entry);
            if (Files.isDirectory(path)) {
                Path jar = dir.resolve((n++) + "-" + path.getFileName() + ".jar");
                jar(path, jar);
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
