package io.sluice.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.connect.mirror.ReplicationPolicy;
import org.apache.kafka.connect.runtime.ConnectorConfig;
import org.apache.kafka.connect.runtime.InternalSinkRecord;
import org.apache.kafka.connect.sink.SinkConnector;
import org.apache.kafka.connect.transforms.Cast;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.apache.kafka.connect.util.KafkaBasedLog;
import org.apache.kafka.connect.util.TopicAdmin;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.LoggerFactory;

class PluginIsolationTest {

    @TempDir
    Path dir;

    @Test
    void apiPackagesComeFromTheRuntimeAndImplementationsFromThePlugin() {
        for (String shared : List.of("java.lang.String", "javax.sql.DataSource", "jdk.internal.Foo", "org.slf4j.Logger",
                "org.apache.kafka.common.config.ConfigDef", "org.apache.kafka.clients.producer.KafkaProducer",
                "org.apache.kafka.connect.sink.SinkConnector", "org.apache.kafka.connect.data.Struct",
                "org.apache.kafka.connect.storage.Converter", "org.apache.kafka.connect.util.ConnectorUtils",
                "org.apache.kafka.connect.transforms.Transformation", "org.apache.kafka.connect.transforms.predicates.Predicate",
                "org.apache.kafka.common.config.provider.ConfigProvider", "org.apache.kafka.connect.components.Versioned",
                "org.apache.kafka.connect.connector.policy.ConnectorClientConfigOverridePolicy")) {
            assertFalse(IsolationRule.loadsInIsolation(shared), shared);
        }
        for (String isolated : List.of("com.acme.Thing", "javax.xmlx.Other", "jakarta.ws.rs.Path",
                "org.apache.kafka.connect.transforms.Cast$Value", "org.apache.kafka.connect.transforms.util.SimpleConfig",
                "org.apache.kafka.connect.transforms.predicates.HasHeaderKey", "org.apache.kafka.connect.json.JsonConverter",
                "org.apache.kafka.connect.file.FileStreamSourceConnector", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "org.apache.kafka.connect.storage.StringConverter", "org.apache.kafka.connect.storage.SimpleHeaderConverter",
                "org.apache.kafka.common.config.provider.FileConfigProvider")) {
            assertTrue(IsolationRule.loadsInIsolation(isolated), isolated);
        }
    }

    @Test
    void aPluginsOwnCopyOfAClassWinsButBundledApiJarsAreIgnored() throws Exception {
        Path plugin = dir.resolve("plugin");
        new TestPluginJars().source("io.sluice.testprobe.Probe", "package io.sluice.testprobe;\n"
                        + "public final class Probe { public static String origin() { return \"plugin\"; } }\n")
                .resource("log4j2.xml", "<plugin/>")
                .writeJar(plugin.resolve("own.jar"));
        // The plugin bundles its own copies of the API jars, as Debezium does.
        for (Class<?> anchor : List.of(SinkConnector.class, ConfigDef.class, Cast.class, LoggerFactory.class)) {
            Path jar = TestPluginJars.codeSourceOf(anchor);
            Files.copy(jar, plugin.resolve("bundled-" + jar.getFileName()));
        }
        try (PluginClassLoader loader = new PluginClassLoader(plugin, urls(PluginLocations.classPath(plugin)),
                PluginIsolationTest.class.getClassLoader())) {
            Class<?> probe = loader.loadClass("io.sluice.testprobe.Probe");
            assertSame(loader, probe.getClassLoader());
            assertEquals("plugin", probe.getMethod("origin").invoke(null));
            assertEquals("runtime", io.sluice.testprobe.Probe.origin());

            assertSame(SinkConnector.class, loader.loadClass(SinkConnector.class.getName()));
            assertSame(ConfigDef.class, loader.loadClass(ConfigDef.class.getName()));
            assertSame(Transformation.class, loader.loadClass(Transformation.class.getName()));
            assertSame(Predicate.class, loader.loadClass(Predicate.class.getName()));
            assertSame(ConfigProvider.class, loader.loadClass(ConfigProvider.class.getName()));
            assertSame(org.slf4j.Logger.class, loader.loadClass(org.slf4j.Logger.class.getName()));

            Class<?> cast = loader.loadClass(Cast.class.getName() + "$Value");
            assertSame(loader, cast.getClassLoader());
            assertTrue(Transformation.class.isAssignableFrom(cast));
            // Classes the plugin does not bundle still come from the runtime.
            assertSame(PluginIsolationTest.class, loader.loadClass(PluginIsolationTest.class.getName()));
        }
    }

    @Test
    void pluginsFindApacheRuntimeClassesInTheRuntimeEvenWhenTheyBundleTheirOwn() throws Exception {
        Path plugin = dir.resolve("plugin");
        new TestPluginJars().source("io.sluice.testprobe.Probe", "package io.sluice.testprobe;\n"
                        + "public final class Probe { public static String origin() { return \"plugin\"; } }\n")
                .writeJar(plugin.resolve("own.jar"));
        // as a plugin built against Apache's runtime (MirrorMaker 2, ...) may: its own copy of connect-runtime
        Path apacheRuntime = TestPluginJars.codeSourceOf(ConnectorConfig.class);
        Files.copy(apacheRuntime, plugin.resolve("bundled-" + apacheRuntime.getFileName()));
        try (PluginClassLoader loader = new PluginClassLoader(plugin, urls(PluginLocations.classPath(plugin)),
                PluginIsolationTest.class.getClassLoader())) {
            for (Class<?> apache : List.of(ConnectorConfig.class, InternalSinkRecord.class, KafkaBasedLog.class,
                    TopicAdmin.class, ReplicationPolicy.class)) {
                assertSame(apache, loader.loadClass(apache.getName()), apache.getName());
            }
        }
        // the sink records Sluice hands to tasks are Apache's own type, not a look-alike of the same name
        assertEquals(apacheRuntime, TestPluginJars.codeSourceOf(InternalSinkRecord.class));
    }

    @Test
    void resourcesAreLookedUpInThePluginFirst() throws Exception {
        Path plugin = dir.resolve("plugin");
        new TestPluginJars().resource("log4j2.xml", "<plugin/>").writeJar(plugin.resolve("own.jar"));
        try (PluginClassLoader loader = new PluginClassLoader(plugin, urls(PluginLocations.classPath(plugin)),
                PluginIsolationTest.class.getClassLoader())) {
            URL resource = loader.getResource("log4j2.xml");
            assertTrue(resource.toString().contains("own.jar"), resource.toString());
            List<URL> all = Collections.list(loader.getResources("log4j2.xml"));
            assertTrue(all.size() >= 2, all.toString());
            assertTrue(all.get(0).toString().contains("own.jar"), all.toString());
        }
    }

    private static URL[] urls(List<Path> classPath) throws Exception {
        URL[] urls = new URL[classPath.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = classPath.get(i).toUri().toURL();
        }
        return urls;
    }
}
