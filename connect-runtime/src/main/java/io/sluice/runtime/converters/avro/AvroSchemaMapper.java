package io.sluice.runtime.converters.avro;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.JsonProperties;
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
    static final int DEFAULT_DECIMAL_PRECISION = 64;

    private AvroSchemaMapper() {
    }

    /** The Avro schema Confluent's converter registers for a Connect schema (names as they are). */
    static org.apache.avro.Schema toAvro(Schema schema) {
        return toAvro(schema, false);
    }

    /** As above; with scrubInvalidNames, names Avro refuses are scrubbed as Confluent's scrub.invalid.names does. */
    static org.apache.avro.Schema toAvro(Schema schema, boolean scrubInvalidNames) {
        return new ToAvro(scrubInvalidNames).convert(schema, false);
    }

    /** The Connect schema of an Avro schema (a registered writer schema); version when it has no connect.version. */
    static Schema toConnect(org.apache.avro.Schema avro, Integer version) {
        SchemaBuilder builder = new AvroToConnectSchema().builder(avro, false);
        if (builder.version() == null && version != null && builder.type() == Schema.Type.STRUCT) {
            builder.version(version);
        }
        return builder.build();
    }

    /** One Connect → Avro conversion: names of unnamed structs and map entries count up within it. */
    private static final class ToAvro {
        private final Map<String, org.apache.avro.Schema> named = new HashMap<>();
        private final boolean scrub;
        private int defaults;
        private int entries;

        ToAvro(boolean scrub) {
            this.scrub = scrub;
        }

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
            String[] parts = splitName(scrub ? scrubFullName(fullName) : fullName);
            org.apache.avro.Schema record = org.apache.avro.Schema.createRecord(parts[1], schema.doc(), parts[0], false);
            named.put(fullName, record);
            List<org.apache.avro.Schema.Field> fields = new ArrayList<>();
            for (Field field : schema.fields()) {
                Schema fs = field.schema();
                org.apache.avro.Schema type = convert(fs, true);
                Object defaultValue = fs.defaultValue() != null ? AvroValueMapper.defaultJson(fs, fs.defaultValue())
                        : fs.isOptional() ? JsonProperties.NULL_VALUE : null;
                String name = scrub ? scrub(field.name()) : field.name();
                try {
                    fields.add(defaultValue == null
                            ? new org.apache.avro.Schema.Field(name, type, fs.doc())
                            : new org.apache.avro.Schema.Field(name, type, fs.doc(), toAvroDefault(defaultValue)));
                } catch (org.apache.avro.SchemaParseException e) {
                    throw new DataException("Field name '" + field.name() + "' of " + fullName + " is no valid Avro "
                            + "name (letters, digits and _, not starting with a digit): set scrub.invalid.names=true "
                            + "to have such names replaced, as Confluent's converter does", e);
                }
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

    /**
     * A name Avro accepts, as Confluent's scrub.invalid.names makes it (so both converters register the same schema):
     * a valid name as is; else URL-encoded, prefixed with x when it starts with a digit, every character other than
     * a letter, digit or _ replaced by _ ("unit-price" becomes "unit_price", "1st" "x1st").
     */
    static String scrub(String name) {
        if (name == null || name.isEmpty() || isValidName(name)) {
            return name;
        }
        String encoded = java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8);
        if (Character.isDigit(encoded.charAt(0))) {
            encoded = "x" + encoded;
        }
        return encoded.replaceAll("[^A-Za-z0-9_]", "_");
    }

    /** Without a regular expression or allocation: records of scrubbed schemas look their fields up by it. */
    private static boolean isValidName(String name) {
        if (Character.isDigit(name.charAt(0))) {
            return false;
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (!(c >= 'A' && c <= 'Z' || c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_')) {
                return false;
            }
        }
        return true;
    }

    /** Each dot-separated part of a full name scrubbed. */
    private static String scrubFullName(String fullName) {
        return java.util.Arrays.stream(fullName.split("\\.", -1)).map(AvroSchemaMapper::scrub)
                .collect(java.util.stream.Collectors.joining("."));
    }

    private static String clean(String name) {
        String cleaned = name.replaceAll("[^A-Za-z0-9_]", "_");
        return cleaned.isEmpty() || Character.isDigit(cleaned.charAt(0)) ? "x" + cleaned : cleaned;
    }
}
