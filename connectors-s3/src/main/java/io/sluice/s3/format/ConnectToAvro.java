package io.sluice.s3.format;

import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalTypes;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect schemas and values to Avro ones (for Avro and Parquet files). Optional schemas become unions with
 * null; Decimal, Date, Time and Timestamp become Avro's logical types. What Avro cannot say itself (INT8/INT16,
 * schema names, versions, parameters, maps with non-string keys) is kept in connect.* schema properties so
 * {@link AvroToConnect} restores the Connect schema exactly.
 */
public final class ConnectToAvro {

    static final String NAMESPACE = "io.sluice.s3";
    /** Records of unnamed Connect structs are named this plus a number (as Confluent's AvroData does). */
    static final String DEFAULT_NAME = "ConnectDefault";
    static final String CONNECT_NAME = "connect.name";
    static final String CONNECT_TYPE = "connect.type";
    static final String CONNECT_VERSION = "connect.version";
    static final String CONNECT_DOC = "connect.doc";
    static final String CONNECT_PARAMETERS = "connect.parameters";
    static final String CONNECT_MAP = "connect.map";
    static final String DECIMAL_PRECISION = "connect.decimal.precision";
    private static final int DEFAULT_DECIMAL_PRECISION = 64;

    private final Map<String, Schema> named = new HashMap<>();
    private int unnamed;

    ConnectToAvro() {
    }

    /** The Avro schema of a Connect value schema; a fresh naming scope per call. */
    public static org.apache.avro.Schema schema(Schema schema) {
        if (schema == null) {
            throw new DataException("Avro and Parquet need records with a value schema; use a converter that "
                    + "gives one (e.g. JsonConverter with schemas.enable=true, or an Avro converter)");
        }
        return new ConnectToAvro().convert(schema, true);
    }

    /** Converts within this instance's naming scope (record names stay unique across calls). */
    org.apache.avro.Schema convert(Schema schema, boolean unionWithNull) {
        org.apache.avro.Schema avro = nonNull(schema);
        if (schema.version() != null) {
            avro.addProp(CONNECT_VERSION, schema.version());
        }
        if (schema.doc() != null) {
            avro.addProp(CONNECT_DOC, schema.doc());
        }
        if (schema.parameters() != null && !schema.parameters().isEmpty()) {
            avro.addProp(CONNECT_PARAMETERS, schema.parameters());
        }
        if (schema.name() != null) {
            avro.addProp(CONNECT_NAME, schema.name());
        }
        return unionWithNull && schema.isOptional()
                ? org.apache.avro.Schema.createUnion(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL), avro)
                : avro;
    }

    private org.apache.avro.Schema nonNull(Schema schema) {
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            int scale = Integer.parseInt(schema.parameters().get(Decimal.SCALE_FIELD));
            String p = schema.parameters().get(DECIMAL_PRECISION);
            int precision = p == null ? DEFAULT_DECIMAL_PRECISION : Integer.parseInt(p);
            return LogicalTypes.decimal(precision, scale).addToSchema(primitive(org.apache.avro.Schema.Type.BYTES));
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return LogicalTypes.date().addToSchema(primitive(org.apache.avro.Schema.Type.INT));
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return LogicalTypes.timeMillis().addToSchema(primitive(org.apache.avro.Schema.Type.INT));
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return LogicalTypes.timestampMillis().addToSchema(primitive(org.apache.avro.Schema.Type.LONG));
        }
        switch (schema.type()) {
            case INT8:
            case INT16: {
                org.apache.avro.Schema s = primitive(org.apache.avro.Schema.Type.INT);
                s.addProp(CONNECT_TYPE, schema.type().getName());
                return s;
            }
            case INT32:
                return primitive(org.apache.avro.Schema.Type.INT);
            case INT64:
                return primitive(org.apache.avro.Schema.Type.LONG);
            case FLOAT32:
                return primitive(org.apache.avro.Schema.Type.FLOAT);
            case FLOAT64:
                return primitive(org.apache.avro.Schema.Type.DOUBLE);
            case BOOLEAN:
                return primitive(org.apache.avro.Schema.Type.BOOLEAN);
            case STRING:
                return primitive(org.apache.avro.Schema.Type.STRING);
            case BYTES:
                return primitive(org.apache.avro.Schema.Type.BYTES);
            case ARRAY:
                return org.apache.avro.Schema.createArray(convert(schema.valueSchema(), true));
            case MAP:
                if (schema.keySchema().type() == Schema.Type.STRING && !schema.keySchema().isOptional()) {
                    return org.apache.avro.Schema.createMap(convert(schema.valueSchema(), true));
                }
                // Avro map keys are strings: other keys become an array of key/value records
                org.apache.avro.Schema entry = SchemaBuilder.record(DEFAULT_NAME + "MapEntry" + (++unnamed))
                        .namespace(NAMESPACE).fields()
                        .name("key").type(convert(schema.keySchema(), true)).noDefault()
                        .name("value").type(convert(schema.valueSchema(), true)).noDefault()
                        .endRecord();
                org.apache.avro.Schema array = org.apache.avro.Schema.createArray(entry);
                array.addProp(CONNECT_MAP, true);
                return array;
            case STRUCT:
                return record(schema);
            default:
                throw new DataException("No Avro type for Connect type " + schema.type());
        }
    }

    private org.apache.avro.Schema record(Schema schema) {
        String name = schema.name() == null ? DEFAULT_NAME + (++unnamed) : avroName(schema.name());
        while (named.containsKey(name)) {
            name = name + "_" + (++unnamed); // same Connect name, different schema: Avro names must be unique
        }
        named.put(name, schema);
        List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
        for (Field field : schema.fields()) {
            org.apache.avro.Schema fieldSchema = convert(field.schema(), true);
            Object defaultValue = field.schema().isOptional() ? JsonProperties.NULL_VALUE : primitiveDefault(field);
            fields.add(defaultValue == null
                    ? new org.apache.avro.Schema.Field(field.name(), fieldSchema, field.schema().doc())
                    : new org.apache.avro.Schema.Field(field.name(), fieldSchema, field.schema().doc(), defaultValue));
        }
        int dot = name.lastIndexOf('.');
        String namespace = dot < 0 ? NAMESPACE : name.substring(0, dot);
        return org.apache.avro.Schema.createRecord(name.substring(dot + 1), null, namespace, false, fields);
    }

    /** Avro names: letters, digits and _, dot-separated, not starting with a digit. */
    private static String avroName(String connectName) {
        StringBuilder out = new StringBuilder();
        for (String part : connectName.split("\\.")) {
            if (part.isEmpty()) {
                continue;
            }
            if (out.length() > 0) {
                out.append('.');
            }
            String clean = part.replaceAll("[^A-Za-z0-9_]", "_");
            out.append(Character.isDigit(clean.charAt(0)) ? "_" + clean : clean);
        }
        return out.length() == 0 ? DEFAULT_NAME : out.toString();
    }

    private static Object primitiveDefault(Field field) {
        Object d = field.schema().defaultValue();
        if (d instanceof String || d instanceof Boolean || d instanceof Long || d instanceof Double) {
            return d;
        }
        if (d instanceof Integer || d instanceof Short || d instanceof Byte) {
            return ((Number) d).intValue();
        }
        if (d instanceof Float f) {
            return f.doubleValue();
        }
        return null; // complex and logical defaults are not carried over
    }

    private static org.apache.avro.Schema primitive(org.apache.avro.Schema.Type type) {
        return org.apache.avro.Schema.create(type);
    }

    /** A Connect value as the Avro generic value of avro, the schema {@link #schema} made of schema. */
    public static Object value(Object value, Schema schema, org.apache.avro.Schema avro) {
        if (value == null) {
            if (!schema.isOptional() && schema.defaultValue() == null) {
                throw new DataException("Null value for the required Connect schema " + describe(schema));
            }
            return schema.defaultValue() == null ? null : value(schema.defaultValue(), schema, avro);
        }
        avro = nonNullBranch(avro);
        String logical = schema.name();
        if (Decimal.LOGICAL_NAME.equals(logical)) {
            return ByteBuffer.wrap(Decimal.fromLogical(schema, (BigDecimal) value));
        }
        if (Date.LOGICAL_NAME.equals(logical)) {
            return Date.fromLogical(schema, (java.util.Date) value);
        }
        if (Time.LOGICAL_NAME.equals(logical)) {
            return Time.fromLogical(schema, (java.util.Date) value);
        }
        if (Timestamp.LOGICAL_NAME.equals(logical)) {
            return Timestamp.fromLogical(schema, (java.util.Date) value);
        }
        switch (schema.type()) {
            case INT8:
            case INT16:
                return ((Number) value).intValue();
            case BYTES:
                return value instanceof byte[] b ? ByteBuffer.wrap(b) : value;
            case ARRAY: {
                List<Object> out = new ArrayList<>();
                for (Object item : (List<?>) value) {
                    out.add(value(item, schema.valueSchema(), avro.getElementType()));
                }
                return out;
            }
            case MAP: {
                Map<?, ?> map = (Map<?, ?>) value;
                if (avro.getType() == org.apache.avro.Schema.Type.MAP) {
                    Map<String, Object> out = new HashMap<>();
                    for (Map.Entry<?, ?> e : map.entrySet()) {
                        out.put((String) e.getKey(), value(e.getValue(), schema.valueSchema(), avro.getValueType()));
                    }
                    return out;
                }
                org.apache.avro.Schema entry = avro.getElementType();
                List<Object> out = new ArrayList<>();
                for (Map.Entry<?, ?> e : map.entrySet()) {
                    GenericData.Record r = new GenericData.Record(entry);
                    r.put(0, value(e.getKey(), schema.keySchema(), entry.getField("key").schema()));
                    r.put(1, value(e.getValue(), schema.valueSchema(), entry.getField("value").schema()));
                    out.add(r);
                }
                return out;
            }
            case STRUCT: {
                Struct struct = (Struct) value;
                GenericData.Record record = new GenericData.Record(avro);
                for (Field field : schema.fields()) {
                    org.apache.avro.Schema.Field avroField = avro.getField(field.name());
                    record.put(avroField.pos(), value(struct.get(field), field.schema(), avroField.schema()));
                }
                return record;
            }
            default:
                return value;
        }
    }

    private static org.apache.avro.Schema nonNullBranch(org.apache.avro.Schema avro) {
        if (avro.getType() != org.apache.avro.Schema.Type.UNION) {
            return avro;
        }
        for (org.apache.avro.Schema branch : avro.getTypes()) {
            if (branch.getType() != org.apache.avro.Schema.Type.NULL) {
                return branch;
            }
        }
        return avro;
    }

    private static String describe(Schema schema) {
        return schema.name() != null ? schema.name() : schema.type().getName();
    }
}
