package io.sluice.runtime.converters;

import java.math.BigDecimal;
import java.util.Set;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;

/**
 * A converter's memory of the last struct of one scalar-only schema it wrote: its values by reference and, once the
 * same values come again, what they were written as. A source that shares one block among many records (the CDC
 * source's source block, one per snapshot batch) then costs a converter an identity check and a copy per record
 * instead of encoding the block's strings again. Only values of immutable classes are remembered, so the same
 * references always write the same bytes. A schema whose values never repeat (a key, a block made per record) stops
 * being checked after {@link #GIVE_UP_AFTER} misses in a row, and is tried again on two records in every that many.
 * Safe to share between threads: what is remembered is one immutable pair behind a volatile field.
 *
 * @param <T> the written form: Avro bytes, a JSON value's serialized text
 */
public final class RepeatedValues<T> {
    private static final int GIVE_UP_AFTER = 1_024;
    private static final Set<Class<?>> IMMUTABLE = Set.of(String.class, Long.class, Integer.class, Short.class,
            Byte.class, Float.class, Double.class, Boolean.class, BigDecimal.class);

    /** How a converter reads a field's value: what it then writes, defaults applied or not. */
    public interface Reader {
        Object read(Struct struct, Field field);
    }

    /** Values (by reference) seen last and, once they repeated, their written form (null until then). */
    public record Seen<T>(Object[] values, T written) {
    }

    private final Field[] fields;
    private final Reader reader;
    private volatile Seen<T> last;
    /** Racy on purpose: a lost update only moves when checking stops or starts again. */
    private int misses;
    private int skipped;

    private RepeatedValues(Field[] fields, Reader reader) {
        this.fields = fields;
        this.reader = reader;
    }

    /**
     * A memory for structs of schema written field by field in the order of fields (null entries are not read), or
     * null when a field may hold a mutable value (bytes, dates, arrays, maps, structs): those are never remembered.
     */
    public static <T> RepeatedValues<T> of(Schema schema, Field[] fields, Reader reader) {
        for (Field f : schema.fields()) {
            Schema s = f.schema();
            String name = s.name();
            boolean scalar = switch (s.type()) {
                case INT8, INT16, INT32, INT64, FLOAT32, FLOAT64, BOOLEAN, STRING -> true;
                case BYTES -> Decimal.LOGICAL_NAME.equals(name); // a BigDecimal, not the bytes
                default -> false;
            };
            if (!scalar || Date.LOGICAL_NAME.equals(name) || Time.LOGICAL_NAME.equals(name)
                    || Timestamp.LOGICAL_NAME.equals(name)) {
                return null;
            }
        }
        return new RepeatedValues<>(fields, reader);
    }

    /**
     * The last values seen, when struct holds the same ones by reference (their written form is null the first time
     * they repeat: the caller writes it and passes it to {@link #remember}); else null, and struct's values are
     * remembered for the next record.
     */
    public Seen<T> match(Struct struct) {
        if (misses >= GIVE_UP_AFTER && (skipped++ & (GIVE_UP_AFTER - 1)) > 1) {
            return null;
        }
        Seen<T> seen = last;
        if (seen != null && same(struct, seen.values())) {
            misses = 0;
            return seen;
        }
        Object[] values = immutableValues(struct);
        if (values != null) {
            last = new Seen<>(values, null);
        }
        misses++;
        return null;
    }

    /** What seen's values were written as, for the records that repeat them. */
    public void remember(Seen<T> seen, T written) {
        last = new Seen<>(seen.values(), written);
    }

    private boolean same(Struct struct, Object[] values) {
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] != null && reader.read(struct, fields[i]) != values[i]) {
                return false;
            }
        }
        return true;
    }

    /** The struct's values by reference, or null when one is not of an immutable class. */
    private Object[] immutableValues(Struct struct) {
        Object[] values = new Object[fields.length];
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] != null) {
                Object v = reader.read(struct, fields[i]);
                if (v != null && !IMMUTABLE.contains(v.getClass())) {
                    return null;
                }
                values[i] = v;
            }
        }
        return values;
    }
}
