package io.sluice.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;
import java.util.jar.JarFile;
import java.util.stream.Stream;

/**
 * Sluice's own connectors as the benchmark configures them, read from
 * {@code bench/conf/sluice-connectors.properties}: the one place their class names and keys live.
 */
public final class SluiceConnectors {

    private final Properties props = new Properties();
    private final Layout layout;

    public SluiceConnectors(Layout layout) throws IOException {
        this.layout = layout;
        try (InputStream in = Files.newInputStream(layout.bench().resolve("conf/sluice-connectors.properties"))) {
            props.load(in);
        }
    }

    /** Thrown when the connector's plugin is not installed under plugins/ (its issue is not done yet). */
    public static final class MissingPlugin extends Exception {
        MissingPlugin(String message) {
            super(message);
        }
    }

    /**
     * The connector config of {@code role} (e.g. "file.source") with ${name} placeholders filled
     * from {@code vars}; checks first that its plugin directory holds the connector class.
     */
    public Map<String, String> config(String role, Map<String, String> vars) throws MissingPlugin, IOException {
        String pluginDir = props.getProperty(role + ".plugin");
        if (pluginDir == null) {
            throw new IllegalArgumentException("no " + role + ".plugin in sluice-connectors.properties");
        }
        Map<String, String> config = new LinkedHashMap<>();
        String prefix = role + ".config.";
        for (String key : props.stringPropertyNames()) {
            if (key.startsWith(prefix)) {
                config.put(key.substring(prefix.length()), fill(props.getProperty(key), vars));
            }
        }
        String connectorClass = config.get("connector.class");
        Path dir = layout.sluicePlugins().resolve(pluginDir);
        if (!containsClass(dir, connectorClass)) {
            throw new MissingPlugin("Sluice connector " + connectorClass + " not installed in " + dir
                    + " (build the connector module; class and keys: bench/conf/sluice-connectors.properties)");
        }
        return config;
    }

    private static String fill(String value, Map<String, String> vars) {
        String out = value;
        for (Map.Entry<String, String> e : vars.entrySet()) {
            out = out.replace("${" + e.getKey() + "}", e.getValue());
        }
        return out;
    }

    private static boolean containsClass(Path dir, String className) throws IOException {
        if (className == null || !Files.isDirectory(dir)) {
            return false;
        }
        String entry = className.replace('.', '/') + ".class";
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path jar : files.filter(p -> p.toString().endsWith(".jar")).toList()) {
                try (JarFile jf = new JarFile(jar.toFile())) {
                    if (jf.getEntry(entry) != null) {
                        return true;
                    }
                }
            }
        }
        return false;
    }
}
