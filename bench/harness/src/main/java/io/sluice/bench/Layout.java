package io.sluice.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Where things are: the repository, the benchmark's build output and this run's scratch directory. */
public record Layout(Path repo, Path bench, Path work) {

    /** Sluice's built runtime jar; the runtime's dependencies are in {@link #sluiceLib()}. */
    public Path sluiceJar() {
        return repo.resolve("connect-runtime/target/connect-runtime.jar");
    }

    public Path sluiceLib() {
        return repo.resolve("connect-runtime/target/lib");
    }

    /** Where Sluice's build installs its own connectors, one directory per plugin. */
    public Path sluicePlugins() {
        return repo.resolve("plugins");
    }

    public Path apacheConnectLib() {
        return bench.resolve("target/apache-connect");
    }

    public Path kafkaLib() {
        return bench.resolve("target/kafka");
    }

    public Path s3proxyLib() {
        return bench.resolve("target/s3proxy");
    }

    /** Third-party plugins (Apache connect-file, Debezium JDBC) given to both runtimes. */
    public Path thirdPartyPlugins() {
        return bench.resolve("target/plugins");
    }

    public Path log4jConfig() {
        return bench.resolve("conf/log4j2.properties");
    }

    public Path results() {
        return bench.resolve("results");
    }

    public Path logs() {
        return work.resolve("logs");
    }

    /** A classpath of every jar in {@code dir} (a wildcard entry, as the java launcher expands it). */
    public static String jarsIn(Path dir) {
        return dir.toAbsolutePath() + "/*";
    }

    /** A TCP port nobody listens on right now. */
    public static int freePort() {
        try (ServerSocket socket = new ServerSocket(0)) {
            socket.setReuseAddress(true);
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Removes a directory tree if it exists. */
    public static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }
}
