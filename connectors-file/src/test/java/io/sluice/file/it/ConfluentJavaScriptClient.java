package io.sluice.file.it;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;

/**
 * Confluent's own JavaScript Schema Registry client (npm @confluentinc/schemaregistry, the version pinned in
 * src/test/node/confluent-client/package-lock.json), installed with npm into target/confluent-client and driven
 * through src/test/node/confluent-client/interop.js. Without node and npm the tests using it are skipped, except
 * under CI=true, where they fail (.ci/run installs Debian's nodejs and npm).
 */
final class ConfluentJavaScriptClient {
    private static final Path SOURCES = Path.of("src", "test", "node", "confluent-client");
    private static final Path HOME = Path.of("target", "confluent-client");
    private static final List<String> FILES = List.of("package.json", "package-lock.json", "interop.js");
    private static final ObjectMapper JSON = new ObjectMapper();

    private final String registryUrl;

    ConfluentJavaScriptClient(String registryUrl) {
        this.registryUrl = registryUrl;
    }

    /** Whether node and npm are on PATH. */
    static boolean available() {
        return onPath("node") && onPath("npm");
    }

    /** Skips the calling test when node or npm is missing, or fails it under CI=true. */
    static void assumeAvailable() {
        if (!available()) {
            String why = "node and npm are missing: install Node.js 18+ (Debian: apt-get install nodejs npm, as "
                    + ".ci/install-node does) to include the interop tests with Confluent's JavaScript client";
            if ("true".equals(System.getenv("CI"))) {
                throw new AssertionError(why);
            }
            Assumptions.abort(why);
        }
    }

    /** Installs the client into target/confluent-client with npm, unless the same lock file is installed there. */
    static void install() {
        try {
            Files.createDirectories(HOME);
            boolean current = Files.isDirectory(HOME.resolve("node_modules/@confluentinc/schemaregistry"))
                    && Files.exists(HOME.resolve("package-lock.json"))
                    && Arrays.equals(Files.readAllBytes(SOURCES.resolve("package-lock.json")),
                            Files.readAllBytes(HOME.resolve("package-lock.json")));
            for (String file : FILES) {
                Files.copy(SOURCES.resolve(file), HOME.resolve(file), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
            }
            if (!current) {
                // npm ci installs exactly the lock file's versions, without running any package's scripts
                run(List.of("npm", "ci", "--no-audit", "--no-fund", "--ignore-scripts", "--loglevel=error"), 600);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Runs interop.js's command against the registry and returns the JSON it printed. */
    JsonNode call(String command, String... args) {
        List<String> line = new ArrayList<>(List.of("node", "interop.js", registryUrl, command));
        line.addAll(List.of(args));
        try {
            return JSON.readTree(run(line, 60));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static String run(List<String> command, int timeoutSeconds) {
        try {
            Path out = Files.createTempFile(HOME.toAbsolutePath(), "stdout", ".txt");
            Path err = Files.createTempFile(HOME.toAbsolutePath(), "stderr", ".txt");
            try {
                Process process = new ProcessBuilder(command).directory(HOME.toFile())
                        .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
                if (!process.waitFor(timeoutSeconds, TimeUnit.SECONDS)) {
                    process.destroyForcibly();
                    throw new AssertionError(String.join(" ", command) + " did not finish in " + timeoutSeconds + " s");
                }
                if (process.exitValue() != 0) {
                    throw new AssertionError(String.join(" ", command) + " exited with " + process.exitValue() + ":\n"
                            + Files.readString(err));
                }
                return Files.readString(out);
            } finally {
                Files.deleteIfExists(out);
                Files.deleteIfExists(err);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
    }

    private static boolean onPath(String program) {
        String path = System.getenv().getOrDefault("PATH", "");
        for (String dir : path.split(java.io.File.pathSeparator)) {
            if (!dir.isEmpty() && Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
