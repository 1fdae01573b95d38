package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.converters.StreamingJsonConverter;
import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.Plugins;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * A task's key, value and header converters: the connector config's own ({@code key.converter}
 * with its {@code key.converter.*} settings) or else the worker's, instantiated through Plugins; each with the
 * class name it was configured by (an alias such as io.confluent.connect.avro.AvroConverter stays as written),
 * which is how failures name it.
 */
record ConverterSet(Converter key, Converter value, HeaderConverter header,
                    String keyName, String valueName, String headerName) implements AutoCloseable {

    private static final String TYPE = "converter.type";

    static ConverterSet create(ConnectorConfig connectorConfig, WorkerConfig worker, Plugins plugins) {
        Converter key = converter(WorkerConfig.KEY_CONVERTER, connectorConfig, worker, plugins, true);
        Converter value = converter(WorkerConfig.VALUE_CONVERTER, connectorConfig, worker, plugins, false);
        String headerClass = className(WorkerConfig.HEADER_CONVERTER, connectorConfig, worker);
        HeaderConverter header = streamingIfApacheJson(plugins.newPlugin(headerClass, HeaderConverter.class));
        Map<String, Object> headerProps = settings(WorkerConfig.HEADER_CONVERTER, connectorConfig, worker);
        headerProps.put(TYPE, "header");
        try (LoaderSwap swap = LoaderSwap.to(header.getClass().getClassLoader())) {
            header.configure(headerProps);
        }
        return new ConverterSet(key, value, header, className(WorkerConfig.KEY_CONVERTER, connectorConfig, worker),
                className(WorkerConfig.VALUE_CONVERTER, connectorConfig, worker), headerClass);
    }

    private static Converter converter(String key, ConnectorConfig connectorConfig, WorkerConfig worker,
                                       Plugins plugins, boolean isKey) {
        Converter converter = streamingIfApacheJson(plugins.newPlugin(className(key, connectorConfig, worker), Converter.class));
        Map<String, Object> props = settings(key, connectorConfig, worker);
        worker.converterDefaults().forEach(props::putIfAbsent);
        props.put(TYPE, isKey ? "key" : "value");
        try (LoaderSwap swap = LoaderSwap.to(converter.getClass().getClassLoader())) {
            converter.configure(props, isKey);
        }
        return converter;
    }

    /**
     * The runtime's own Apache JsonConverter is swapped for its faster identical subclass; a plugin that
     * bundles its own connect-json loads a different JsonConverter class and keeps it.
     */
    @SuppressWarnings("unchecked")
    private static <T> T streamingIfApacheJson(T converter) {
        if (converter.getClass() != JsonConverter.class) {
            return converter;
        }
        Utils.closeQuietly((JsonConverter) converter, "unused JSON converter");
        return (T) StreamingJsonConverter.create();
    }

    /** The connector's class name when it sets one, else the worker's (by name, so aliases survive). */
    private static String className(String key, ConnectorConfig connectorConfig, WorkerConfig worker) {
        String own = own(key, connectorConfig);
        return own != null ? own : worker.converter(key);
    }

    /** The converter class the connector names itself (its converter keys are the worker's key names), or null. */
    private static String own(String key, ConnectorConfig connectorConfig) {
        return switch (key) {
            case WorkerConfig.KEY_CONVERTER -> connectorConfig.keyConverter();
            case WorkerConfig.VALUE_CONVERTER -> connectorConfig.valueConverter();
            default -> connectorConfig.headerConverter();
        };
    }

    /** Sub-settings come from where the class came from: the connector's when it names a converter. */
    private static Map<String, Object> settings(String key, ConnectorConfig connectorConfig, WorkerConfig worker) {
        String prefix = key + ".";
        return new HashMap<>(own(key, connectorConfig) != null ? connectorConfig.originalsWithPrefix(prefix)
                : worker.originalsWithPrefix(prefix));
    }

    @Override
    public void close() {
        Utils.closeQuietly(key, "key converter");
        Utils.closeQuietly(value, "value converter");
        Utils.closeQuietly(header, "header converter");
    }
}
