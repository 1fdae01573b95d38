package io.sluice.runtime.cli;

import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The starts the build makes under -XX:ArchiveClassesAtExit to write bin/connect's class-data-sharing archives:
 * bin/connect's own path (ConnectMain, a worker config file, the plugin path, REST) on free ports in a scratch
 * directory, the first requests a user makes, then a stop, so that even the first start after a build maps its classes.
 *
 * <p>Two archives, because Java 17 relocates an archive when it maps it and so makes every page of it resident: an
 * external-broker worker mapping an archive that also holds the embedded broker's classes (a third of it) paid ~25 MiB
 * of idle RSS for classes it never uses. This JVM writes the embedded-broker start's archive: the broker's data
 * directory is formatted by a start of the broker alone first (a user's every start but the first runs on an existing
 * directory: log loading, snapshot loading, leader elections, most of them Scala lambdas), and while that broker serves,
 * a child JVM writes the external-broker start's archive with a worker that uses it as its external cluster, so none of
 * the broker's classes are loaded there.
 *
 * <p>Usage: {@code CdsTraining WORK_DIR PLUGIN_PATH [EXTERNAL_ARCHIVE]}; exits 0 once the workers answered and stopped,
 * 1 when one did not answer in time.
 */
public final class CdsTraining {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);
    /** The child's mode: {@code CdsTraining --external BOOTSTRAP WORK_DIR PLUGIN_PATH}. */
    private static final String EXTERNAL = "--external";

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length == 4 && args[0].equals(EXTERNAL)) {
            Path work = Path.of(args[2]).toAbsolutePath();
            runWorker(work, Path.of(args[3]), "external", List.of("bootstrap.servers=" + args[1]));
            return;
        }
        if (args.length != 2 && args.length != 3) {
            System.err.println("Usage: CdsTraining WORK_DIR PLUGIN_PATH [EXTERNAL_ARCHIVE]");
            System.exit(2);
        }
        Path work = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
        Path kafkaDir = work.resolve("kafka");
        deleteRecursively(kafkaDir);
        // formats it, so the worker below starts on an existing dir; meanwhile it is the external-broker start's cluster
        try (EmbeddedKafkaBroker broker = new EmbeddedKafkaBroker(kafkaDir, 0).start()) {
            if (args.length == 3) {
                trainExternal(broker.bootstrapServers(), work, Path.of(args[1]), Path.of(args[2]).toAbsolutePath());
            }
        }
        runWorker(work, Path.of(args[1]), "embedded", List.of(
                "embedded.kafka.dir=" + kafkaDir,
                "embedded.kafka.port=0",
                "embedded.kafka.controller.port=0",
                "schema.registry.listeners=http://127.0.0.1:0"));
    }

    /** A child JVM on this one's class path and heap, writing the archive of a worker that uses the given broker. */
    private static void trainExternal(String bootstrap, Path work, Path pluginPath, Path archive) throws Exception {
        Files.deleteIfExists(archive);
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xms256m", "-Xmx2g", "-XX:ArchiveClassesAtExit=" + archive, "-Xlog:cds=off", "-Xlog:cds+dynamic=off",
                "-cp", System.getProperty("java.class.path"), CdsTraining.class.getName(),
                EXTERNAL, bootstrap, work.toString(), pluginPath.toString()));
        Process child = new ProcessBuilder(command).inheritIO().start(); // its log goes where this one's goes
        if (!child.waitFor(READY_TIMEOUT.toSeconds() + 60, TimeUnit.SECONDS)) {
            child.destroyForcibly().waitFor();
        }
        if (child.exitValue() != 0) {
            Files.deleteIfExists(archive); // perhaps written in part: bin/connect would drop it, but say so here
            System.err.println("sluice: the external-broker training start failed (exit " + child.exitValue() + ")");
            System.exit(1);
        }
    }

    /**
     * Runs bin/connect's main on a worker config of its own (the given lines, free ports, a plugin index of its own, so
     * a clean build's training scans the plugin path as a user's first start does), makes the first requests a user
     * makes, and exits: bin/connect's shutdown hook stops the worker, then the JVM writes the archive.
     */
    private static void runWorker(Path work, Path pluginPath, String kind, List<String> lines) throws Exception {
        int restPort = freePort();
        Path workerFile = work.resolve("worker-" + kind + ".properties");
        List<String> config = new ArrayList<>(lines);
        config.addAll(List.of(
                "listeners=http://127.0.0.1:" + restPort,
                "plugin.path=" + pluginPath.toAbsolutePath(),
                "plugin.index.dir=" + work.resolve("plugin-index-" + kind),
                "group.id=sluice-cds-training-" + kind));
        Files.writeString(workerFile, String.join("\n", config) + "\n");
        Thread worker = new Thread(() -> ConnectMain.main(new String[] {workerFile.toString()}), "sluice-cds-training");
        worker.setDaemon(true);
        worker.start();

        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
        URI base = URI.create("http://127.0.0.1:" + restPort);
        long deadline = System.nanoTime() + READY_TIMEOUT.toNanos();
        while (status(http, base.resolve("/connectors")) != 200) {
            if (System.nanoTime() > deadline) {
                System.err.println("sluice: the training worker did not answer on " + base + " within " + READY_TIMEOUT);
                System.exit(1);
            }
            Thread.sleep(100); // polling a process that is starting: there is nothing to wait on but its port
        }
        for (String path : List.of("/", "/connector-plugins", "/connectors?expand=status&expand=info")) {
            status(http, base.resolve(path));
        }
        System.exit(0);
    }

    private static int status(HttpClient http, URI uri) throws InterruptedException {
        try {
            return http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).build(),
                    HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1; // not listening yet
        }
    }

    private static void deleteRecursively(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(file);
            }
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
