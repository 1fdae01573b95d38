package io.sluice.runtime.converters.avro;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * Connect schemas to Avro schemas and back, the way Confluent's AvroData maps them, so records written by either
 * converter read the same in the other: optional as ["null", T] with a null default, INT8/INT16 as int with
 * connect.type, Decimal/Date/Time/Timestamp as Avro logical types, Connect names, versions, docs, parameters and
 * defaults in connect.* properties, unnamed structs as io.confluent.connect.avro.ConnectDefault, maps with
 * non-string keys as arrays of MapEntry records, Avro enums as strings with io.confluent.connect.avro.Enum
 * parameters, other unions as io.confluent.connect.avro.Union structs.
 */
final class AvroSchemaMapper {
    static final String NAMESPACE = "io.confluent.connect.avro";
    static final String DEFAULT_NAME = "ConnectDefault";
    static final String MAP_ENTRY = "MapEntry";
    static final String UNION = NAMESPACE + ".Union";
    static final String ENUM = NAMESPACE + ".Enum";
    static final String CONNECT_NAME = "connect.name";
    static final String CONNECT_DOC = "connect.doc";
    static final String CONNECT_VERSION = "connect.version";
    static final String CONNECT_DEFAULT = "connect.default";
    static final String CONNECT_PARAMETERS = "connect.parameters";
    static final String CONNECT_TYPE = "connect.type";
    static final String FIXED_SIZE = "connect.fixed.size";
    static final String DECIMAL_PRECISION = "connect.decimal.precision";
    private static final int DEFAULT_DECIMAL_PRECISION = 64;

    private AvroSchemaMapper() {
    }

    /** The Avro schema Confluent's converter registers for a Connect schema. */
    static org.apache.avro.Schema toAvro(Schema schema) {
        return new ToAvro().convert(schema, false);
    }

    /** The Connect schema of an Avro schema (a registered writer schema); version when it has no connect.version. */
    static Schema toConnect(org.apache.avro.Schema avro, Integer version) {
        SchemaBuilder builder = new ToConnect().builder(avro, false);
        if (builder.version() == null && version != null && builder.type() == Schema.Type.STRUCT) {
            builder.version(version);
        }
        return builder.build();
    }

    /** One Connect → Avro conversion: names of unnamed structs and map entries count up within it. */
    private static final class ToAvro {
        private final Map<String, org.apache.avro.Schema> named = new HashMap<>();
        private int defaults;
        private int entries;

        org.apache.avro.Schema convert(Schema schema, boolean forField) {
            org.apache.avro.Schema base = base(schema);
            if (!schema.isOptional()) {
                return base;
            }
            org.apache.avro.Schema nul = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.NULL);
            // a union's default must match its first branch: a non-null default puts the type first
            return forField && schema.defaultValue() != null
                    ? org.apache.avro.Schema.createUnion(base, nul) : org.apache.avro.Schema.createUnion(nul, base);
        }

        private org.apache.avro.Schema base(Schema schema) {
            String name = schema.name();
            org.apache.avro.Schema avro;
            if (Decimal.LOGICAL_NAME.equals(name)) {
                Map<String, String> params = schema.parameters();
                int scale = Integer.parseInt(params.get(Decimal.SCALE_FIELD));
                String precision = params.get(DECIMAL_PRECISION);
                avro = LogicalTypes.decimal(precision == null ? DEFAULT_DECIMAL_PRECISION : Integer.parseInt(precision), scale)
                        .addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES));
            } else if (Date.LOGICAL_NAME.equals(name)) {
                avro = LogicalTypes.date().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            } else if (Time.LOGICAL_NAME.equals(name)) {
                avro = LogicalTypes.timeMillis().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT));
            } else if (Timestamp.LOGICAL_NAME.equals(name)) {
                avro = LogicalTypes.timestampMillis().addToSchema(org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG));
            } else {
                avro = plain(schema);
            }
            if (schema.version() != null) {
                avro.addProp(CONNECT_VERSION, schema.version());
            }
            if (schema.doc() != null && avro.getType() != org.apache.avro.Schema.Type.RECORD) {
                avro.addProp(CONNECT_DOC, schema.doc());
            }
            if (schema.parameters() != null && !schema.parameters().isEmpty()
                    && avro.getType() != org.apache.avro.Schema.Type.ENUM) {
                avro.addProp(CONNECT_PARAMETERS, new LinkedHashMap<>(schema.parameters()));
            }
            if (schema.defaultValue() != null) {
                avro.addProp(CONNECT_DEFAULT, AvroValueMapper.defaultJson(schema, schema.defaultValue()));
            }
            if (name != null) {
                avro.addProp(CONNECT_NAME, name);
            }
            return avro;
        }

        private org.apache.avro.Schema plain(Schema schema) {
            switch (schema.type()) {
                case INT8, INT16 -> {
                    org.apache.avro.Schema s = org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
                    s.addProp(CONNECT_TYPE, schema.type() == Schema.Type.INT8 ? "int8" : "int16");
                    return s;
                }
                case INT32 -> {
                    return org.apache.avro.Schema.create(org.apache.avro.Schema.Type.INT);
                }
                case INT64 -> {
                    return org.apache.avro.Schema.create(org.apache.avro.Schema.Type.LONG);
                }
                case FLOAT32 -> {
                    return org.apache.avro.Schema.create(org.apache.avro.Schema.Type.FLOAT);
                }
                case FLOAT64 -> {
                    return org.apache.avro.Schema.create(org.apache.avro.Schema.Type.DOUBLE);
                }
                case BOOLEAN -> {
                    return org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BOOLEAN);
                }
                case STRING -> {
                    Map<String, String> params = schema.parameters();
                    if (params != null && params.containsKey(ENUM)) {
                        return enumSchema(schema);
                    }
                    return org.apache.avro.Schema.create(org.apache.avro.Schema.Type.STRING);
                }
                case BYTES -> {
                    Map<String, String> params = schema.parameters();
                    if (params != null && params.containsKey(FIXED_SIZE)) {
                        String[] parts = splitName(schema.name() == null ? "fixed" : schema.name());
                        return org.apache.avro.Schema.createFixed(parts[1], null, parts[0],
                                Integer.parseInt(params.get(FIXED_SIZE)));
                    }
                    return org.apache.avro.Schema.create(org.apache.avro.Schema.Type.BYTES);
                }
                case ARRAY -> {
                    return org.apache.avro.Schema.createArray(convert(schema.valueSchema(), false));
                }
                case MAP -> {
                    if (schema.keySchema().type() == Schema.Type.STRING && !schema.keySchema().isOptional()) {
                        return org.apache.avro.Schema.createMap(convert(schema.valueSchema(), false));
                    }
                    entries++;
                    String entryName = entries == 1 ? MAP_ENTRY : MAP_ENTRY + entries;
                    List<org.apache.avro.Schema.Field> fields = List.of(
                            new org.apache.avro.Schema.Field("key", convert(schema.keySchema(), false)),
                            new org.apache.avro.Schema.Field("value", convert(schema.valueSchema(), false)));
                    return org.apache.avro.Schema.createArray(
                            org.apache.avro.Schema.createRecord(entryName, null, NAMESPACE, false, fields));
                }
                case STRUCT -> {
                    return record(schema);
                }
                default -> throw new DataException("Connect type " + schema.type() + " has no Avro equivalent");
            }
        }

        private org.apache.avro.Schema enumSchema(Schema schema) {
            String[] parts = splitName(schema.parameters().get(ENUM));
            List<String> symbols = new ArrayList<>();
            schema.parameters().forEach((k, v) -> {
                if (k.startsWith(ENUM + ".")) {
                    symbols.add(v);
                }
            });
            return org.apache.avro.Schema.createEnum(parts[1], schema.doc(), parts[0], symbols);
        }

        private org.apache.avro.Schema record(Schema schema) {
            String fullName;
            if (schema.name() == null) {
                defaults++;
                fullName = NAMESPACE + "." + DEFAULT_NAME + (defaults == 1 ? "" : String.valueOf(defaults));
            } else {
                fullName = schema.name();
            }
            org.apache.avro.Schema known = named.get(fullName);
            if (known != null) {
                return known;
            }
            String[] parts = splitName(fullName);
            org.apache.avro.Schema record = org.apache.avro.Schema.createRecord(parts[1], schema.doc(), parts[0], false);
            named.put(fullName, record);
            List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
            for (Field field : schema.fields()) {
                Schema fs = field.schema();
                org.apache.avro.Schema type = convert(fs, true);
                Object defaultValue = fs.defaultValue() != null ? AvroValueMapper.defaultJson(fs, fs.defaultValue())
                        : fs.isOptional() ? JsonProperties.NULL_VALUE : null;
                fields.add(defaultValue == null
                        ? new org.apache.avro.Schema.Field(field.name(), type, fs.doc())
                        : new org.apache.avro.Schema.Field(field.name(), type, fs.doc(), toAvroDefault(defaultValue)));
            }
            record.setFields(fields);
            return record;
        }
    }

    private static Object toAvroDefault(Object json) {
        return json == null ? JsonProperties.NULL_VALUE : json;
    }

    /** namespace and simple name; Avro names cannot hold other characters than letters, digits and _. */
    static String[] splitName(String fullName) {
        int dot = fullName.lastIndexOf('.');
        String simple = dot < 0 ? fullName : fullName.substring(dot + 1);
        String namespace = dot < 0 ? null : fullName.substring(0, dot);
        return new String[] {namespace, clean(simple)};
    }

    private static String clean(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_]", "_");
        return cleaned.isEmpty() || Character.isDigit(cleaned.charAt(0)) ? "x" + cleaned : cleaned;
    }

    /** One Avro → Connect conversion. */
    private static final class ToConnect {
        private final Map<String, Schema> structs = new HashMap<>();

        SchemaBuilder builder(org.apache.avro.Schema avro, boolean optional) {
            SchemaBuilder b = base(avro);
            if (optional) {
                b.optional();
            }
            Object version = avro.getObjectProp(CONNECT_VERSION);
            if (version instanceof Number n) {
                b.version(n.intValue());
            }
            String doc = avro.getProp(CONNECT_DOC);
            if (doc != null) {
                b.doc(doc);
            } else if (avro.getType() == org.apache.avro.Schema.Type.RECORD && avro.getDoc() != null) {
                b.doc(avro.getDoc());
            }
            if (avro.getObjectProp(CONNECT_PARAMETERS) instanceof Map<?, ?> params) {
                params.forEach((k, v) -> b.parameter(String.valueOf(k), String.valueOf(v)));
            }
            String name = avro.getProp(CONNECT_NAME);
            if (name != null && b.name() == null) {
                b.name(name);
            }
            return b;
        }

        Schema convert(org.apache.avro.Schema avro, boolean optional) {
            SchemaBuilder b = builder(avro, optional);
            Object connectDefault = avro.getObjectProp(CONNECT_DEFAULT);
            if (connectDefault != null) {
                b.defaultValue(AvroValueMapper.fromDefaultJson(connectDefault, b.build()));
            }
            return b.build();
        }

        private SchemaBuilder base(org.apache.avro.Schema avro) {
            LogicalType logical = avro.getLogicalType();
            switch (avro.getType()) {
                case INT -> {
                    if (logical instanceof LogicalTypes.Date) {
                        return Date.builder();
                    }
                    if (logical instanceof LogicalTypes.TimeMillis) {
                        return Time.builder();
                    }
                    String connectType = avro.getProp(CONNECT_TYPE);
                    return "int8".equals(connectType) ? SchemaBuilder.int8()
                            : "int16".equals(connectType) ? SchemaBuilder.int16() : SchemaBuilder.int32();
                }
                case LONG -> {
                    return logical instanceof LogicalTypes.TimestampMillis ? Timestamp.builder() : SchemaBuilder.int64();
                }
                case FLOAT -> {
                    return SchemaBuilder.float32();
                }
                case DOUBLE -> {
                    return SchemaBuilder.float64();
                }
                case BOOLEAN -> {
                    return SchemaBuilder.bool();
                }
                case STRING -> {
                    return SchemaBuilder.string();
                }
                case BYTES, FIXED -> {
                    if (logical instanceof LogicalTypes.Decimal d) {
                        SchemaBuilder b = Decimal.builder(d.getScale());
                        if (d.getPrecision() != DEFAULT_DECIMAL_PRECISION) {
                            b.parameter(DECIMAL_PRECISION, String.valueOf(d.getPrecision()));
                        }
                        return b;
                    }
                    SchemaBuilder b = SchemaBuilder.bytes();
                    if (avro.getType() == org.apache.avro.Schema.Type.FIXED) {
                        b.name(avro.getFullName()).parameter(FIXED_SIZE, String.valueOf(avro.getFixedSize()));
                    }
                    return b;
                }
                case ENUM -> {
                    SchemaBuilder b = SchemaBuilder.string().name(avro.getFullName()).parameter(ENUM, avro.getFullName());
                    for (String symbol : avro.getEnumSymbols()) {
                        b.parameter(ENUM + "." + symbol, symbol);
                    }
                    if (avro.getDoc() != null) {
                        b.doc(avro.getDoc());
                    }
                    return b;
                }
                case ARRAY -> {
                    org.apache.avro.Schema items = avro.getElementType();
                    if (isMapEntry(items)) {
                        return SchemaBuilder.map(convertMaybeOptional(items.getField("key").schema()),
                                convertMaybeOptional(items.getField("value").schema()));
                    }
                    return SchemaBuilder.array(convertMaybeOptional(items));
                }
                case MAP -> {
                    return SchemaBuilder.map(Schema.STRING_SCHEMA, convertMaybeOptional(avro.getValueType()));
                }
                case RECORD -> {
                    return struct(avro);
                }
                case UNION -> {
                    return union(avro);
                }
                default -> throw new DataException("Avro type " + avro.getType() + " has no Connect equivalent");
            }
        }

        private Schema convertMaybeOptional(org.apache.avro.Schema avro) {
            org.apache.avro.Schema single = AvroValueMapper.optionalBranch(avro);
            return single != null ? convert(single, true) : convert(avro, false);
        }

        private SchemaBuilder struct(org.apache.avro.Schema avro) {
            SchemaBuilder b = SchemaBuilder.struct();
            String fullName = avro.getFullName();
            if (!fullName.startsWith(NAMESPACE + "." + DEFAULT_NAME)) {
                b.name(fullName);
            }
            if (structs.containsKey(fullName)) {
                throw new DataException("Recursive Avro schema " + fullName + " has no Connect equivalent");
            }
            structs.put(fullName, null);
            for (org.apache.avro.Schema.Field f : avro.getFields()) {
                Schema fieldSchema = convertMaybeOptional(f.schema());
                if (f.hasDefaultValue() && fieldSchema.defaultValue() == null) {
                    Object d = f.defaultVal();
                    if (d != JsonProperties.NULL_VALUE && d != null) {
                        SchemaBuilder withDefault = copy(fieldSchema);
                        withDefault.defaultValue(AvroValueMapper.fromDefaultJson(d, fieldSchema));
                        fieldSchema = withDefault.build();
                    }
                }
                b.field(f.name(), fieldSchema);
            }
            structs.remove(fullName);
            return b;
        }

        private SchemaBuilder union(org.apache.avro.Schema avro) {
            org.apache.avro.Schema single = AvroValueMapper.optionalBranch(avro);
            if (single != null) {
                return copy(convert(single, true));
            }
            SchemaBuilder b = SchemaBuilder.struct().name(UNION);
            for (org.apache.avro.Schema branch : avro.getTypes()) {
                if (branch.getType() != org.apache.avro.Schema.Type.NULL) {
                    b.field(AvroValueMapper.unionFieldName(branch), convert(branch, true));
                }
            }
            return b;
        }
    }

    static boolean isMapEntry(org.apache.avro.Schema items) {
        return items.getType() == org.apache.avro.Schema.Type.RECORD
                && items.getFullName().startsWith(NAMESPACE + "." + MAP_ENTRY)
                && items.getFields().size() == 2 && items.getField("key") != null && items.getField("value") != null;
    }

    /** A builder holding everything of a built schema, so a default can be added. */
    static SchemaBuilder copy(Schema s) {
        SchemaBuilder b = switch (s.type()) {
            case STRUCT -> {
                SchemaBuilder sb = SchemaBuilder.struct();
                s.fields().forEach(f -> sb.field(f.name(), f.schema()));
                yield sb;
            }
            case ARRAY -> SchemaBuilder.array(s.valueSchema());
            case MAP -> SchemaBuilder.map(s.keySchema(), s.valueSchema());
            default -> SchemaBuilder.type(s.type());
        };
        if (s.name() != null) {
            b.name(s.name());
        }
        if (s.version() != null) {
            b.version(s.version());
        }
        if (s.doc() != null) {
            b.doc(s.doc());
        }
        if (s.parameters() != null) {
            b.parameters(s.parameters());
        }
        if (s.isOptional()) {
            b.optional();
        }
        if (s.defaultValue() != null) {
            b.defaultValue(s.defaultValue());
        }
        return b;
    }
}
