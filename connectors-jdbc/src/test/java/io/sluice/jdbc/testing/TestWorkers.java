package io.sluice.jdbc.testing;

import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/** Workers for this module's pipeline tests (the runtime's TestWorker, with this module installed as a plugin). */
public final class TestWorkers {
    private TestWorkers() {
    }

    /** A plugin path under dir holding this module as the build installed it. */
    public static Path pluginPath(Path dir) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(Path.of(System.getProperty("sluice.plugin.dir")), pluginPath);
        return pluginPath;
    }

    /** Drops the MariaDB driver into the JDBC plugin's directory of pluginPath, as its README tells users to. */
    public static void installMariaDbDriver(Path pluginPath) {
        try {
            TestPlugins.install(Path.of(org.mariadb.jdbc.Driver.class.getProtectionDomain().getCodeSource().getLocation()
                    .toURI()), pluginPath.resolve("connectors-jdbc"));
        } catch (java.net.URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A worker in this JVM on the test broker, with this module installed on a plugin path under dir. */
    public static TestWorker.Builder worker(Path dir) {
        return TestWorker.standalone().pluginPath(pluginPath(dir));
    }

    /** A JDBC source reading by an incrementing "id" column every 100 ms into topics named prefix + table. */
    public static Map<String, String> incrementingSource(String url, String topicPrefix, String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "io.sluice.jdbc.source.JdbcSourceConnector");
        config.put("connection.url", url);
        config.put("mode", "incrementing");
        config.put("incrementing.column.name", "id");
        config.put("topic.prefix", topicPrefix);
        config.put("poll.interval.ms", "100");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    /** The config with key and value written through the Avro converter and the registry at registryUrl. */
    public static Map<String, String> avro(String registryUrl, Map<String, String> config) {
        Map<String, String> withAvro = new HashMap<>(config);
        withAvro.put("key.converter", "io.confluent.connect.avro.AvroConverter");
        withAvro.put("key.converter.schema.registry.url", registryUrl);
        withAvro.put("value.converter", "io.confluent.connect.avro.AvroConverter");
        withAvro.put("value.converter.schema.registry.url", registryUrl);
        return withAvro;
    }
}
