package io.sluice.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.Converter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class PluginsTest {

    private static final String ACME = "com.acme.AcmeSourceConnector";
    private static final String HIDDEN = "com.nomanifest.HiddenConverter";

    @TempDir
    Path dir;

    private Path acmePlugin(Path pluginDir, String version) throws Exception {
        return new TestPluginJars().source(ACME, TestPluginJars.sourceConnector(ACME, version))
                .manifest(org.apache.kafka.connect.source.SourceConnector.class, ACME)
                .writeJar(pluginDir.resolve("acme-" + version + ".jar"));
    }

    private void mixedPlugin(Path pluginDir) throws Exception {
        new TestPluginJars().source(ACME, TestPluginJars.sourceConnector(ACME, "1.0"))
                .source(HIDDEN, TestPluginJars.converter(HIDDEN))
                .manifest(org.apache.kafka.connect.source.SourceConnector.class, ACME)
                .writeJar(pluginDir.resolve("mixed.jar"));
    }

    @Test
    void connectorInAPluginDirectoryIsListedWithVersionLocationAndAliases() throws Exception {
        Path plugins = dir.resolve("plugins");
        acmePlugin(plugins.resolve("acme"), "1.0");
        try (Plugins registry = new Plugins(List.of(plugins), "hybrid_warn")) {
            registry.start();
            PluginDesc desc = registry.plugins(PluginType.SOURCE).stream()
                    .filter(d -> d.className().equals(ACME)).findFirst().orElseThrow();
            assertEquals("1.0", desc.version());
            assertEquals(plugins.resolve("acme").toAbsolutePath().toString(), desc.location());
            Class<? extends Connector> cls = registry.pluginClass(ACME, Connector.class);
            assertInstanceOf(PluginClassLoader.class, cls.getClassLoader());
            assertSame(cls, registry.pluginClass("AcmeSourceConnector", Connector.class));
            assertSame(cls, registry.pluginClass("AcmeSource", Connector.class));
            assertSame(cls.getClassLoader(), registry.loaderOf(ACME));
        }
    }

    @Test
    void pluginsAskedForWhileThePathIsStillScannedAreAnsweredOnceTheScanHasFoundThem() throws Exception {
        Path plugins = dir.resolve("plugins");
        for (int i = 0; i < 12; i++) {
            String name = "com.acme.Source" + i + "Connector";
            new TestPluginJars().source(name, TestPluginJars.sourceConnector(name, "1." + i))
                    .manifest(org.apache.kafka.connect.source.SourceConnector.class, name)
                    .writeJar(plugins.resolve("acme-" + i).resolve("acme.jar"));
        }
        try (Plugins registry = new Plugins(List.of(plugins), "hybrid_warn")) {
            registry.startInBackground(); // returns before the path is scanned: a worker's REST answers meanwhile
            assertEquals("1.11", registry.newPlugin("Source11", Connector.class).version());
            assertEquals(12, registry.plugins(PluginType.SOURCE).stream()
                    .filter(d -> d.className().startsWith("com.acme.")).count());
            assertFalse(registry.scanning());
        }
    }

    @Test
    void aJarDirectlyOnThePluginPathIsOnePlugin() throws Exception {
        Path jar = acmePlugin(dir, "1.0");
        try (Plugins registry = new Plugins(List.of(jar), "only_scan")) {
            registry.start();
            assertEquals("1.0", registry.newPlugin("AcmeSource", Connector.class).version());
        }
    }

    @Test
    void onlyScanFindsPluginsWithAndWithoutManifests() throws Exception {
        mixedPlugin(dir.resolve("plugins/mixed"));
        try (Plugins registry = new Plugins(List.of(dir.resolve("plugins")), "only_scan")) {
            registry.start();
            registry.pluginClass(ACME, Connector.class);
            registry.pluginClass(HIDDEN, Converter.class);
        }
    }

    @Test
    void serviceLoadSeesOnlyPluginsDeclaredInManifests() throws Exception {
        mixedPlugin(dir.resolve("plugins/mixed"));
        try (Plugins registry = new Plugins(List.of(dir.resolve("plugins")), "service_load")) {
            registry.start();
            registry.pluginClass(ACME, Connector.class);
            assertThrows(ConnectException.class, () -> registry.pluginClass(HIDDEN, Converter.class));
        }
    }

    @Test
    void hybridWarnLoadsPluginsMissingAManifest() throws Exception {
        mixedPlugin(dir.resolve("plugins/mixed"));
        try (Plugins registry = new Plugins(List.of(dir.resolve("plugins")), "hybrid_warn")) {
            registry.start();
            registry.pluginClass("Hidden", Converter.class);
        }
    }

    @Test
    void hybridFailRefusesToStartWhenAPluginLacksAManifest() throws Exception {
        mixedPlugin(dir.resolve("plugins/mixed"));
        try (Plugins registry = new Plugins(List.of(dir.resolve("plugins")), "hybrid_fail")) {
            ConnectException e = assertThrows(ConnectException.class, registry::start);
            assertTrue(e.getMessage().contains(HIDDEN), e.getMessage());
        }
    }

    @Test
    void anAliasSharedByTwoClassesIsNoAlias() throws Exception {
        Path plugins = dir.resolve("plugins");
        new TestPluginJars().source("com.a.DupConverter", TestPluginJars.converter("com.a.DupConverter"))
                .writeJar(plugins.resolve("a.jar"));
        new TestPluginJars().source("com.b.DupConverter", TestPluginJars.converter("com.b.DupConverter"))
                .writeJar(plugins.resolve("b.jar"));
        try (Plugins registry = new Plugins(List.of(plugins), "only_scan")) {
            registry.start();
            assertThrows(ConnectException.class, () -> registry.pluginClass("Dup", Converter.class));
            assertThrows(ConnectException.class, () -> registry.pluginClass("DupConverter", Converter.class));
            assertNotSame(registry.pluginClass("com.a.DupConverter", Converter.class),
                    registry.pluginClass("com.b.DupConverter", Converter.class));
        }
    }

    @Test
    void theNewestVersionWinsWhenTwoPluginsHoldTheSameClass() throws Exception {
        Path plugins = dir.resolve("plugins");
        acmePlugin(plugins.resolve("acme-new"), "2.10");
        acmePlugin(plugins.resolve("acme-old"), "2.9");
        try (Plugins registry = new Plugins(List.of(plugins), "hybrid_warn")) {
            registry.start();
            assertEquals(2, registry.plugins(PluginType.SOURCE).stream().filter(d -> d.className().equals(ACME)).count());
            assertEquals("2.10", registry.newPlugin("AcmeSource", Connector.class).version());
        }
    }

    @Test
    void anUnknownNameFailsPointingToTheListingWithoutDumpingClassNames() throws Exception {
        acmePlugin(dir.resolve("plugins/acme"), "1.0");
        try (Plugins registry = new Plugins(List.of(dir.resolve("plugins")), null)) {
            registry.start();
            ConnectException e = assertThrows(ConnectException.class,
                    () -> registry.pluginClass("NoSuchThing", Connector.class));
            assertEquals("No connector plugin named 'NoSuchThing' is installed; GET /connector-plugins lists the "
                    + "installed ones", e.getMessage());
            ConnectException converter = assertThrows(ConnectException.class,
                    () -> registry.pluginClass("NoSuchThing", org.apache.kafka.connect.storage.HeaderConverter.class));
            assertTrue(converter.getMessage().startsWith("No header converter plugin named 'NoSuchThing'"),
                    converter.getMessage());
        }
    }

    @Test
    void aNameOfAnotherKindOfPluginOrClassIsNamedAsSuchRatherThanAsMissing() throws Exception {
        acmePlugin(dir.resolve("plugins/acme"), "1.0");
        try (Plugins registry = new Plugins(List.of(dir.resolve("plugins")), null)) {
            registry.start();
            WrongPluginTypeException alias = assertThrows(WrongPluginTypeException.class,
                    () -> registry.pluginClass("JsonConverter", org.apache.kafka.connect.transforms.Transformation.class));
            assertEquals("Class org.apache.kafka.connect.json.JsonConverter does not implement the Transformation "
                    + "interface", alias.getMessage());
            WrongPluginTypeException plugin = assertThrows(WrongPluginTypeException.class,
                    () -> registry.pluginClass("AcmeSource", org.apache.kafka.connect.storage.Converter.class));
            assertEquals("Class " + ACME + " does not implement the Converter interface", plugin.getMessage());
            WrongPluginTypeException notAConnector = assertThrows(WrongPluginTypeException.class,
                    () -> registry.pluginClass("java.lang.String", Connector.class));
            assertEquals("Class java.lang.String is not a connector: a connector class extends SourceConnector or "
                    + "SinkConnector", notAConnector.getMessage());
        }
    }

    @Test
    void pluginsAreCreatedWithTheirOwnLoaderAsContextLoader() throws Exception {
        new TestPluginJars().source(HIDDEN, TestPluginJars.converter(HIDDEN)).writeJar(dir.resolve("plugins/c.jar"));
        try (Plugins registry = new Plugins(List.of(dir.resolve("plugins")), "only_scan")) {
            registry.start();
            ClassLoader before = Thread.currentThread().getContextClassLoader();
            Converter converter = registry.newPlugin(HIDDEN, Converter.class);
            assertSame(converter.getClass().getClassLoader(), converter.getClass().getField("createdWith").get(converter));
            assertSame(before, Thread.currentThread().getContextClassLoader());
        }
    }

    @Test
    void classesFromThePluginPathAndTheRuntimeClassPathAreNeverMixedUp() throws Exception {
        try (Plugins registry = new Plugins(List.of(dir.resolve("missing")), null)) {
            registry.start();
            assertSame(ClassLoader.getSystemClassLoader(), registry.loaderOf("com.example.Unknown"));
            assertFalse(registry.plugins(PluginType.SOURCE).stream().anyMatch(d -> d.className().equals(ACME)));
        }
    }
}
