package io.sluice.s3.source;

import com.fasterxml.jackson.core.JsonParser;
import io.sluice.s3.format.ConnectJson;
import java.io.IOException;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/** Turns one stored record's bytes into a source record, per format. */
final class RecordParser {

    /** Where a record goes and where it came from. */
    record Target(String topic, Integer partition, Map<String, ?> sourcePartition, Map<String, ?> sourceOffset) {
    }

    private final String format;

    RecordParser(String format) {
        this.format = format;
    }

    /** The record, or null for a line that holds none (blank). */
    SourceRecord parse(byte[] bytes, Target t) throws IOException {
        switch (format) {
            case "bytes":
                return new SourceRecord(t.sourcePartition(), t.sourceOffset(), t.topic(), t.partition(),
                        null, null, Schema.OPTIONAL_BYTES_SCHEMA, bytes);
            case "json": {
                if (blank(bytes)) {
                    return null;
                }
                try (JsonParser parser = ConnectJson.parser(bytes)) {
                    Object value = ConnectJson.read(parser);
                    return new SourceRecord(t.sourcePartition(), t.sourceOffset(), t.topic(), t.partition(),
                            null, null, null, value);
                }
            }
            case "envelope":
                return blank(bytes) ? null : envelope(bytes, t);
            default:
                throw new DataException("Unknown format " + format);
        }
    }

    private static SourceRecord envelope(byte[] bytes, Target t) throws IOException {
        Object parsed;
        try (JsonParser parser = ConnectJson.parser(bytes)) {
            parsed = ConnectJson.read(parser);
        }
        if (!(parsed instanceof Map<?, ?> map)) {
            throw new DataException("Not an envelope record: " + new String(bytes, 0, Math.min(bytes.length, 200),
                    java.nio.charset.StandardCharsets.UTF_8));
        }
        SchemaAndValue key = tagged(map, "key");
        SchemaAndValue value = tagged(map, "value");
        ConnectHeaders headers = new ConnectHeaders();
        if (map.get("headers") instanceof List<?> list) {
            for (Object item : list) {
                Map<?, ?> header = (Map<?, ?>) item;
                SchemaAndValue hv = tagged(header, "value");
                headers.add(String.valueOf(header.get("name")), hv);
            }
        }
        Long timestamp = map.get("timestamp") instanceof Long l ? l : null;
        return new SourceRecord(t.sourcePartition(), t.sourceOffset(), t.topic(), t.partition(),
                key.schema(), key.value(), value.schema(), value.value(), timestamp, headers);
    }

    /** field's value with the schema its JSON type implies; fieldBytes (base64) for byte arrays. */
    private static SchemaAndValue tagged(Map<?, ?> map, String field) {
        Object b64 = map.get(field + "Bytes");
        if (b64 instanceof String s) {
            return new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, Base64.getDecoder().decode(s));
        }
        Object v = map.get(field);
        if (v instanceof String) {
            return new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, v);
        }
        if (v instanceof Long) {
            return new SchemaAndValue(Schema.OPTIONAL_INT64_SCHEMA, v);
        }
        if (v instanceof Double) {
            return new SchemaAndValue(Schema.OPTIONAL_FLOAT64_SCHEMA, v);
        }
        if (v instanceof Boolean) {
            return new SchemaAndValue(Schema.OPTIONAL_BOOLEAN_SCHEMA, v);
        }
        return new SchemaAndValue(null, v); // null, maps and lists: schemaless
    }

    private static boolean blank(byte[] bytes) {
        for (byte b : bytes) {
            if (b != ' ' && b != '\t' && b != '\r') {
                return false;
            }
        }
        return true;
    }
}
