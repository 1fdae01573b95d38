package io.sluice.runtime.converters.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import io.sluice.runtime.converters.RepeatedValues;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;

/**
 * A Connect schema and the Avro schema its records are written with, resolved once into writers that encode a
 * Connect value straight to Avro binary: byte for byte what {@link AvroValueMapper#toAvro} followed by Avro's
 * GenericDatumWriter writes, without a GenericRecord in between. The few pairs it does not resolve (general unions,
 * a Connect type the writer schema does not match) are written that way, for that part of the value only.
 */
abstract class AvroWritePlan {
    private static final long MILLIS_PER_DAY = TimeUnit.DAYS.toMillis(1);

    /** Writes value, a Connect value of this plan's schema (null allowed where the schema allows it). */
    abstract void write(Object value, BinaryEncoder out) throws IOException;

    /** The plan for writing values of schema as avro. */
    static AvroWritePlan of(Schema schema, org.apache.avro.Schema avro) {
        if (avro.getType() != org.apache.avro.Schema.Type.UNION) {
            return new Present(schema, avro, -1, -1, value(schema, avro));
        }
        org.apache.avro.Schema single = AvroValueMapper.optionalBranch(avro);
        if (single == null) {
            return new Generic(schema, avro); // io.confluent.connect.avro.Union: the branch follows the value
        }
        int valueIndex = avro.getTypes().get(0) == single ? 0 : 1;
        return new Present(schema, avro, 1 - valueIndex, valueIndex, value(schema, single));
    }

    /** The writer of a value known not to be null; avro is not a union. */
    private static AvroWritePlan value(Schema schema, org.apache.avro.Schema avro) {
        String name = schema.name();
        org.apache.avro.Schema.Type type = avro.getType();
        // as toAvro: the Connect logical type decides the value, whatever the Avro type, which decides the writing
        if (Decimal.LOGICAL_NAME.equals(name)) {
            return type == org.apache.avro.Schema.Type.BYTES ? new Scalar(Kind.DECIMAL, avro) : new Generic(schema, avro);
        }
        if (Date.LOGICAL_NAME.equals(name) || Time.LOGICAL_NAME.equals(name) || Timestamp.LOGICAL_NAME.equals(name)) {
            if (type != org.apache.avro.Schema.Type.INT && type != org.apache.avro.Schema.Type.LONG) {
                return new Generic(schema, avro);
            }
            boolean asInt = type == org.apache.avro.Schema.Type.INT;
            Kind kind = Date.LOGICAL_NAME.equals(name) ? (asInt ? Kind.DATE_INT : Kind.DATE_LONG)
                    : asInt ? Kind.MILLIS_INT : Time.LOGICAL_NAME.equals(name) ? Kind.TIME_LONG : Kind.TIMESTAMP_LONG;
            return new Scalar(kind, avro);
        }
        switch (type) {
            case INT, LONG, FLOAT, DOUBLE, BOOLEAN, STRING, BYTES, ENUM, FIXED:
                return new Scalar(Kind.valueOf(type.name()), avro);
            case ARRAY:
                if (schema.type() == Schema.Type.MAP) {
                    return mapEntries(schema, avro);
                }
                return schema.type() == Schema.Type.ARRAY
                        ? new ArrayValue(of(schema.valueSchema(), avro.getElementType())) : new Generic(schema, avro);
            case MAP:
                return schema.type() == Schema.Type.MAP && schema.keySchema().type() == Schema.Type.STRING
                        ? new MapValue(null, of(schema.valueSchema(), avro.getValueType()), true)
                        : new Generic(schema, avro);
            case RECORD:
                return schema.type() == Schema.Type.STRUCT ? record(schema, avro) : new Generic(schema, avro);
            default:
                return new Generic(schema, avro); // NULL: only what the generic writer says about it
        }
    }

    /** A map with non-string keys: an array of MapEntry records, each written in the record's field order. */
    private static AvroWritePlan mapEntries(Schema schema, org.apache.avro.Schema avro) {
        org.apache.avro.Schema items = avro.getElementType();
        if (items.getType() != org.apache.avro.Schema.Type.RECORD || items.getFields().size() != 2
                || items.getField("key") == null || items.getField("value") == null) {
            return new Generic(schema, avro);
        }
        AvroWritePlan key = of(schema.keySchema(), items.getField("key").schema());
        AvroWritePlan value = of(schema.valueSchema(), items.getField("value").schema());
        return new MapValue(key, value, items.getField("key").pos() == 0);
    }

    /** Fields in the Avro schema's order, each matched to its Connect field by name as toAvro matches it. */
    private static AvroWritePlan record(Schema schema, org.apache.avro.Schema avro) {
        List<org.apache.avro.Schema.Field> avroFields = avro.getFields();
        Field[] fields = new Field[avroFields.size()];
        AvroWritePlan[] plans = new AvroWritePlan[fields.length];
        byte[][] defaults = new byte[fields.length][];
        for (org.apache.avro.Schema.Field f : avroFields) {
            Field field = AvroValueMapper.connectField(schema, f.name());
            if (field != null) {
                fields[f.pos()] = field;
                plans[f.pos()] = of(field.schema(), f.schema());
            } else if (f.hasDefaultValue()) {
                try {
                    defaults[f.pos()] = encodedDefault(f);
                } catch (IOException | RuntimeException e) {
                    return new Generic(schema, avro); // fails as the generic path fails, record by record
                }
            }
        }
        return new RecordValue(schema, avroFields, fields, plans, defaults, new Generic(schema, avro));
    }

    /** A field the Connect schema lacks is written with its default: the same bytes for every record. */
    private static byte[] encodedDefault(org.apache.avro.Schema.Field f) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
        new GenericDatumWriter<>(f.schema()).write(GenericData.get().getDefaultValue(f), encoder);
        encoder.flush();
        return bytes.toByteArray();
    }

    /** toAvro's null handling (a null takes the schema's default), then the union's branch index if it is one. */
    private static final class Present extends AvroWritePlan {
        private final boolean required;
        private final Object defaultValue;
        private final String describe;
        private final org.apache.avro.Schema.Type avroType;
        private final int nullIndex;
        private final int valueIndex;
        private final AvroWritePlan value;

        Present(Schema schema, org.apache.avro.Schema avro, int nullIndex, int valueIndex, AvroWritePlan value) {
            this.required = !schema.isOptional() && schema.defaultValue() == null;
            this.defaultValue = schema.defaultValue();
            this.describe = schema.name() != null ? schema.name() : schema.type().toString();
            this.avroType = avro.getType();
            this.nullIndex = nullIndex;
            this.valueIndex = valueIndex;
            this.value = value;
        }

        @Override
        void write(Object v, BinaryEncoder out) throws IOException {
            if (v == null) {
                if (required) {
                    throw new DataException("Found null value for non-optional schema " + describe);
                }
                v = defaultValue;
                if (v == null) {
                    if (nullIndex < 0) {
                        throw new DataException("null value for (non-nullable) " + avroType.getName());
                    }
                    out.writeIndex(nullIndex);
                    return;
                }
            }
            if (valueIndex >= 0) {
                out.writeIndex(valueIndex);
            }
            value.write(v, out);
        }
    }

    /** What the plan does not resolve: toAvro's GenericRecord and Avro's generic writer, for this part only. */
    private static final class Generic extends AvroWritePlan {
        private final Schema schema;
        private final org.apache.avro.Schema avro;
        private final GenericDatumWriter<Object> writer;

        Generic(Schema schema, org.apache.avro.Schema avro) {
            this.schema = schema;
            this.avro = avro;
            this.writer = new GenericDatumWriter<>(avro);
        }

        @Override
        void write(Object value, BinaryEncoder out) throws IOException {
            writer.write(AvroValueMapper.toAvro(value, schema, avro), out);
        }
    }

    /** What a scalar is written as: the casts and conversions are the ones toAvro and the generic writer make. */
    private enum Kind { INT, LONG, FLOAT, DOUBLE, BOOLEAN, STRING, BYTES, DECIMAL, DATE_INT, DATE_LONG, MILLIS_INT,
        TIME_LONG, TIMESTAMP_LONG, ENUM, FIXED }

    /** One class with a switch rather than a class per kind: the call from a record stays one call site's worth. */
    private static final class Scalar extends AvroWritePlan {
        private final Kind kind;
        private final org.apache.avro.Schema avro;

        Scalar(Kind kind, org.apache.avro.Schema avro) {
            this.kind = kind;
            this.avro = avro;
        }

        @Override
        void write(Object v, BinaryEncoder out) throws IOException {
            switch (kind) {
                case INT -> out.writeInt(((Number) v).intValue());
                case LONG -> out.writeLong(((Number) v).longValue());
                case FLOAT -> out.writeFloat(((Number) v).floatValue());
                case DOUBLE -> out.writeDouble(((Number) v).doubleValue());
                case BOOLEAN -> out.writeBoolean((Boolean) v);
                case STRING -> out.writeString((CharSequence) v);
                case BYTES -> {
                    if (v instanceof byte[] bytes) {
                        out.writeBytes(bytes); // the same bytes as toAvro's ByteBuffer.wrap, without the wrapper
                    } else {
                        out.writeBytes((ByteBuffer) v);
                    }
                }
                case DECIMAL -> out.writeBytes(((BigDecimal) v).unscaledValue().toByteArray());
                case DATE_INT -> out.writeInt(days(v));
                case DATE_LONG -> out.writeLong(days(v));
                // toAvro gives a Time as int millis and a Timestamp as long millis, then the Avro type's width
                case MILLIS_INT -> out.writeInt((int) millis(v));
                case TIME_LONG -> out.writeLong((int) millis(v));
                case TIMESTAMP_LONG -> out.writeLong(millis(v));
                case ENUM -> out.writeEnum(avro.getEnumOrdinal(v.toString())); // Connect keeps the symbol as a string
                case FIXED -> out.writeFixed(v instanceof ByteBuffer b ? AvroValueMapper.bytesOf(b) : (byte[]) v, 0,
                        avro.getFixedSize());
                default -> throw new IllegalStateException(kind.name());
            }
        }
    }

    private static int days(Object v) {
        return (int) Math.floorDiv(millis(v), MILLIS_PER_DAY);
    }

    private static long millis(Object v) {
        return ((java.util.Date) v).getTime();
    }

    private static final class ArrayValue extends AvroWritePlan {
        private final AvroWritePlan element;

        ArrayValue(AvroWritePlan element) {
            this.element = element;
        }

        @Override
        void write(Object value, BinaryEncoder out) throws IOException {
            Collection<?> elements = (Collection<?>) value;
            out.writeArrayStart();
            out.setItemCount(elements.size());
            for (Object e : elements) {
                out.startItem();
                element.write(e, out);
            }
            out.writeArrayEnd();
        }
    }

    /** An Avro map (string keys: key is null) or, for other keys, an array of MapEntry records. */
    private static final class MapValue extends AvroWritePlan {
        private final AvroWritePlan key;
        private final AvroWritePlan value;
        private final boolean keyFirst;

        MapValue(AvroWritePlan key, AvroWritePlan value, boolean keyFirst) {
            this.key = key;
            this.value = value;
            this.keyFirst = keyFirst;
        }

        @Override
        void write(Object map, BinaryEncoder out) throws IOException {
            Map<?, ?> entries = (Map<?, ?>) map;
            if (key == null) {
                out.writeMapStart();
            } else {
                out.writeArrayStart();
            }
            out.setItemCount(entries.size());
            for (Map.Entry<?, ?> e : entries.entrySet()) {
                out.startItem();
                if (!keyFirst) {
                    value.write(e.getValue(), out);
                }
                if (key == null) {
                    out.writeString(e.getKey().toString());
                } else {
                    key.write(e.getKey(), out);
                }
                if (keyFirst) {
                    value.write(e.getValue(), out);
                }
            }
            if (key == null) {
                out.writeMapEnd();
            } else {
                out.writeArrayEnd();
            }
        }
    }

    /**
     * A record's fields in the Avro schema's order. A record of scalars only (a source block) remembers its last
     * values' bytes ({@link RepeatedValues}): a block shared by many records is encoded once.
     */
    private static final class RecordValue extends AvroWritePlan {
        private final Schema schema;
        private final String[] names;
        private final Field[] fields;
        private final AvroWritePlan[] plans;
        private final byte[][] defaults;
        private final Generic other;
        private final RepeatedValues<byte[]> repeated;
        /** The last other schema instance found equal to this one: a source may nest equal copies in every record. */
        private volatile Schema equalSchema;

        RecordValue(Schema schema, List<org.apache.avro.Schema.Field> avroFields, Field[] fields, AvroWritePlan[] plans,
                    byte[][] defaults, Generic other) {
            this.schema = schema;
            this.names = avroFields.stream().map(org.apache.avro.Schema.Field::name).toArray(String[]::new);
            this.fields = fields;
            this.plans = plans;
            this.defaults = defaults;
            this.other = other;
            this.repeated = RepeatedValues.of(schema, fields, Struct::get);
        }

        @Override
        void write(Object value, BinaryEncoder out) throws IOException {
            Struct struct = (Struct) value;
            Schema actual = struct.schema();
            if (actual != schema && actual != equalSchema) {
                if (!actual.equals(schema)) {
                    other.write(value, out); // toAvro matches fields in the struct's own schema: so does the generic path
                    return;
                }
                if (actual instanceof ConnectSchema) { // immutable, unlike a SchemaBuilder: equal for good
                    equalSchema = actual;
                }
            }
            RepeatedValues.Seen<byte[]> seen = repeated != null ? repeated.match(struct) : null;
            if (seen != null) {
                byte[] bytes = seen.written();
                if (bytes == null) {
                    bytes = encoded(struct);
                    repeated.remember(seen, bytes);
                }
                out.writeFixed(bytes);
                return;
            }
            writeFields(struct, out);
        }

        private void writeFields(Struct struct, BinaryEncoder out) throws IOException {
            for (int i = 0; i < plans.length; i++) {
                if (plans[i] != null) {
                    plans[i].write(struct.get(fields[i]), out);
                } else if (defaults[i] != null) {
                    out.writeFixed(defaults[i]);
                } else {
                    throw new DataException("Field " + names[i] + " of the Avro schema has no value and no default");
                }
            }
        }

        private byte[] encoded(Struct struct) throws IOException {
            ByteArrayOutputStream bytes = new ByteArrayOutputStream(64);
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(bytes, null);
            writeFields(struct, encoder);
            encoder.flush();
            return bytes.toByteArray();
        }
    }
}
