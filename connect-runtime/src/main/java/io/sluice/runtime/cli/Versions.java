package io.sluice.runtime.cli;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Properties;

/** The versions the worker reports: its own (the jar's manifest, as every built-in plugin's) and Kafka's. */
public final class Versions {
    /** The project version, from the runtime jar's manifest, as the built-in plugins report theirs. */
    public static final String VERSION = Objects.requireNonNullElse(
            Versions.class.getPackage().getImplementationVersion(), "undefined");
    /**
     * The Apache Kafka Connect version whose API Sluice implements, reported by GET / like Apache's worker:
     * the parent POM's kafka.version, written into versions.properties by the build, so it is declared once.
     */
    public static final String CONNECT_API_VERSION = load().getProperty("kafka.version");

    private Versions() {
    }

    private static Properties load() {
        try (InputStream in = Objects.requireNonNull(Versions.class.getResourceAsStream("versions.properties"),
                "versions.properties is missing from the runtime jar")) {
            Properties properties = new Properties();
            properties.load(in);
            return properties;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
