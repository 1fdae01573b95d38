package io.sluice.runtime.converters;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Struct;

/**
 * Reads the payload of a flat struct (fields of integer, double, boolean and string types, as a table row's records
 * are) straight from the record's bytes: no Jackson parser per record, which was a quarter of a sink's allocation
 * (parser, contexts, buffers) for 5-field rows. It takes only plain input and declines (null) whatever is not:
 * escapes, non-ASCII text, leading zeros, exponents in integers, numbers over 18 digits, unknown or repeated
 * fields, nulls a schema refuses; the Jackson path then decides, so values are Apache's in every case.
 */
final class FlatPayloadReader {
    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    /** Far below Jackson's string length limit, so no string it would refuse is read here. */
    private static final int MAX_STRING = 1 << 20;

    private final byte[] in;
    private int pos;

    private FlatPayloadReader(byte[] in, int pos) {
        this.in = in;
        this.pos = pos;
    }

    /**
     * The struct whose payload object starts at {@code start}, when it is followed (after whitespace) by the
     * envelope's closing brace; null to let the Jackson path decide.
     */
    static Struct read(byte[] json, int start, SchemaPlan plan, boolean replaceNullWithDefault) {
        FlatPayloadReader reader = new FlatPayloadReader(json, start);
        try {
            Struct struct = reader.struct(plan, replaceNullWithDefault);
            if (struct == null) {
                return null;
            }
            reader.space();
            return reader.pos < json.length && json[reader.pos] == '}' ? struct : null;
        } catch (SchemaPlan.Declined | ArrayIndexOutOfBoundsException declined) {
            return null;
        }
    }

    private Struct struct(SchemaPlan plan, boolean replaceNullWithDefault) {
        if (in[pos++] != '{') {
            return null;
        }
        int n = plan.fields.length;
        Object[] values = new Object[n];
        boolean[] seen = new boolean[n];
        int expected = 0;
        space();
        if (in[pos] == '}') {
            pos++;
        } else {
            while (true) {
                if (in[pos++] != '"') {
                    return null;
                }
                int i = field(plan, expected);
                if (i < 0 || seen[i]) {
                    return null;
                }
                space();
                if (in[pos++] != ':') {
                    return null;
                }
                space();
                SchemaPlan field = plan.fieldPlans[i];
                Object value = in[pos] == 'n' ? nullValue(field, replaceNullWithDefault) : value(field);
                if (value == NO_VALUE) {
                    return null;
                }
                values[i] = value;
                seen[i] = true;
                expected = i + 1;
                space();
                byte b = in[pos++];
                if (b == '}') {
                    break;
                }
                if (b != ',') {
                    return null;
                }
                space();
            }
        }
        for (int i = 0; i < n; i++) {
            if (!seen[i]) {
                values[i] = plan.fieldPlans[i].forNull(replaceNullWithDefault);
            }
        }
        return filled(plan, values);
    }

    /** Struct's own array of values, written without Struct.put's validation; null where it cannot be reached. */
    private static final MethodHandle STRUCT_VALUES = structValues();

    private static MethodHandle structValues() {
        try {
            return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findGetter(Struct.class, "values", Object[].class);
        } catch (ReflectiveOperationException | RuntimeException unreachable) {
            return null;
        }
    }

    /**
     * The struct of these values. Each is already of its field's exact Java type (or a null or default the schema
     * allows), which is all Struct.put's validation checks, at a tenth of the task thread's time on this path: so
     * they go into the struct's array as they are, unless that array is out of reach.
     */
    private static Struct filled(SchemaPlan plan, Object[] values) {
        Struct struct = new Struct(plan.schema);
        if (STRUCT_VALUES != null) {
            try {
                Object[] target = (Object[]) STRUCT_VALUES.invokeExact(struct);
                System.arraycopy(values, 0, target, 0, values.length);
                return struct;
            } catch (Throwable unexpected) {
                // not the array it was: validate as Struct.put does
            }
        }
        for (int i = 0; i < values.length; i++) {
            struct.put(plan.fields[i], values[i]);
        }
        return struct;
    }

    /** Marks a value this reader does not take (null is a value). */
    private static final Object NO_VALUE = new Object();

    /** The index of the field whose name follows (the opening quote read), trying the expected one first. */
    private int field(SchemaPlan plan, int expected) {
        int from = pos;
        while (in[pos] != '"') {
            byte b = in[pos];
            if (b == '\\' || b < 0x20) {
                return -1;
            }
            pos++;
        }
        int length = pos - from;
        pos++;
        byte[][] names = plan.asciiNames;
        if (expected < names.length && matches(names[expected], from, length)) {
            return expected;
        }
        for (int i = 0; i < names.length; i++) {
            if (matches(names[i], from, length)) {
                return i;
            }
        }
        return -1;
    }

    private boolean matches(byte[] name, int from, int length) {
        return name.length == length && java.util.Arrays.equals(name, 0, length, in, from, from + length);
    }

    private Object nullValue(SchemaPlan field, boolean replaceNullWithDefault) {
        if (in[pos] != 'n' || in[pos + 1] != 'u' || in[pos + 2] != 'l' || in[pos + 3] != 'l') {
            return NO_VALUE;
        }
        pos += 4;
        return field.forNull(replaceNullWithDefault);
    }

    private Object value(SchemaPlan field) {
        switch (field.type) {
            case INT8, INT16, INT32 -> {
                long v = integer();
                if (v == Long.MIN_VALUE || v != (int) v) {
                    return NO_VALUE;
                }
                return field.type == org.apache.kafka.connect.data.Schema.Type.INT32 ? (Object) (int) v
                        : field.type == org.apache.kafka.connect.data.Schema.Type.INT16 ? (Object) (short) v
                        : (Object) (byte) v;
            }
            case INT64 -> {
                long v = integer();
                return v == Long.MIN_VALUE ? NO_VALUE : (Object) v;
            }
            case FLOAT64 -> {
                return number();
            }
            case BOOLEAN -> {
                if (in[pos] == 't' && in[pos + 1] == 'r' && in[pos + 2] == 'u' && in[pos + 3] == 'e') {
                    pos += 4;
                    return Boolean.TRUE;
                }
                if (in[pos] == 'f' && in[pos + 1] == 'a' && in[pos + 2] == 'l' && in[pos + 3] == 's'
                        && in[pos + 4] == 'e') {
                    pos += 5;
                    return Boolean.FALSE;
                }
                return NO_VALUE;
            }
            case STRING -> {
                return string();
            }
            default -> {
                return NO_VALUE;
            }
        }
    }

    /** An integer literal of at most 18 digits without a leading zero, or Long.MIN_VALUE to decline. */
    private long integer() {
        boolean negative = in[pos] == '-';
        int from = negative ? pos + 1 : pos;
        int p = from;
        long v = 0;
        while (in[p] >= '0' && in[p] <= '9') {
            v = v * 10 + (in[p] - '0');
            p++;
        }
        int digits = p - from;
        if (digits == 0 || digits > 18 || (digits > 1 && in[from] == '0') || in[p] == '.' || in[p] == 'e'
                || in[p] == 'E') {
            return Long.MIN_VALUE;
        }
        pos = p;
        return negative ? -v : v;
    }

    /**
     * A double as Apache reads it (BigDecimal.doubleValue() of the exact literal): integers exactly; decimals of at
     * most 15 significant digits as m / 10^k, both exact doubles, so the quotient is the correctly rounded value;
     * others through Double.parseDouble, also correctly rounded. Zero takes Apache's +0.0 for "-0.0".
     */
    private Object number() {
        int start = pos;
        boolean negative = in[pos] == '-';
        int p = negative ? pos + 1 : pos;
        int intFrom = p;
        long m = 0;
        while (in[p] >= '0' && in[p] <= '9') {
            m = m * 10 + (in[p] - '0');
            p++;
        }
        int intDigits = p - intFrom;
        if (intDigits == 0 || (intDigits > 1 && in[intFrom] == '0')) {
            return NO_VALUE;
        }
        int fraction = 0;
        if (in[p] == '.') {
            p++;
            int fracFrom = p;
            while (in[p] >= '0' && in[p] <= '9') {
                m = m * 10 + (in[p] - '0');
                p++;
            }
            fraction = p - fracFrom;
            if (fraction == 0) {
                return NO_VALUE;
            }
        }
        boolean exponent = in[p] == 'e' || in[p] == 'E';
        if (!exponent && fraction == 0) {
            if (intDigits > 18) {
                return NO_VALUE;
            }
            pos = p;
            return (double) (negative ? -m : m);
        }
        if (exponent) {
            p++;
            if (in[p] == '+' || in[p] == '-') {
                p++;
            }
            int expFrom = p;
            while (in[p] >= '0' && in[p] <= '9') {
                p++;
            }
            if (p == expFrom || p - start > 100) {
                return NO_VALUE;
            }
        }
        pos = p;
        if (!exponent && intDigits + fraction <= 15) {
            double d = m / POWERS_OF_TEN[fraction];
            return d == 0 ? 0.0 : negative ? -d : d;
        }
        String text = new String(in, start, p - start, StandardCharsets.ISO_8859_1);
        double d = Double.parseDouble(text);
        return d == 0 ? new BigDecimal(text).doubleValue() : d;
    }

    /** A string of printable ASCII without escapes, or NO_VALUE. */
    private Object string() {
        if (in[pos] != '"') {
            return NO_VALUE;
        }
        int from = ++pos;
        while (true) {
            byte b = in[pos];
            if (b == '"') {
                break;
            }
            if (b == '\\' || b < 0x20 || pos - from > MAX_STRING) {
                return NO_VALUE; // escapes, control characters and non-ASCII bytes (negative) go to Jackson
            }
            pos++;
        }
        String s = new String(in, from, pos - from, StandardCharsets.ISO_8859_1);
        pos++;
        return s;
    }

    private void space() {
        while (true) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }
}
