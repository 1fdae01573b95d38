package io.sluice.runtime.storage;

import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

/**
 * Apache Kafka Connect's source offset record format: key ["connector", {partition}], value
 * {offset}, both written by a schemaless JsonConverter, so offset topics and files interchange.
 */
final class OffsetRecordFormat {

    /** A parsed offset key. */
    record Key(String connector, Map<String, Object> partition) {
    }

    private final JsonConverter keyConverter = converter(ConverterType.KEY);
    private final JsonConverter valueConverter = converter(ConverterType.VALUE);

    byte[] key(String connector, Map<String, Object> partition) {
        return keyConverter.fromConnectData("", null, Arrays.asList(connector, partition));
    }

    byte[] value(Map<String, Object> offset) {
        return offset == null ? null : valueConverter.fromConnectData("", null, offset);
    }

    /** The key's connector and partition; null when the key is not a Connect offset key. */
    @SuppressWarnings("unchecked")
    Key parseKey(byte[] key) {
        if (key == null) {
            return null;
        }
        Object parsed = parse(keyConverter, key);
        if (!(parsed instanceof List<?> list) || list.size() != 2 || !(list.get(0) instanceof String connector)
                || !(list.get(1) == null || list.get(1) instanceof Map)) {
            return null;
        }
        return new Key(connector, (Map<String, Object>) list.get(1));
    }

    /** Any JSON value of a key, for keys that are not offsets (such as import markers). */
    Object parseAny(byte[] key) {
        return parse(keyConverter, key);
    }

    /** The offset map; null for a tombstone. */
    @SuppressWarnings("unchecked")
    Map<String, Object> parseValue(byte[] value) {
        if (value == null) {
            return null;
        }
        Object parsed = parse(valueConverter, value);
        if (parsed != null && !(parsed instanceof Map)) {
            throw new IllegalArgumentException("Offset value is not a JSON object");
        }
        return (Map<String, Object>) parsed;
    }

    /** Serializes any schemaless value as the key converter would. */
    byte[] anyKey(Object value) {
        return keyConverter.fromConnectData("", null, value);
    }

    private static Object parse(JsonConverter converter, byte[] bytes) {
        SchemaAndValue data = converter.toConnectData("", bytes);
        return data.value();
    }

    private static JsonConverter converter(ConverterType type) {
        JsonConverter converter = new JsonConverter();
        converter.configure(Map.of(
                JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, false,
                JsonConverterConfig.TYPE_CONFIG, type.getName()));
        return converter;
    }
}
