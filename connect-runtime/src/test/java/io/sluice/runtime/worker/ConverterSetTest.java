package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.converters.StreamingJsonConverter;
import io.sluice.runtime.plugins.Plugins;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.SimpleHeaderConverter;
import org.apache.kafka.connect.storage.StringConverter;
import org.junit.jupiter.api.Test;

class ConverterSetTest {
    private final Plugins plugins = new Plugins(List.of(), "only_scan");

    /** A connector config with the given keys, parsed as the worker parses it. */
    private ConnectorConfig connector(Map<String, String> keys) {
        Map<String, String> props = new HashMap<>(keys);
        props.put("name", "orders");
        props.put("connector.class", "OrdersSource");
        return new ConnectorConfig(plugins, props);
    }

    private static String json(ConverterSet converters, Object value) {
        return new String(converters.value().fromConnectData("t", Schema.STRING_SCHEMA, value), StandardCharsets.UTF_8);
    }

    @Test
    void workerConvertersApplyWithTheWorkersSubSettings() {
        WorkerConfig worker = new WorkerConfig(Map.of("value.converter.schemas.enable", "false"));
        try (ConverterSet converters = ConverterSet.create(connector(Map.of()), worker, plugins)) {
            assertInstanceOf(JsonConverter.class, converters.key());
            assertInstanceOf(SimpleHeaderConverter.class, converters.header());
            assertEquals("\"x\"", json(converters, "x"));
        }
    }

    @Test
    void connectorConvertersOverrideTheWorkersWithTheirOwnSubSettings() {
        WorkerConfig worker = new WorkerConfig(Map.of("value.converter.schemas.enable", "false"));
        Map<String, String> connector = Map.of(
                "key.converter", StringConverter.class.getName(),
                "value.converter", JsonConverter.class.getName(),
                "value.converter.schemas.enable", "true");
        try (ConverterSet converters = ConverterSet.create(connector(connector), worker, plugins)) {
            assertInstanceOf(StringConverter.class, converters.key());
            assertEquals("{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"x\"}", json(converters, "x"));
        }
    }

    @Test
    void apachesJsonConverterRunsAsTheStreamingOneWithTheSameSettings() {
        WorkerConfig worker = new WorkerConfig(Map.of());
        Map<String, String> connector = Map.of(
                "key.converter", JsonConverter.class.getName(),
                "value.converter", JsonConverter.class.getName(),
                "value.converter.schemas.enable", "false",
                "header.converter", JsonConverter.class.getName());
        try (ConverterSet converters = ConverterSet.create(connector(connector), worker, plugins)) {
            assertInstanceOf(StreamingJsonConverter.class, converters.key());
            assertInstanceOf(StreamingJsonConverter.class, converters.value());
            assertInstanceOf(StreamingJsonConverter.class, converters.header());
            assertInstanceOf(JsonConverter.class, converters.value());
            assertEquals("\"x\"", json(converters, "x"));
            assertEquals("{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"x\"}",
                    new String(converters.key().fromConnectData("t", Schema.STRING_SCHEMA, "x"), StandardCharsets.UTF_8));
        }
    }

    @Test
    void failuresNameEachConverterAsTheConfigNamesItNotTheClassThatStandsInForIt() {
        WorkerConfig worker = new WorkerConfig(Map.of("key.converter", "org.apache.kafka.connect.converters.LongConverter"));
        Map<String, String> connector = Map.of(
                "value.converter", "io.confluent.connect.avro.AvroConverter",
                "value.converter.schema.registry.url", "http://127.0.0.1:1");
        try (ConverterSet converters = ConverterSet.create(connector(connector), worker, plugins)) {
            assertEquals("org.apache.kafka.connect.converters.LongConverter", converters.keyName());
            assertEquals("io.confluent.connect.avro.AvroConverter", converters.valueName());
            assertEquals(io.sluice.runtime.converters.avro.AvroConverter.class, converters.value().getClass());
            assertEquals("org.apache.kafka.connect.storage.SimpleHeaderConverter", converters.headerName());
        }
    }
}
