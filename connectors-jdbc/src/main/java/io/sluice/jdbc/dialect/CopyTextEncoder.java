package io.sluice.jdbc.dialect;

import java.sql.SQLException;
import java.time.ZoneId;
import java.util.HexFormat;
import java.util.List;
import org.apache.kafka.connect.data.Schema;
import org.postgresql.copy.CopyIn;

/**
 * Writes rows in PostgreSQL's COPY text format (tab-separated, backslash escapes, \N for NULL)
 * straight into a COPY stream as UTF-8, through one reusable buffer: integers, booleans and
 * strings are encoded without intermediate Strings, and {@link Utf8Text} is copied as it is. Not thread-safe (one per task).
 */
final class CopyTextEncoder {
    private static final HexFormat HEX = HexFormat.of();
    private static final int FLUSH_AT = 1 << 16;
    /** How each column's values are written: the common types have a direct path. */
    private enum Kind { INTEGER, BOOLEAN, STRING, FLOAT, ARRAY, OTHER }

    private final ZoneId zone;
    private byte[] buf = new byte[FLUSH_AT + 1024];
    private int len;

    CopyTextEncoder(ZoneId zone) {
        this.zone = zone;
    }

    /** Streams the rows into the open COPY and ends it; cancels it if encoding or sending fails. */
    void copy(CopyIn copyIn, List<SinkColumn> columns, List<Object[]> rows) throws SQLException {
        Kind[] kinds = new Kind[columns.size()];
        Schema[] schemas = new Schema[columns.size()];
        for (int i = 0; i < kinds.length; i++) {
            schemas[i] = columns.get(i).schema();
            kinds[i] = kind(schemas[i]);
        }
        len = 0;
        boolean done = false;
        try {
            for (Object[] row : rows) {
                encodeRow(kinds, schemas, row);
                if (len >= FLUSH_AT) {
                    copyIn.writeToCopy(buf, 0, len);
                    len = 0;
                }
            }
            if (len > 0) {
                copyIn.writeToCopy(buf, 0, len);
                len = 0;
            }
            copyIn.endCopy();
            done = true;
        } finally {
            if (!done && copyIn.isActive()) {
                copyIn.cancelCopy();
            }
            if (buf.length > 4 * FLUSH_AT) {
                buf = new byte[FLUSH_AT + 1024];
            }
        }
    }

    private static Kind kind(Schema schema) {
        if (schema.name() != null) {
            return Kind.OTHER;
        }
        return switch (schema.type()) {
            case INT8, INT16, INT32, INT64 -> Kind.INTEGER;
            case BOOLEAN -> Kind.BOOLEAN;
            case STRING -> Kind.STRING;
            case FLOAT32, FLOAT64 -> Kind.FLOAT;
            case ARRAY -> Kind.ARRAY;
            default -> Kind.OTHER;
        };
    }

    private void encodeRow(Kind[] kinds, Schema[] schemas, Object[] row) {
        for (int i = 0; i < row.length; i++) {
            if (i > 0) {
                put((byte) '\t');
            }
            Object v = row[i];
            if (v == null) {
                put((byte) '\\');
                put((byte) 'N');
                continue;
            }
            switch (kinds[i]) {
                case INTEGER -> putLong(((Number) v).longValue());
                case BOOLEAN -> put((byte) (((Boolean) v) ? 't' : 'f'));
                case STRING -> {
                    if (v instanceof Utf8Text text) {
                        putVerbatim(text);
                    } else {
                        putEscaped((String) v);
                    }
                }
                case FLOAT -> {
                    if (v instanceof JsonDecimal digits) {
                        putDigits(digits);
                    } else if (!(v instanceof Double d) || !putShortDecimal(d)) {
                        putAscii(v.toString());
                    }
                }
                case ARRAY -> putEscaped(arrayLiteral(schemas[i].valueSchema(), (List<?>) v, zone));
                default -> putEscaped(plainText(schemas[i], v, zone));
            }
        }
        put((byte) '\n');
    }

    /** The value as PostgreSQL's input syntax for its column type, before any COPY escaping. */
    static String plainText(Schema schema, Object v, ZoneId zone) {
        if (LogicalType.of(schema) != LogicalType.NONE) {
            return LogicalType.postgresText(schema, v, zone);
        }
        return switch (schema.type()) {
            case BOOLEAN -> ((Boolean) v) ? "t" : "f";
            case BYTES -> "\\x" + HEX.formatHex(AnsiDialect.bytes(v));
            default -> v.toString();
        };
    }

    private static String arrayLiteral(Schema element, List<?> values, ZoneId zone) {
        StringBuilder sb = new StringBuilder("{");
        for (int i = 0; i < values.size(); i++) {
            if (i > 0) {
                sb.append(',');
            }
            Object v = values.get(i);
            if (v == null) {
                sb.append("NULL");
            } else {
                sb.append('"').append(plainText(element, v, zone).replace("\\", "\\\\").replace("\"", "\\\""))
                        .append('"');
            }
        }
        return sb.append('}').toString();
    }

    private void ensure(int extra) {
        if (len + extra > buf.length) {
            byte[] bigger = new byte[Math.max(buf.length * 2, len + extra)];
            System.arraycopy(buf, 0, bigger, 0, len);
            buf = bigger;
        }
    }

    private void put(byte b) {
        ensure(1);
        buf[len++] = b;
    }

    private void putAscii(String s) {
        ensure(s.length());
        for (int i = 0; i < s.length(); i++) {
            buf[len++] = (byte) s.charAt(i);
        }
    }

    /** 10^k for the fraction digits {@link #putShortDecimal} writes: every one an exact double. */
    private static final double[] POWERS_OF_TEN = {1, 10, 100, 1e3, 1e4, 1e5, 1e6};

    /**
     * Writes a double of 0.001 &lt;= |d| &lt; 10^7 with at most six fraction digits as Double.toString would ("12.34",
     * "3.0"), without it: toString built a String per value and looked up its thread-local buffer, a third of the
     * writer thread's time in a profile of rows with one double. m / 10^k == d (m and 10^k exact, the quotient
     * correctly rounded) proves the decimal reads back as d in a correctly rounding parser such as PostgreSQL's.
     * Returns false, writing nothing, for any other value.
     */
    private boolean putShortDecimal(double d) {
        double abs = Math.abs(d);
        if (!(abs >= 1e-3 && abs < 1e7)) {
            return false;
        }
        for (int k = 1; k < POWERS_OF_TEN.length; k++) {
            long m = Math.round(abs * POWERS_OF_TEN[k]);
            if (m / POWERS_OF_TEN[k] == abs) {
                if (k > 1 && m % 10 == 0) {
                    return false; // a shorter k would have matched: not a value this path has seen through
                }
                ensure(24);
                if (d < 0) {
                    buf[len++] = '-';
                }
                putFixed(m, k);
                return true;
            }
        }
        return false;
    }

    /**
     * Writes m / 10^k with exactly k fraction digits ("0.05" for m=5, k=2), right to left: dividing by the constant
     * 10 is a multiplication, where the quotient and remainder by 10^k were two hardware divisions per value.
     */
    private void putFixed(long m, int k) {
        int digits = 1;
        for (long rest = m / 10; rest != 0; rest /= 10) {
            digits++;
        }
        int end = len + Math.max(digits, k + 1) + 1;
        int at = end;
        for (int i = 0; i < k; i++) {
            buf[--at] = (byte) ('0' + (int) (m % 10));
            m /= 10;
        }
        buf[--at] = '.';
        do {
            buf[--at] = (byte) ('0' + (int) (m % 10));
            m /= 10;
        } while (m != 0);
        len = end;
    }

    /** A JSON number's digits, already a valid double text ({@link JsonDecimal#isDoubleText()}): as they are. */
    private void putDigits(JsonDecimal digits) {
        int n = digits.length();
        ensure(n);
        digits.copyTo(buf, len);
        len += n;
    }

    private void putLong(long v) {
        if (v == Long.MIN_VALUE) {
            putAscii(Long.toString(v));
            return;
        }
        ensure(20);
        if (v < 0) {
            buf[len++] = '-';
            v = -v;
        }
        int start = len;
        do {
            buf[len++] = (byte) ('0' + (int) (v % 10));
            v /= 10;
        } while (v != 0);
        for (int i = start, j = len - 1; i < j; i++, j--) {
            byte t = buf[i];
            buf[i] = buf[j];
            buf[j] = t;
        }
    }

    /** COPY-escapes the text and encodes it as UTF-8 (a lone surrogate becomes '?', as String.getBytes does). */
    private void putEscaped(String s) {
        int n = s.length();
        ensure(n * 3);
        for (int i = 0; i < n; i++) {
            char c = s.charAt(i);
            if (c < 0x80) {
                switch (c) {
                    case '\\' -> putPair('\\');
                    case '\n' -> putPair('n');
                    case '\r' -> putPair('r');
                    case '\t' -> putPair('t');
                    default -> buf[len++] = (byte) c;
                }
            } else if (c < 0x800) {
                buf[len++] = (byte) (0xC0 | (c >> 6));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            } else if (Character.isSurrogate(c)) {
                if (Character.isHighSurrogate(c) && i + 1 < n && Character.isLowSurrogate(s.charAt(i + 1))) {
                    int cp = Character.toCodePoint(c, s.charAt(++i));
                    buf[len++] = (byte) (0xF0 | (cp >> 18));
                    buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3F));
                    buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3F));
                    buf[len++] = (byte) (0x80 | (cp & 0x3F));
                } else {
                    buf[len++] = '?';
                }
            } else {
                buf[len++] = (byte) (0xE0 | (c >> 12));
                buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3F));
                buf[len++] = (byte) (0x80 | (c & 0x3F));
            }
        }
    }

    /** Text that needs no COPY escape, already UTF-8: its bytes as they are. */
    private void putVerbatim(Utf8Text text) {
        int n = text.length();
        ensure(n);
        text.copyTo(buf, len);
        len += n;
    }

    /** A backslash escape; the caller reserved 3 bytes per char, and an escape needs only 2. */
    private void putPair(char escaped) {
        buf[len++] = '\\';
        buf[len++] = (byte) escaped;
    }

    /** The COPY text of the rows, as {@link #copy} would send it. */
    byte[] encode(List<SinkColumn> columns, List<Object[]> rows) {
        Kind[] kinds = new Kind[columns.size()];
        Schema[] schemas = new Schema[columns.size()];
        for (int i = 0; i < kinds.length; i++) {
            schemas[i] = columns.get(i).schema();
            kinds[i] = kind(schemas[i]);
        }
        len = 0;
        rows.forEach(row -> encodeRow(kinds, schemas, row));
        return java.util.Arrays.copyOf(buf, len);
    }
}
