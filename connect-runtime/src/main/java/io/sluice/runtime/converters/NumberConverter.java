package io.sluice.runtime.converters;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.SerializationException;
import org.apache.kafka.common.serialization.Deserializer;
import org.apache.kafka.common.serialization.Serializer;
import org.apache.kafka.common.utils.AppInfoParser;
import org.apache.kafka.common.utils.Utils;
import org.apache.kafka.connect.components.Versioned;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.ConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;
import org.apache.kafka.connect.storage.HeaderConverter;

/**
 * Converter and header converter for one primitive type, using Kafka's serializer for it: nulls pass
 * through, reading always yields the type's optional schema. The only config is converter.type.
 */
abstract class NumberConverter<T> implements Converter, HeaderConverter, Versioned {

    /** converter.type, the only key, as Apache's number converters define it. */
    static final class Config extends ConverterConfig {
        static final ConfigDef DEF = ConverterConfig.newConfigDef();

        Config(Map<String, ?> props) {
            super(DEF, props);
        }
    }

    private final String typeName;
    private final Class<T> valueType;
    private final Schema schema;
    private final Serializer<T> serializer;
    private final Deserializer<T> deserializer;

    NumberConverter(String typeName, Class<T> valueType, Schema schema, Serializer<T> serializer,
                    Deserializer<T> deserializer) {
        this.typeName = typeName;
        this.valueType = valueType;
        this.schema = schema;
        this.serializer = serializer;
        this.deserializer = deserializer;
    }

    @Override
    public String version() {
        return AppInfoParser.getVersion();
    }

    @Override
    public ConfigDef config() {
        return Config.DEF;
    }

    @Override
    public void configure(Map<String, ?> configs) {
        boolean isKey = new Config(configs).type() == ConverterType.KEY;
        serializer.configure(configs, isKey);
        deserializer.configure(configs, isKey);
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        Map<String, Object> withType = new HashMap<>(configs);
        withType.put(ConverterConfig.TYPE_CONFIG, (isKey ? ConverterType.KEY : ConverterType.VALUE).getName());
        configure(withType);
    }

    /** Checks the schema (if any) before serializing; the number converters accept any schema, as Apache's do. */
    void checkSchema(Schema valueSchema) {
    }

    @Override
    public byte[] fromConnectData(String topic, Schema valueSchema, Object value) {
        checkSchema(valueSchema);
        if (value != null && !valueType.isInstance(value)) {
            throw new DataException("Failed to serialize to " + typeName + " (was " + value.getClass() + ")");
        }
        try {
            return serializer.serialize(topic, valueType.cast(value));
        } catch (SerializationException e) {
            throw new DataException("Failed to serialize to " + typeName + ": ", e);
        }
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        try {
            return new SchemaAndValue(schema, deserializer.deserialize(topic, value));
        } catch (SerializationException e) {
            throw new DataException("Failed to deserialize " + typeName + ": ", e);
        }
    }

    @Override
    public byte[] fromConnectHeader(String topic, String headerKey, Schema valueSchema, Object value) {
        return fromConnectData(topic, valueSchema, value);
    }

    @Override
    public SchemaAndValue toConnectHeader(String topic, String headerKey, byte[] value) {
        return toConnectData(topic, value);
    }

    @Override
    public void close() {
        Utils.closeQuietly(serializer, typeName + " converter serializer");
        Utils.closeQuietly(deserializer, typeName + " converter deserializer");
    }
}
