package io.sluice.runtime.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.stream.Stream;

/** The third-party plugins the build fetched for tests (target/test-plugins), and copies of them. */
public final class TestPlugins {
    private static boolean sequenceJarPacked;

    private TestPlugins() {
    }

    public static Path root() {
        return Path.of(System.getProperty("sluice.test.plugins", "target/test-plugins")).toAbsolutePath();
    }

    /** Apache's connect-file 4.3.1 jar. */
    public static Path connectFileJar() {
        return root().resolve("connect-file").resolve("connect-file-4.3.1.jar");
    }

    /** Apache's connect-basic-auth-extension 4.3.1 jar (a ConnectRestExtension). */
    public static Path basicAuthExtensionJar() {
        return root().resolve("basic-auth").resolve("connect-basic-auth-extension-4.3.1.jar");
    }

    /** Debezium's JDBC sink plugin directory (its 39 jars). */
    public static Path debeziumJdbcDir() {
        return root().resolve("debezium-connector-jdbc");
    }

    /** Apache's MirrorMaker 2 connectors: connect-mirror and connect-mirror-client 4.3.1 jars. */
    public static Path connectMirrorDir() {
        return root().resolve("connect-mirror");
    }

    /** Apache Camel's timer source connector 0.7.2 as packaged for Kafka Connect (52 jars). */
    public static Path camelTimerDir() {
        return root().resolve("camel").resolve("camel-timer-kafka-connector");
    }

    /** Jeremy Custenborder's Common Transforms 0.1.0.14 (SMTs) with its libraries. */
    public static Path commonTransformsDir() {
        return root().resolve("kafka-connect-transform-common");
    }

    /**
     * The test-only {@link io.sluice.testplugins.sequence.SequenceSourceConnector} as a plugin jar with its
     * ServiceLoader manifest, packed from this build's test classes once per JVM, for Sluice and Apache workers.
     */
    public static synchronized Path sequenceSourceJar() {
        Path jar = root().resolve("sequence-source").resolve("sequence-source.jar");
        if (sequenceJarPacked) {
            return jar;
        }
        Class<?> connector = io.sluice.testplugins.sequence.SequenceSourceConnector.class;
        try {
            Path classes = Path.of(connector.getProtectionDomain().getCodeSource().getLocation().toURI());
            Path pkg = classes.resolve(connector.getPackageName().replace('.', '/'));
            Files.createDirectories(jar.getParent());
            // each test JVM (failsafe fork) packs its own: a shared partial would be written by two at once
            Path partial = jar.resolveSibling(jar.getFileName() + ".partial-" + ProcessHandle.current().pid());
            try (var out = new java.util.jar.JarOutputStream(Files.newOutputStream(partial));
                 Stream<Path> files = Files.list(pkg)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    out.putNextEntry(new java.util.jar.JarEntry(classes.relativize(file).toString().replace('\\', '/')));
                    out.write(Files.readAllBytes(file));
                    out.closeEntry();
                }
                out.putNextEntry(new java.util.jar.JarEntry("META-INF/services/org.apache.kafka.connect.source.SourceConnector"));
                out.write((connector.getName() + "\n").getBytes(java.nio.charset.StandardCharsets.UTF_8));
                out.closeEntry();
            }
            Files.move(partial, jar, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            sequenceJarPacked = true;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
        return jar;
    }

    /** Copies a plugin (jar or directory) into a plugin path directory. */
    public static Path install(Path plugin, Path pluginPathDir) {
        Path target = pluginPathDir.resolve(plugin.getFileName());
        try {
            if (Files.isDirectory(plugin)) {
                try (Stream<Path> files = Files.walk(plugin)) {
                    for (Path source : (Iterable<Path>) files::iterator) {
                        Path dest = target.resolve(plugin.relativize(source).toString());
                        if (Files.isDirectory(source)) {
                            Files.createDirectories(dest);
                        } else {
                            Files.copy(source, dest, StandardCopyOption.REPLACE_EXISTING);
                        }
                    }
                }
            } else {
                Files.createDirectories(pluginPathDir);
                Files.copy(plugin, target, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
