package io.sluice.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.source.SourceConnector;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Real third-party plugins copied into target/test-plugins by the build: Apache's connect-file and Debezium's JDBC sink. */
class ThirdPartyPluginsTest {

    private static final Logger log = LoggerFactory.getLogger(ThirdPartyPluginsTest.class);
    private static final String JDBC_SINK = "io.debezium.connector.jdbc.JdbcSinkConnector";

    static Path testPlugins() {
        String configured = System.getProperty("sluice.test.plugins");
        for (String candidate : configured != null ? List.of(configured)
                : List.of("target/test-plugins", "connect-runtime/target/test-plugins")) {
            if (Files.isDirectory(Path.of(candidate))) {
                return Path.of(candidate);
            }
        }
        throw new IllegalStateException("No test plugins; run mvn -o -q -pl connect-runtime generate-test-resources");
    }

    @Test
    void apacheFileConnectorsAreFoundWithTheirAliases() {
        try (Plugins plugins = new Plugins(List.of(testPlugins().resolve("connect-file")), "service_load")) {
            plugins.start();
            Class<? extends Connector> source = plugins.pluginClass("FileStreamSource", Connector.class);
            assertEquals("org.apache.kafka.connect.file.FileStreamSourceConnector", source.getName());
            assertTrue(SourceConnector.class.isAssignableFrom(source));
            assertInstanceOf(PluginClassLoader.class, source.getClassLoader());
            assertSame(source, plugins.pluginClass("FileStreamSourceConnector", Connector.class));
            Class<? extends Connector> sink = plugins.pluginClass("FileStreamSink", SinkConnector.class);
            assertEquals("org.apache.kafka.connect.file.FileStreamSinkConnector", sink.getName());
            PluginDesc desc = plugins.plugins(PluginType.SINK).stream()
                    .filter(d -> d.className().equals(sink.getName())).findFirst().orElseThrow();
            assertEquals("4.3.1", desc.version());
            assertTrue(desc.location().endsWith(".jar"), desc.location());
        }
    }

    @Test
    void debeziumJdbcSinkLoadsAgainstTheRuntimesConnectApiAndValidatesConfigs() throws Exception {
        long begin = System.nanoTime();
        try (Plugins plugins = new Plugins(List.of(testPlugins()), "hybrid_warn")) {
            plugins.start();
            log.info("Scanned {} (Debezium JDBC: 39 jars, and connect-file) in {} ms", testPlugins(),
                    (System.nanoTime() - begin) / 1_000_000);
            Class<? extends Connector> cls = plugins.pluginClass(JDBC_SINK, Connector.class);
            assertTrue(SinkConnector.class.isAssignableFrom(cls));
            assertSame(ConfigDef.class, cls.getClassLoader().loadClass(ConfigDef.class.getName()));
            assertSame(cls, plugins.pluginClass("JdbcSink", Connector.class));
            assertTrue(plugins.plugins(PluginType.SINK).stream()
                    .anyMatch(d -> d.className().equals(JDBC_SINK) && !d.version().equals("undefined")));

            Connector connector = plugins.newPlugin(JDBC_SINK, Connector.class);
            try (LoaderSwap swap = LoaderSwap.to(connector.getClass().getClassLoader())) {
                ConfigDef def = connector.config();
                assertTrue(def.names().contains("connection.url"), def.names().toString());
                List<ConfigValue> results = connector.validate(Map.of(
                        "connector.class", JDBC_SINK, "topics", "orders",
                        "connection.url", "jdbc:postgresql://127.0.0.1:1/none")).configValues();
                assertFalse(results.isEmpty());
                assertTrue(results.stream().anyMatch(v -> v.name().equals("connection.url")));
            }
        }
    }
}
