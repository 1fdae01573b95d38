package io.sluice.runtime.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.sluice.runtime.config.ConnectorConfigFile;
import io.sluice.runtime.config.WorkerConfigFile;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Properties;

/**
 * A file of config/ as shipped, for the tests that keep every example true: read as bin/connect reads it, with only
 * what points at real systems replaced (hosts, ports, paths, buckets, endpoints, credentials, the secrets file).
 * Each replacement names the value it expects in the file, so an example changed without its test fails here
 * instead of being tested with values it no longer has; every other key stays as shipped.
 */
public final class ExampleConfig {
    /** The secrets file the examples' ${file:...} placeholders name. */
    public static final String SECRETS_FILE = "/etc/sluice/secrets.properties";

    private final String file;
    private final boolean connector;
    private final Map<String, String> config;

    private ExampleConfig(String file, boolean connector, Map<String, String> config) {
        this.file = file;
        this.connector = connector;
        this.config = new LinkedHashMap<>(config);
    }

    /** The repository's config/ directory. */
    public static Path dir() {
        return Path.of(System.getProperty("sluice.config.dir", "../config")).toAbsolutePath().normalize();
    }

    /** A connector example (.properties or .json, as bin/connect and POST /connectors take them). */
    public static ExampleConfig connector(String file) {
        return new ExampleConfig(file, true, ConnectorConfigFile.load(dir().resolve(file)).config());
    }

    /** A worker config example (standalone.properties, distributed.properties). */
    public static ExampleConfig worker(String file) {
        return new ExampleConfig(file, false, WorkerConfigFile.load(dir().resolve(file)));
    }

    /**
     * config/standalone.properties on the tests' shared broker: its converters, config providers and every other
     * key as shipped, with the broker it would embed replaced by the shared one, its REST port by a free one, its
     * plugin path by pluginPath, and its group.id by one of its own (the shared broker holds other tests' clusters).
     */
    public static TestWorker.Builder standaloneWorkerOnTestBroker(Path pluginPath) {
        return TestWorker.of(worker("standalone.properties")
                .add("bootstrap.servers", KafkaTestBroker.bootstrapServers())
                .replace("listeners", "http://:8083", "http://127.0.0.1:0")
                .replace("plugin.path", "plugins", pluginPath.toString())
                .replace("group.id", "connect-cluster", KafkaTestBroker.uniqueTopic("examples"))
                .config(), false);
    }

    /** Replaces key's value, which must be shipped as shipped. */
    public ExampleConfig replace(String key, String shipped, String value) {
        String actual = config.get(key);
        if (!shipped.equals(actual)) {
            throw new AssertionError(file + ": expected " + key + "=" + shipped + " as shipped, found " + actual
                    + "; update the test with the example");
        }
        config.put(key, value);
        return this;
    }

    /** Replaces a part of key's value (a host and port in a URL, a path in a placeholder), which must be there. */
    public ExampleConfig replacePart(String key, String shippedPart, String value) {
        String actual = config.get(key);
        if (actual == null || !actual.contains(shippedPart)) {
            throw new AssertionError(file + ": expected " + key + " to contain " + shippedPart + " as shipped, found "
                    + actual + "; update the test with the example");
        }
        config.put(key, actual.replace(shippedPart, value));
        return this;
    }

    /** Sets a key the example leaves out (a commented-out bootstrap.servers, the endpoint of an AWS example). */
    public ExampleConfig add(String key, String value) {
        if (config.containsKey(key)) {
            throw new AssertionError(file + " sets " + key + "=" + config.get(key) + " itself; replace it instead");
        }
        config.put(key, value);
        return this;
    }

    /** Points every ${file:/etc/sluice/secrets.properties:...} placeholder at secrets instead. */
    public ExampleConfig secretsFile(Path secrets) {
        boolean found = false;
        for (Map.Entry<String, String> entry : config.entrySet()) {
            if (entry.getValue().contains("${file:" + SECRETS_FILE + ":")) {
                entry.setValue(entry.getValue().replace(SECRETS_FILE, secrets.toString()));
                found = true;
            }
        }
        if (!found) {
            throw new AssertionError(file + " names no " + SECRETS_FILE + " placeholder");
        }
        return this;
    }

    /** The connector's name as the file gives it. */
    public String name() {
        return config.get("name");
    }

    public String get(String key) {
        return config.get(key);
    }

    /** The config with its replacements, in file order. */
    public Map<String, String> config() {
        return Collections.unmodifiableMap(new LinkedHashMap<>(config));
    }

    /** Writes the config, replacements included, into dir under the example's own file name and format. */
    public Path writeTo(Path dir) {
        Path target = dir.resolve(file);
        try {
            Files.createDirectories(dir);
            if (file.endsWith(".json")) {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name());
                body.put("config", config);
                new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT).writeValue(target.toFile(), body);
            } else {
                Properties props = new Properties();
                props.putAll(config);
                try (var out = Files.newBufferedWriter(target)) {
                    props.store(out, (connector ? "connector" : "worker") + " config " + file + " for a test");
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return target;
    }
}
