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
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * The start the build makes under -XX:ArchiveClassesAtExit to write bin/connect's class-data-sharing archive: bin/connect's
 * own path (ConnectMain, a worker config file, the embedded broker and schema registry, the plugin path, REST) on free
 * ports in a scratch directory, the first requests a user makes, then a stop. The archive so holds the classes of a
 * start with either kind of broker, and even the first start after a build maps them. The broker's data directory is
 * formatted by a start and stop of the broker alone first: a user's every start but the first runs on an existing
 * directory (log loading, snapshot loading, leader elections of existing partitions), and those classes (most of
 * them Scala's lambdas) were missing when the training's only start formatted it.
 *
 * <p>Usage: {@code CdsTraining WORK_DIR PLUGIN_PATH}; exits 0 once the worker answered and stopped, 1 when it did not
 * answer in time.
 */
public final class CdsTraining {

    private static final Duration READY_TIMEOUT = Duration.ofMinutes(3);

    private CdsTraining() {
    }

    public static void main(String[] args) throws Exception {
        if (args.length != 2) {
            System.err.println("Usage: CdsTraining WORK_DIR PLUGIN_PATH");
            System.exit(2);
        }
        Path work = Files.createDirectories(Path.of(args[0]).toAbsolutePath());
        Path kafkaDir = work.resolve("kafka");
        deleteRecursively(kafkaDir);
        new EmbeddedKafkaBroker(kafkaDir, 0).start().close(); // formats it; the worker below starts on an existing dir
        int restPort = freePort();
        Path workerFile = work.resolve("worker.properties");
        Files.writeString(workerFile, String.join("\n",
                "embedded.kafka.dir=" + kafkaDir,
                "embedded.kafka.port=0",
                "embedded.kafka.controller.port=0",
                "schema.registry.listeners=http://127.0.0.1:0",
                "listeners=http://127.0.0.1:" + restPort,
                "plugin.path=" + Path.of(args[1]).toAbsolutePath(),
                "plugin.index.dir=" + work.resolve("plugin-index"),
                "group.id=sluice-cds-training") + "\n");
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
        // bin/connect's shutdown hook stops the worker, then the JVM writes the archive
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
