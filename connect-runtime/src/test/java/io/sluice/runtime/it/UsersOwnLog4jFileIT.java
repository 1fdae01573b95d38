package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A user who switches from Apache Kafka Connect brings their own Log4j file and names it with
 * -Dlog4j2.configurationFile (in SLUICE_OPTS for bin/connect): its pattern and levels are the ones the worker logs
 * with, although bin/connect names SLF4J's provider itself to skip SLF4J's look-up.
 */
class UsersOwnLog4jFileIT {
    private static final Path LAUNCHER = Path.of("..", "bin", "connect").toAbsolutePath().normalize();

    @TempDir
    Path dir;

    /** Through Sluice's own options, and through the variable Apache's scripts read, as a user moving over sets it. */
    @ParameterizedTest
    @ValueSource(strings = {"SLUICE_OPTS", "KAFKA_LOG4J_OPTS"})
    void aUsersOwnLog4jFileGivenToBinConnectSetsThePatternAndTheLevels(String variable) throws Exception {
        Path log4j = dir.resolve("my-log4j2.properties");
        // root at INFO, Jetty included: the built-in configuration keeps Jetty at WARN
        Files.writeString(log4j, String.join("\n",
                "appender.out.type = Console",
                "appender.out.name = OUT",
                "appender.out.layout.type = PatternLayout",
                "appender.out.layout.pattern = USERS-OWN %p %c %m%n",
                "rootLogger.level = info",
                "rootLogger.appenderRef.out.ref = OUT", ""));
        int rest = freePort();
        Path worker = dir.resolve("worker.properties");
        Files.writeString(worker, String.join("\n",
                "listeners=http://127.0.0.1:" + rest,
                "embedded.kafka.dir=" + dir.resolve("kafka"),
                "embedded.kafka.port=" + freePort(),
                "embedded.kafka.controller.port=" + freePort(),
                "schema.registry.listeners=",
                "plugin.path=",
                "offset.storage.file.filename=" + dir.resolve("offsets"), ""));
        Path out = dir.resolve("worker.log");
        ProcessBuilder launch = new ProcessBuilder(LAUNCHER.toString(), worker.toString()).directory(dir.toFile())
                .redirectErrorStream(true).redirectOutput(out.toFile());
        launch.environment().put("SLUICE_CDS", "off");
        launch.environment().put(variable, "-Dlog4j2.configurationFile=" + log4j);
        Process process = launch.start();
        try {
            awaitConnectors(process, rest, out);
        } finally {
            process.destroy();
            assertTrue(process.waitFor(60, TimeUnit.SECONDS), "stops");
        }
        List<String> lines = Files.readAllLines(out, StandardCharsets.UTF_8);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("USERS-OWN INFO io.sluice.")), "the user's pattern: " + lines);
        assertTrue(lines.stream().anyMatch(l -> l.startsWith("USERS-OWN INFO org.eclipse.jetty")),
                "the user's levels (Jetty's INFO lines): " + lines);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("[20")), "no line in the built-in pattern: " + lines);
        assertFalse(lines.stream().anyMatch(l -> l.startsWith("SLF4J")), "SLF4J says nothing: " + lines);
    }

    private static void awaitConnectors(Process process, int port, Path out) throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        HttpRequest get = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/connectors")).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
        while (System.nanoTime() < deadline) {
            assertTrue(process.isAlive(), () -> "the worker exited: " + read(out));
            try {
                if (http.send(get, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (java.io.IOException e) {
                // not listening yet
            }
            Thread.sleep(100);
        }
        throw new AssertionError("GET /connectors never answered 200: " + read(out));
    }

    private static String read(Path out) {
        try {
            return Files.readString(out, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return e.toString();
        }
    }

    private static int freePort() throws java.io.IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
