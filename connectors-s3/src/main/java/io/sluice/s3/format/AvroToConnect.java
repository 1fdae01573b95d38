package io.sluice.s3.format;

import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.avro.generic.GenericFixed;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Avro schemas and generic values to Connect ones: the inverse of {@link ConnectToAvro} (exact for schemas it
 * made, thanks to the connect.* properties) and a reasonable mapping for any other Avro file.
 */
public final class AvroToConnect {

    private final Map<org.apache.avro.Schema, Schema> cache = new IdentityHashMap<>();

    /** The Connect schema of avro; repeated calls with the same Avro schema object return the same schema. */
    public Schema schema(org.apache.avro.Schema avro) {
        return cache.computeIfAbsent(avro, a -> convert(a, false));
    }

    private Schema convert(org.apache.avro.Schema avro, boolean optional) {
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            List<org.apache.avro.Schema> nonNull = avro.getTypes().stream()
                    .filter(t -> t.getType() != org.apache.avro.Schema.Type.NULL).toList();
            if (nonNull.size() != 1) {
                throw new DataException("Avro union " + avro + " has no Connect equivalent (only [null, T] has)");
            }
            return convert(nonNull.get(0), nonNull.size() < avro.getTypes().size());
        }
        SchemaBuilder builder = builder(avro);
        Object version = avro.getObjectProp(ConnectToAvro.CONNECT_VERSION);
        if (version instanceof Number n && builder.version() == null) {
            builder.version(n.intValue());
        }
        if (avro.getProp(ConnectToAvro.CONNECT_DOC) != null) {
            builder.doc(avro.getProp(ConnectToAvro.CONNECT_DOC));
        }
        if (avro.getObjectProp(ConnectToAvro.CONNECT_PARAMETERS) instanceof Map<?, ?> params) {
            Map<String, String> p = new LinkedHashMap<>();
            params.forEach((k, v) -> p.put(String.valueOf(k), String.valueOf(v)));
            builder.parameters(p);
        }
        String name = avro.getProp(ConnectToAvro.CONNECT_NAME);
        if (name != null && builder.name() == null) {
            builder.name(name);
        }
        if (optional) {
            builder.optional();
        }
        return builder.build();
    }

    private SchemaBuilder builder(org.apache.avro.Schema avro) {
        LogicalType logical = avro.getLogicalType();
        if (logical instanceof LogicalTypes.Decimal decimal) {
            return Decimal.builder(decimal.getScale());
        }
        if (logical instanceof LogicalTypes.Date) {
            return Date.builder();
        }
        if (logical instanceof LogicalTypes.TimeMillis) {
            return Time.builder();
        }
        if (logical instanceof LogicalTypes.TimestampMillis || logical instanceof LogicalTypes.TimestampMicros) {
            return Timestamp.builder();
        }
        switch (avro.getType()) {
            case INT: {
                String type = avro.getProp(ConnectToAvro.CONNECT_TYPE);
                if ("int8".equals(type)) {
                    return SchemaBuilder.int8();
                }
                return "int16".equals(type) ? SchemaBuilder.int16() : SchemaBuilder.int32();
            }
            case LONG:
                return SchemaBuilder.int64();
            case FLOAT:
                return SchemaBuilder.float32();
            case DOUBLE:
                return SchemaBuilder.float64();
            case BOOLEAN:
                return SchemaBuilder.bool();
            case STRING:
            case ENUM:
                return SchemaBuilder.string();
            case BYTES:
            case FIXED:
                return SchemaBuilder.bytes();
            case ARRAY: {
                org.apache.avro.Schema items = avro.getElementType();
                if (Boolean.TRUE.equals(avro.getObjectProp(ConnectToAvro.CONNECT_MAP))
                        && items.getType() == org.apache.avro.Schema.Type.RECORD) {
                    return SchemaBuilder.map(convert(items.getField("key").schema(), false),
                            convert(items.getField("value").schema(), false));
                }
                return SchemaBuilder.array(convert(items, false));
            }
            case MAP:
                return SchemaBuilder.map(Schema.STRING_SCHEMA, convert(avro.getValueType(), false));
            case RECORD: {
                SchemaBuilder struct = SchemaBuilder.struct();
                if (avro.getProp(ConnectToAvro.CONNECT_NAME) == null
                        && !avro.getFullName().startsWith(ConnectToAvro.NAMESPACE + "." + ConnectToAvro.DEFAULT_NAME)) {
                    struct.name(avro.getFullName()); // a foreign file's record keeps its Avro name
                }
                for (org.apache.avro.Schema.Field field : avro.getFields()) {
                    struct.field(field.name(), fieldSchema(field));
                }
                return struct;
            }
            default:
                throw new DataException("No Connect type for Avro type " + avro.getType());
        }
    }

    private Schema fieldSchema(org.apache.avro.Schema.Field field) {
        Schema schema = convert(field.schema(), false);
        Object d = field.hasDefaultValue() ? field.defaultVal() : null;
        if (schema.isOptional() || d == null || d == org.apache.avro.JsonProperties.NULL_VALUE
                || field.schema().getLogicalType() != null) {
            return schema;
        }
        Object def = switch (schema.type()) {
            case INT8 -> ((Number) d).byteValue();
            case INT16 -> ((Number) d).shortValue();
            case INT32 -> ((Number) d).intValue();
            case INT64 -> ((Number) d).longValue();
            case FLOAT32 -> ((Number) d).floatValue();
            case FLOAT64 -> ((Number) d).doubleValue();
            case BOOLEAN, STRING -> d instanceof CharSequence cs ? cs.toString() : d;
            default -> null;
        };
        if (def == null) {
            return schema;
        }
        SchemaBuilder copy = new SchemaBuilder(schema.type()).defaultValue(def);
        if (schema.name() != null) {
            copy.name(schema.name());
        }
        if (schema.version() != null) {
            copy.version(schema.version());
        }
        if (schema.doc() != null) {
            copy.doc(schema.doc());
        }
        if (schema.parameters() != null) {
            copy.parameters(schema.parameters());
        }
        return copy.build();
    }

    /** A generic Avro value as the Connect value of schema (from {@link #schema}). */
    public static Object value(Object avro, Schema schema) {
        if (avro == null) {
            return null;
        }
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return Decimal.toLogical(schema, bytes(avro));
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return Date.toLogical(schema, (Integer) avro);
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return Time.toLogical(schema, (Integer) avro);
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return Timestamp.toLogical(schema, (Long) avro);
        }
        switch (schema.type()) {
            case INT8:
                return ((Number) avro).byteValue();
            case INT16:
                return ((Number) avro).shortValue();
            case STRING:
                return avro.toString(); // Utf8 and enum symbols
            case BYTES:
                return bytes(avro);
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object item : (List<?>) avro) {
                    out.add(value(item, schema.valueSchema()));
                }
                return out;
            }
            case MAP: {
                Map<Object, Object> out = new LinkedHashMap<>();
                if (avro instanceof Map<?, ?> map) {
                    map.forEach((k, v) -> out.put(k.toString(), value(v, schema.valueSchema())));
                } else {
                    for (Object item : (List<?>) avro) {
                        GenericRecord entry = (GenericRecord) item;
                        out.put(value(entry.get("key"), schema.keySchema()), value(entry.get("value"), schema.valueSchema()));
                    }
                }
                return out;
            }
            case STRUCT: {
                GenericRecord record = (GenericRecord) avro;
                Struct struct = new Struct(schema);
                for (org.apache.kafka.connect.data.Field field : schema.fields()) {
                    struct.put(field, value(record.get(field.name()), field.schema()));
                }
                return struct;
            }
            default:
                return avro;
        }
    }

    private static byte[] bytes(Object avro) {
        if (avro instanceof ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
        if (avro instanceof GenericFixed fixed) {
            return fixed.bytes();
        }
        return (byte[]) avro;
    }
}
