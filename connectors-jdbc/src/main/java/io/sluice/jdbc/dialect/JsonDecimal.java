package io.sluice.jdbc.dialect;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;

/**
 * A JSON number with a fraction or exponent, kept as its text: a float column takes its double (for most numbers
 * computed from the digits, without the String and BigDecimal a parse would make) or, in COPY, the digits themselves
 * ({@link #isDoubleText()}), any other column the exact text, which the database parses itself (a numeric column
 * keeps every digit).
 */
public final class JsonDecimal extends Number {
    private static final double[] POWERS_OF_TEN = {1e0, 1e1, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11,
        1e12, 1e13, 1e14, 1e15, 1e16, 1e17, 1e18, 1e19, 1e20, 1e21, 1e22};
    private static final long EXACT_DOUBLE_LIMIT = 1L << 53;

    private final byte[] in;
    private final int start;
    private final int length;

    /** The number at in[start, start + length), already checked to be JSON number syntax. */
    public JsonDecimal(byte[] in, int start, int length) {
        this.in = in;
        this.start = start;
        this.length = length;
    }

    /**
     * The nearest double: digits m below 2^53 and a power of ten p up to 22 are both exact doubles, so m / 10^p
     * (or m * 10^p) is correctly rounded, as parsing the text is; other numbers are parsed.
     */
    @Override
    public double doubleValue() {
        int i = start;
        int end = start + length;
        boolean negative = in[i] == '-';
        if (negative) {
            i++;
        }
        long m = 0;
        int scale = 0;
        boolean fraction = false;
        for (; i < end; i++) {
            byte b = in[i];
            if (b == '.') {
                fraction = true;
            } else if (b >= '0' && b <= '9') {
                if (m > (EXACT_DOUBLE_LIMIT - 10) / 10) {
                    return Double.parseDouble(toString());
                }
                m = m * 10 + (b - '0');
                if (fraction) {
                    scale++;
                }
            } else {
                break; // e or E
            }
        }
        if (i < end) {
            int exponent = 0;
            boolean negativeExponent = false;
            for (i++; i < end; i++) {
                byte b = in[i];
                if (b == '-') {
                    negativeExponent = true;
                } else if (b != '+') {
                    exponent = exponent * 10 + (b - '0');
                    if (exponent > 400) {
                        return Double.parseDouble(toString());
                    }
                }
            }
            scale -= negativeExponent ? -exponent : exponent;
        }
        double d;
        if (m == 0) {
            d = 0.0;
        } else if (scale >= 0 && scale < POWERS_OF_TEN.length) {
            d = m / POWERS_OF_TEN[scale];
        } else if (scale < 0 && -scale < POWERS_OF_TEN.length && m * POWERS_OF_TEN[-scale] < 9.007199254740992E15) {
            d = m * POWERS_OF_TEN[-scale];
        } else {
            return Double.parseDouble(toString());
        }
        return negative ? -d : d;
    }

    /**
     * Whether these digits, as PostgreSQL's text for a double precision, are the same double as
     * {@link #doubleValue()}: both parse correctly rounded, so they agree wherever PostgreSQL accepts the text, that is
     * everywhere but past the double's range, where Java gives an infinity or zero and PostgreSQL refuses. A nonzero
     * number of L characters with exponent E lies within 10^(E-L) and 10^(E+L): from 1e-323 to 1e308 it is inside the
     * range (subnormals included), and a zero with such an exponent is a plain zero to both.
     */
    public boolean isDoubleText() {
        int end = start + length;
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b == 'e' || b == 'E') {
                boolean negative = false;
                int exponent = 0;
                for (i++; i < end; i++) {
                    byte c = in[i];
                    if (c == '-') {
                        negative = true;
                    } else if (c >= '0' && c <= '9' && (exponent = exponent * 10 + (c - '0')) > 1000) {
                        return false;
                    }
                }
                int e = negative ? -exponent : exponent;
                return e + length <= 308 && e - length >= -323;
            }
        }
        return length <= 308;
    }

    /** Copies the number's ASCII text into {@code out} at {@code at}; the caller made room for {@link #length()}. */
    void copyTo(byte[] out, int at) {
        System.arraycopy(in, start, out, at, length);
    }

    /** The length of the number's text. */
    int length() {
        return length;
    }

    @Override
    public float floatValue() {
        return Float.parseFloat(toString());
    }

    @Override
    public long longValue() {
        return new BigDecimal(toString()).longValue();
    }

    @Override
    public int intValue() {
        return (int) longValue();
    }

    /** The number's JSON text, every digit as written. */
    @Override
    public String toString() {
        return new String(in, start, length, StandardCharsets.US_ASCII);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof JsonDecimal other && new BigDecimal(toString()).compareTo(new BigDecimal(other.toString())) == 0;
    }

    @Override
    public int hashCode() {
        return new BigDecimal(toString()).stripTrailingZeros().hashCode();
    }
}
