package io.sluice.runtime.converters.avro;

import static io.sluice.runtime.converters.avro.AvroSchemaMapper.CONNECT_DEFAULT;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.CONNECT_DOC;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.CONNECT_NAME;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.CONNECT_PARAMETERS;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.CONNECT_TYPE;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.CONNECT_VERSION;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.DECIMAL_PRECISION;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.DEFAULT_NAME;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.ENUM;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.FIXED_SIZE;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.MAP_ENTRY;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.NAMESPACE;
import static io.sluice.runtime.converters.avro.AvroSchemaMapper.UNION;

import java.util.HashMap;
import java.util.Map;
import org.apache.avro.JsonProperties;
import org.apache.avro.LogicalType;
import org.apache.avro.LogicalTypes;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * One Avro → Connect schema conversion, the inverse of {@link AvroSchemaMapper#toAvro} and of Confluent's
 * AvroData: records become structs named by connect.name or their full name (ConnectDefault names dropped),
 * ["null", T] optional T, other unions io.confluent.connect.avro.Union structs, enums strings with Enum
 * parameters, MapEntry arrays maps.
 */
final class AvroToConnectSchema {
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
                    if (d.getPrecision() != AvroSchemaMapper.DEFAULT_DECIMAL_PRECISION) {
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
