package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.Plugins;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.storage.Converter;

/**
 * Reads a topic's bytes the way a connector's tasks would: with the connector's key, value and
 * header converters (or the worker's defaults), for the REST topic peek. Not thread-safe; close it.
 */
public final class RecordDecoder implements AutoCloseable {
    private final ConverterSet converters;

    private RecordDecoder(ConverterSet converters) {
        this.converters = converters;
    }

    /**
     * The converters of a connector config whose placeholders were already resolved.
     *
     * @throws org.apache.kafka.common.config.ConfigException naming a key of the connector config that is wrong
     */
    public static RecordDecoder forConnector(Map<String, String> resolvedConnectorConfig, WorkerConfig worker,
                                             Plugins plugins) {
        return new RecordDecoder(ConverterSet.create(new ConnectorConfig(plugins, resolvedConnectorConfig), worker,
                plugins));
    }

    public SchemaAndValue key(String topic, Headers headers, byte[] bytes) {
        return convert(converters.key(), topic, headers, bytes);
    }

    public SchemaAndValue value(String topic, Headers headers, byte[] bytes) {
        return convert(converters.value(), topic, headers, bytes);
    }

    public SchemaAndValue header(String topic, String headerKey, byte[] bytes) {
        try (LoaderSwap swap = LoaderSwap.to(converters.header().getClass().getClassLoader())) {
            return converters.header().toConnectHeader(topic, headerKey, bytes);
        }
    }

    private static SchemaAndValue convert(Converter converter, String topic, Headers headers, byte[] bytes) {
        try (LoaderSwap swap = LoaderSwap.to(converter.getClass().getClassLoader())) {
            return converter.toConnectData(topic, headers, bytes);
        }
    }

    @Override
    public void close() {
        converters.close();
    }
}
