package io.sluice.s3.format;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import java.io.IOException;
import java.io.OutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.errors.DataException;

/** Connect data to and from JSON, schemaless (as JsonConverter with schemas.enable=false). */
public final class ConnectJson {

    private static final JsonFactory FACTORY = JsonFactory.builder().build();
    private static final long MILLIS_PER_DAY = 86_400_000L;

    private ConnectJson() {
    }

    static JsonGenerator generator(OutputStream out) throws IOException {
        JsonGenerator generator = FACTORY.createGenerator(out);
        generator.setRootValueSeparator(null);
        generator.disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        return generator;
    }

    /** A parser over one line or document of JSON. */
    public static JsonParser parser(byte[] json) throws IOException {
        return FACTORY.createParser(json);
    }

    /** Writes field: value, or fieldBytes: base64 when the value is a byte array. */
    static void writeTagged(JsonGenerator json, String field, Object value, Schema schema) throws IOException {
        byte[] bytes = asBytes(value);
        if (bytes != null) {
            json.writeStringField(field + "Bytes", Base64.getEncoder().encodeToString(bytes));
        } else {
            json.writeFieldName(field);
            write(json, value, schema);
        }
    }

    /** Writes one Connect value. */
    static void write(JsonGenerator json, Object value, Schema schema) throws IOException {
        if (value == null) {
            json.writeNull();
        } else if (value instanceof Struct struct) {
            json.writeStartObject();
            for (Field field : struct.schema().fields()) {
                json.writeFieldName(field.name());
                write(json, struct.get(field), field.schema());
            }
            json.writeEndObject();
        } else if (value instanceof Map<?, ?> map) {
            json.writeStartObject();
            for (Map.Entry<?, ?> e : map.entrySet()) {
                json.writeFieldName(String.valueOf(e.getKey()));
                write(json, e.getValue(), schema == null ? null : schema.valueSchema());
            }
            json.writeEndObject();
        } else if (value instanceof List<?> list) {
            json.writeStartArray();
            for (Object item : list) {
                write(json, item, schema == null ? null : schema.valueSchema());
            }
            json.writeEndArray();
        } else if (value instanceof String s) {
            json.writeString(s);
        } else if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            json.writeNumber(((Number) value).longValue());
        } else if (value instanceof Float f) {
            json.writeNumber(f);
        } else if (value instanceof Double d) {
            json.writeNumber(d);
        } else if (value instanceof BigDecimal d) {
            json.writeNumber(d);
        } else if (value instanceof Boolean b) {
            json.writeBoolean(b);
        } else if (value instanceof java.util.Date date) {
            String name = schema == null ? null : schema.name();
            if (Date.LOGICAL_NAME.equals(name)) {
                json.writeNumber(Math.floorDiv(date.getTime(), MILLIS_PER_DAY));
            } else if (Time.LOGICAL_NAME.equals(name)) {
                json.writeNumber(Math.floorMod(date.getTime(), MILLIS_PER_DAY));
            } else {
                json.writeNumber(date.getTime());
            }
        } else {
            byte[] bytes = asBytes(value);
            if (bytes == null) {
                throw new DataException("Cannot write " + value.getClass().getName() + " as JSON");
            }
            json.writeBinary(bytes);
        }
    }

    private static byte[] asBytes(Object value) {
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
        return null;
    }

    /** Reads the value the parser's current token starts: maps, lists, strings, longs, doubles, booleans, null. */
    public static Object read(JsonParser parser) throws IOException {
        JsonToken token = parser.currentToken();
        if (token == null) {
            token = parser.nextToken();
        }
        switch (token) {
            case START_OBJECT: {
                Map<String, Object> map = new LinkedHashMap<>();
                while (parser.nextToken() == JsonToken.FIELD_NAME) {
                    String name = parser.currentName();
                    parser.nextToken();
                    map.put(name, read(parser));
                }
                return map;
            }
            case START_ARRAY: {
                List<Object> list = new ArrayList<>();
                while (parser.nextToken() != JsonToken.END_ARRAY) {
                    list.add(read(parser));
                }
                return list;
            }
            case VALUE_STRING:
                return parser.getText();
            case VALUE_NUMBER_INT:
                return parser.getNumberType() == JsonParser.NumberType.BIG_INTEGER
                        ? new BigDecimal(parser.getBigIntegerValue()) : parser.getLongValue();
            case VALUE_NUMBER_FLOAT:
                return parser.getDoubleValue();
            case VALUE_TRUE:
                return Boolean.TRUE;
            case VALUE_FALSE:
                return Boolean.FALSE;
            case VALUE_NULL:
                return null;
            default:
                throw new DataException("Unexpected JSON token " + token);
        }
    }
}
