package io.sluice.runtime.converters.avro;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.IndexedRecord;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect values to Avro generic values and back, along a Connect schema and the Avro schema it maps to (or the
 * registered schema use.latest.version picks: record fields are matched by name).
 */
final class AvroValueMapper {
    private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);

    private AvroValueMapper() {
    }

    /** The non-null branch of a two-branch union with null, else null. */
    static org.apache.avro.Schema optionalBranch(org.apache.avro.Schema avro) {
        if (avro.getType() != org.apache.avro.Schema.Type.UNION || avro.getTypes().size() != 2) {
            return null;
        }
        org.apache.avro.Schema a = avro.getTypes().get(0);
        org.apache.avro.Schema b = avro.getTypes().get(1);
        if (a.getType() == org.apache.avro.Schema.Type.NULL) {
            return b;
        }
        return b.getType() == org.apache.avro.Schema.Type.NULL ? a : null;
    }

    /** A general union's branch as a field of the io.confluent.connect.avro.Union struct. */
    static String unionFieldName(org.apache.avro.Schema branch) {
        return switch (branch.getType()) {
            case RECORD, ENUM, FIXED -> branch.getName();
            default -> branch.getType().getName();
        };
    }

    /** A Connect value as the Avro generic value of avro. */
    static Object toAvro(Object value, Schema schema, org.apache.avro.Schema avro) {
        if (value == null) {
            if (schema != null && !schema.isOptional() && schema.defaultValue() == null) {
                throw new DataException("Found null value for non-optional schema " + describe(schema));
            }
            value = schema == null ? null : schema.defaultValue();
            if (value == null) {
                return null;
            }
        }
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            org.apache.avro.Schema single = optionalBranch(avro);
            if (single != null) {
                return toAvro(value, schema, single);
            }
            return unionToAvro(value, schema, avro);
        }
        if (isLogical(schema)) {
            return logicalToAvro(schema.name(), value);
        }
        switch (avro.getType()) {
            case INT:
                return ((Number) value).intValue();
            case LONG:
                return ((Number) value).longValue();
            case FLOAT:
                return ((Number) value).floatValue();
            case DOUBLE:
                return ((Number) value).doubleValue();
            case BOOLEAN:
            case STRING:
                return value;
            case ENUM:
                return new GenericData.EnumSymbol(avro, value.toString());
            case BYTES:
                return value instanceof byte[] bytes ? ByteBuffer.wrap(bytes) : value;
            case FIXED:
                return new GenericData.Fixed(avro, value instanceof ByteBuffer buffer ? bytesOf(buffer) : (byte[]) value);
            case ARRAY:
                return arrayToAvro(value, schema, avro);
            case MAP: {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                    out.put(e.getKey().toString(), toAvro(e.getValue(), schema.valueSchema(), avro.getValueType()));
                }
                return out;
            }
            case RECORD: {
                Struct struct = (Struct) value;
                GenericData.Record record = new GenericData.Record(avro);
                for (org.apache.avro.Schema.Field f : avro.getFields()) {
                    Field connectField = connectField(struct.schema(), f.name());
                    if (connectField == null) {
                        if (!f.hasDefaultValue()) {
                            throw new DataException("Field " + f.name() + " of the Avro schema has no value and no default");
                        }
                        record.put(f.pos(), GenericData.get().getDefaultValue(f));
                    } else {
                        record.put(f.pos(), toAvro(struct.get(connectField), connectField.schema(), f.schema()));
                    }
                }
                return record;
            }
            default:
                throw new DataException("Cannot write a " + avro.getType() + " Avro value");
        }
    }

    /** The Connect field written to Avro field name: by name, else by its scrubbed name (scrub.invalid.names). */
    static Field connectField(Schema struct, String avroName) {
        Field field = struct.field(avroName);
        if (field != null) {
            return field;
        }
        for (Field f : struct.fields()) {
            if (avroName.equals(AvroSchemaMapper.scrub(f.name()))) {
                return f;
            }
        }
        return null;
    }

    private static Object arrayToAvro(Object value, Schema schema, org.apache.avro.Schema avro) {
        org.apache.avro.Schema items = avro.getElementType();
        List<Object> out = new ArrayList<>();
        if (schema.type() == Schema.Type.MAP) {
            for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                GenericData.Record entry = new GenericData.Record(items);
                entry.put("key", toAvro(e.getKey(), schema.keySchema(), items.getField("key").schema()));
                entry.put("value", toAvro(e.getValue(), schema.valueSchema(), items.getField("value").schema()));
                out.add(entry);
            }
            return out;
        }
        for (Object element : (Collection<?>) value) {
            out.add(toAvro(element, schema.valueSchema(), items));
        }
        return out;
    }

    private static Object unionToAvro(Object value, Schema schema, org.apache.avro.Schema avro) {
        Struct union = (Struct) value;
        for (org.apache.avro.Schema branch : avro.getTypes()) {
            if (branch.getType() == org.apache.avro.Schema.Type.NULL) {
                continue;
            }
            Field field = schema.field(unionFieldName(branch));
            if (field != null && union.get(field) != null) {
                return toAvro(union.get(field), field.schema(), branch);
            }
        }
        return null;
    }

    /** An Avro generic value as the Connect value of schema (the Connect schema of avro). */
    static Object toConnect(Object value, org.apache.avro.Schema avro, Schema schema) {
        if (value == null) {
            return null;
        }
        if (avro.getType() == org.apache.avro.Schema.Type.UNION) {
            org.apache.avro.Schema single = optionalBranch(avro);
            if (single != null) {
                return toConnect(value, single, schema);
            }
            int index = GenericData.get().resolveUnion(avro, value);
            org.apache.avro.Schema branch = avro.getTypes().get(index);
            if (branch.getType() == org.apache.avro.Schema.Type.NULL) {
                return null;
            }
            Struct union = new Struct(schema);
            Field field = schema.field(unionFieldName(branch));
            union.put(field, toConnect(value, branch, field.schema()));
            return union;
        }
        if (isLogical(schema)) {
            return logicalToConnect(schema, value instanceof GenericData.Fixed fixed ? fixed.bytes() : value);
        }
        switch (schema.type()) {
            case INT8:
                return ((Number) value).byteValue();
            case INT16:
                return ((Number) value).shortValue();
            case INT32:
                return ((Number) value).intValue();
            case INT64:
                return ((Number) value).longValue();
            case FLOAT32:
                return ((Number) value).floatValue();
            case FLOAT64:
                return ((Number) value).doubleValue();
            case BOOLEAN:
                return value;
            case STRING:
                return value.toString();
            case BYTES:
                return value instanceof ByteBuffer buffer ? bytesOf(buffer)
                        : value instanceof GenericData.Fixed fixed ? fixed.bytes() : value;
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object element : (Collection<?>) value) {
                    out.add(toConnect(element, avro.getElementType(), schema.valueSchema()));
                }
                return out;
            }
            case MAP: {
                Map<Object, Object> out = new LinkedHashMap<>();
                if (avro.getType() == org.apache.avro.Schema.Type.ARRAY) {
                    org.apache.avro.Schema items = avro.getElementType();
                    for (Object element : (Collection<?>) value) {
                        IndexedRecord entry = (IndexedRecord) element;
                        out.put(toConnect(entry.get(items.getField("key").pos()), items.getField("key").schema(), schema.keySchema()),
                                toConnect(entry.get(items.getField("value").pos()), items.getField("value").schema(),
                                        schema.valueSchema()));
                    }
                } else {
                    for (Map.Entry<?, ?> e : ((Map<?, ?>) value).entrySet()) {
                        out.put(e.getKey().toString(), toConnect(e.getValue(), avro.getValueType(), schema.valueSchema()));
                    }
                }
                return out;
            }
            case STRUCT: {
                GenericRecord record = (GenericRecord) value;
                Struct struct = new Struct(schema);
                for (Field field : schema.fields()) {
                    org.apache.avro.Schema.Field f = avro.getField(field.name());
                    struct.put(field, toConnect(record.get(f.pos()), f.schema(), field.schema()));
                }
                return struct;
            }
            default:
                throw new DataException("Cannot read a Connect " + schema.type() + " from Avro");
        }
    }

    /** A Connect default as JSON-like Java values, the way Avro writes field defaults and connect.default. */
    static Object defaultJson(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        if (isLogical(schema)) {
            Object avro = logicalToAvro(schema.name(), value);
            // JSON has no bytes: Avro writes a bytes default as a string of ISO-8859-1 characters
            return avro instanceof ByteBuffer b ? new String(bytesOf(b), StandardCharsets.ISO_8859_1) : avro;
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32 -> ((Number) value).intValue();
            case INT64 -> ((Number) value).longValue();
            case FLOAT32, FLOAT64 -> ((Number) value).doubleValue();
            case BYTES -> new String(value instanceof ByteBuffer b ? bytesOf(b) : (byte[]) value, StandardCharsets.ISO_8859_1);
            case ARRAY -> ((Collection<?>) value).stream().map(v -> defaultJson(schema.valueSchema(), v)).toList();
            case MAP -> {
                Map<String, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) value).forEach((k, v) -> out.put(String.valueOf(k), defaultJson(schema.valueSchema(), v)));
                yield out;
            }
            case STRUCT -> {
                Map<String, Object> out = new LinkedHashMap<>();
                for (Field f : schema.fields()) {
                    out.put(f.name(), defaultJson(f.schema(), ((Struct) value).get(f)));
                }
                yield out;
            }
            default -> value;
        };
    }

    /** A default read from an Avro schema (field default or connect.default) as a Connect value of schema. */
    static Object fromDefaultJson(Object json, Schema schema) {
        if (json == null || json == org.apache.avro.JsonProperties.NULL_VALUE) {
            return null;
        }
        if (isLogical(schema)) {
            return logicalToConnect(schema, json instanceof String text ? text.getBytes(StandardCharsets.ISO_8859_1) : json);
        }
        return switch (schema.type()) {
            case INT8 -> ((Number) json).byteValue();
            case INT16 -> ((Number) json).shortValue();
            case INT32 -> ((Number) json).intValue();
            case INT64 -> ((Number) json).longValue();
            case FLOAT32 -> ((Number) json).floatValue();
            case FLOAT64 -> ((Number) json).doubleValue();
            case STRING -> json.toString();
            case BYTES -> json instanceof byte[] b ? b : json.toString().getBytes(StandardCharsets.ISO_8859_1);
            case ARRAY -> ((Collection<?>) json).stream().map(v -> fromDefaultJson(v, schema.valueSchema())).toList();
            case MAP -> {
                Map<Object, Object> out = new LinkedHashMap<>();
                ((Map<?, ?>) json).forEach((k, v) -> out.put(k, fromDefaultJson(v, schema.valueSchema())));
                yield out;
            }
            case STRUCT -> {
                Struct struct = new Struct(schema);
                Map<?, ?> fields = (Map<?, ?>) json;
                for (Field f : schema.fields()) {
                    Object v = fields.get(f.name());
                    struct.put(f, v == null ? f.schema().defaultValue() : fromDefaultJson(v, f.schema()));
                }
                yield struct;
            }
            default -> json;
        };
    }

    private static boolean isLogical(Schema schema) {
        String name = schema.name();
        return Decimal.LOGICAL_NAME.equals(name) || Date.LOGICAL_NAME.equals(name) || Time.LOGICAL_NAME.equals(name)
                || Timestamp.LOGICAL_NAME.equals(name);
    }

    /** Decimal → unscaled two's-complement bytes, Date → days, Time → int millis, Timestamp → long millis. */
    private static Object logicalToAvro(String logical, Object value) {
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return ByteBuffer.wrap(((BigDecimal) value).unscaledValue().toByteArray());
        }
        long millis = ((java.util.Date) value).getTime();
        if (Date.LOGICAL_NAME.equals(logical)) {
            return (int) Math.floorDiv(millis, MILLIS_PER_DAY);
        }
        return Time.LOGICAL_NAME.equals(logical) ? (Object) (int) millis : (Object) millis;
    }

    /** The inverse of {@link #logicalToAvro}; decimals come as ByteBuffer or byte[]. */
    private static Object logicalToConnect(Schema schema, Object avro) {
        if (Decimal.LOGICAL_NAME.equals(schema.name())) {
            byte[] bytes = avro instanceof ByteBuffer buffer ? bytesOf(buffer) : (byte[]) avro;
            return new BigDecimal(new BigInteger(bytes), Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD)));
        }
        long number = ((Number) avro).longValue();
        return new java.util.Date(Date.LOGICAL_NAME.equals(schema.name()) ? number * MILLIS_PER_DAY : number);
    }

    static byte[] bytesOf(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] bytes = new byte[copy.remaining()];
        copy.get(bytes);
        return bytes;
    }

    private static String describe(Schema schema) {
        return schema.name() != null ? schema.name() : schema.type().toString();
    }
}
