package io.sluice.runtime.plugins;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

class BuiltinPluginsTest {

    private static Plugins plugins;

    @BeforeAll
    static void start() {
        plugins = new Plugins(List.of(), null);
        plugins.start();
    }

    @AfterAll
    static void stop() {
        plugins.close();
    }

    private static Set<String> names(PluginType type) {
        return plugins.plugins(type).stream().map(PluginDesc::className).collect(Collectors.toSet());
    }

    @Test
    void runtimeConvertersAreListedFromTheClassPathUnderApachesNames() {
        Set<String> converters = names(PluginType.CONVERTER);
        for (String name : List.of("org.apache.kafka.connect.json.JsonConverter",
                "org.apache.kafka.connect.storage.StringConverter", "org.apache.kafka.connect.converters.ByteArrayConverter",
                "org.apache.kafka.connect.converters.IntegerConverter", "org.apache.kafka.connect.converters.LongConverter",
                "org.apache.kafka.connect.converters.FloatConverter", "org.apache.kafka.connect.converters.DoubleConverter",
                "org.apache.kafka.connect.converters.ShortConverter", "org.apache.kafka.connect.converters.BooleanConverter")) {
            assertTrue(converters.contains(name), name + " in " + converters);
        }
        // Sluice's classes that stand in for Apache's are never listed under their own names, still resolvable by
        // them; a converter Apache has no counterpart for (Avro) is listed under Sluice's name
        Set<String> standIns = BuiltinPlugins.apacheNames().keySet();
        assertTrue(converters.stream().noneMatch(standIns::contains), converters.toString());
        assertTrue(converters.contains("io.sluice.runtime.converters.avro.AvroConverter"), converters.toString());
        assertTrue(names(PluginType.HEADER_CONVERTER).stream().noneMatch(standIns::contains));
        assertEquals("io.sluice.runtime.converters.IntegerConverter",
                plugins.pluginClass("io.sluice.runtime.converters.IntegerConverter", Converter.class).getName());
        assertTrue(names(PluginType.HEADER_CONVERTER).contains(SimpleHeaderConverter.class.getName()));
        // Substituted for Apache's JsonConverter by the runtime, never listed or named on its own.
        assertFalse(converters.contains("io.sluice.runtime.converters.StreamingJsonConverter"), converters.toString());
        PluginDesc json = plugins.plugins(PluginType.CONVERTER).stream()
                .filter(d -> d.className().equals(JsonConverter.class.getName())).findFirst().orElseThrow();
        assertEquals("classpath", json.location());
        assertNotEquals("undefined", json.version());
    }

    @Test
    void runtimeTransformsPredicatesAndConfigProvidersAreListed() {
        assertTrue(names(PluginType.TRANSFORMATION).containsAll(List.of(
                "org.apache.kafka.connect.transforms.Cast$Value", "org.apache.kafka.connect.transforms.RegexRouter",
                "org.apache.kafka.connect.transforms.ValueToKey", "org.apache.kafka.connect.transforms.Filter")));
        assertTrue(names(PluginType.PREDICATE).containsAll(List.of(
                "org.apache.kafka.connect.transforms.predicates.HasHeaderKey",
                "org.apache.kafka.connect.transforms.predicates.TopicNameMatches")));
        assertTrue(names(PluginType.CONFIG_PROVIDER).containsAll(List.of(
                "org.apache.kafka.common.config.provider.FileConfigProvider",
                "org.apache.kafka.common.config.provider.DirectoryConfigProvider",
                "org.apache.kafka.common.config.provider.EnvVarConfigProvider")));
    }

    @Test
    void apacheConverterClassNamesResolveToSluicesOwn() {
        for (String simple : List.of("ByteArrayConverter", "IntegerConverter", "LongConverter", "FloatConverter",
                "DoubleConverter", "ShortConverter", "BooleanConverter")) {
            Class<? extends Converter> cls = plugins.pluginClass("org.apache.kafka.connect.converters." + simple, Converter.class);
            assertEquals("io.sluice.runtime.converters." + simple, cls.getName());
            assertSame(cls, plugins.pluginClass(simple, HeaderConverter.class));
        }
    }

    @Test
    void confluentsAvroConverterClassNameResolvesToSluicesOwn() {
        assertEquals("io.sluice.runtime.converters.avro.AvroConverter",
                plugins.pluginClass("io.confluent.connect.avro.AvroConverter", Converter.class).getName());
        assertEquals("io.sluice.runtime.converters.avro.AvroConverter",
                plugins.pluginClass("AvroConverter", Converter.class).getName());
        assertTrue(names(PluginType.CONVERTER).contains("io.sluice.runtime.converters.avro.AvroConverter"));
    }

    @Test
    void runtimePluginsHaveApacheAliases() {
        assertSame(JsonConverter.class, plugins.pluginClass("Json", Converter.class));
        assertSame(JsonConverter.class, plugins.pluginClass("JsonConverter", HeaderConverter.class));
        assertSame(SimpleHeaderConverter.class, plugins.pluginClass("SimpleHeaderConverter", HeaderConverter.class));
        assertEquals("org.apache.kafka.connect.transforms.RegexRouter",
                plugins.pluginClass("RegexRouter", Transformation.class).getName());
        assertEquals("org.apache.kafka.common.config.provider.FileConfigProvider",
                plugins.pluginClass("FileConfigProvider", ConfigProvider.class).getName());
        assertEquals("org.apache.kafka.connect.transforms.Cast$Value",
                plugins.pluginClass("org.apache.kafka.connect.transforms.Cast$Value", Transformation.class).getName());
    }
}
