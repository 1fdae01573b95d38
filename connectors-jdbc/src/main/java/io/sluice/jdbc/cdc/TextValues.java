package io.sluice.jdbc.cdc;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/**
 * Parses PostgreSQL's text output of values (the same in {@code COPY ... TO STDOUT} and in pgoutput tuples, given
 * the session settings {@link CdcSessions} fixes) straight from bytes, without an intermediate String where the
 * value is a number, a date or a time: the snapshot reads millions of them.
 */
final class TextValues {
    static final long MICROS_PER_SECOND = 1_000_000L;
    static final long MICROS_PER_DAY = 86_400L * MICROS_PER_SECOND;

    private TextValues() {
    }

    static String string(byte[] b, int off, int len) {
        return new String(b, off, len, StandardCharsets.UTF_8);
    }

    static boolean isText(byte[] b, int off, int len, String ascii) {
        if (len != ascii.length()) {
            return false;
        }
        for (int i = 0; i < len; i++) {
            if (b[off + i] != ascii.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    static long parseLong(byte[] b, int off, int len) {
        if (len == 0) {
            throw new NumberFormatException("empty number");
        }
        int i = off;
        int end = off + len;
        boolean negative = b[i] == '-';
        if (negative || b[i] == '+') {
            i++;
        }
        if (i == end) {
            throw new NumberFormatException(string(b, off, len));
        }
        long value = 0;
        for (; i < end; i++) {
            int d = b[i] - '0';
            if (d < 0 || d > 9) {
                throw new NumberFormatException(string(b, off, len));
            }
            // accumulate negatively: Long.MIN_VALUE has no positive counterpart
            value = value * 10 - d;
        }
        return negative ? value : -value;
    }

    static BigDecimal parseDecimal(byte[] b, int off, int len) {
        char[] chars = new char[len];
        for (int i = 0; i < len; i++) {
            chars[i] = (char) b[off + i];
        }
        return new BigDecimal(chars);
    }

    /** NaN, Infinity and -Infinity: the numeric values a BigDecimal cannot hold. */
    static boolean isSpecialNumber(byte[] b, int off, int len) {
        return len > 0 && (b[off] == 'N' || b[off] == 'I' || (len > 1 && b[off] == '-' && b[off + 1] == 'I'));
    }

    static boolean infinite(byte[] b, int off, int len) {
        return isText(b, off, len, "infinity") || isText(b, off, len, "-infinity");
    }

    /** Days since 1970-01-01 of {@code YYYY-MM-DD[ BC]} (years may have more than four digits). */
    static long epochDay(byte[] b, int off, int len) {
        boolean bc = endsWithBc(b, off, len);
        return epochDay(b, off, bc ? len - 3 : len, bc);
    }

    private static boolean endsWithBc(byte[] b, int off, int len) {
        int end = off + len;
        return len > 3 && b[end - 3] == ' ' && b[end - 2] == 'B' && b[end - 1] == 'C';
    }

    private static long epochDay(byte[] b, int off, int len, boolean bc) {
        int dash = off + 1; // a year is at least one digit
        while (b[dash] != '-') {
            dash++;
        }
        int year = (int) parseLong(b, off, dash - off);
        int month = (int) parseLong(b, dash + 1, 2);
        int day = (int) parseLong(b, dash + 4, off + len - dash - 4);
        // 1 BC is year 0 in ISO (proleptic) numbering
        return LocalDate.of(bc ? 1 - year : year, month, day).toEpochDay();
    }

    /** Microseconds since midnight of {@code HH:MM:SS[.ffffff]} (24:00:00 included). */
    static long microsOfDay(byte[] b, int off, int len) {
        long hours = parseLong(b, off, 2);
        long minutes = parseLong(b, off + 3, 2);
        long seconds = parseLong(b, off + 6, 2);
        long micros = (hours * 3600 + minutes * 60 + seconds) * MICROS_PER_SECOND;
        int i = off + 8;
        int end = off + len;
        if (i < end && b[i] == '.') {
            i++;
            long fraction = 0;
            int digits = 0;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                if (digits < 6) {
                    fraction = fraction * 10 + (b[i] - '0');
                    digits++;
                }
                i++;
            }
            for (; digits < 6; digits++) {
                fraction *= 10;
            }
            micros += fraction;
        }
        return micros;
    }

    /** Where the time part after a date ends: the start of a zone offset or " BC", else the end. */
    private static int timeEnd(byte[] b, int start, int end) {
        int i = start + 8;
        if (i < end && b[i] == '.') {
            i++;
            while (i < end && b[i] >= '0' && b[i] <= '9') {
                i++;
            }
        }
        return i;
    }

    /** Microseconds since the epoch of {@code YYYY-MM-DD HH:MM:SS[.ffffff][+HH[:MM[:SS]]][ BC]}, offset applied. */
    static long epochMicros(byte[] b, int off, int len) {
        java.time.Instant t = instant(b, off, len);
        try {
            return Math.addExact(Math.multiplyExact(t.getEpochSecond(), MICROS_PER_SECOND), t.getNano() / 1000);
        } catch (ArithmeticException e) {
            // PostgreSQL's last timestamps (year 294276) lie beyond int64 microseconds since 1970
            throw new IllegalArgumentException("the timestamp is beyond what 64-bit microseconds since 1970 can hold "
                    + "(about 292,000 years either side): time.precision.mode=connect reads it as milliseconds");
        }
    }

    /** A timestamp's instant (UTC when it has no offset), exact over PostgreSQL's whole range. */
    static java.time.Instant instant(byte[] b, int off, int len) {
        boolean bc = endsWithBc(b, off, len);
        int end = off + len - (bc ? 3 : 0);
        int space = off + 1;
        while (b[space] != ' ') {
            space++;
        }
        int timeStart = space + 1;
        int timeEnd = timeEnd(b, timeStart, end);
        long micros = microsOfDay(b, timeStart, timeEnd - timeStart);
        long seconds = epochDay(b, off, space - off, bc) * 86_400L + micros / MICROS_PER_SECOND;
        if (timeEnd < end) {
            seconds -= offsetSeconds(b, timeEnd, end - timeEnd);
        }
        return java.time.Instant.ofEpochSecond(seconds, micros % MICROS_PER_SECOND * 1000L);
    }

    /** Seconds east of UTC of {@code +HH[:MM[:SS]]} or {@code -HH...}. */
    static long offsetSeconds(byte[] b, int off, int len) {
        int sign = b[off] == '-' ? -1 : 1;
        long seconds = parseLong(b, off + 1, 2) * 3600;
        if (len >= 6) {
            seconds += parseLong(b, off + 4, 2) * 60;
        }
        if (len >= 9) {
            seconds += parseLong(b, off + 7, 2);
        }
        return sign * seconds;
    }

    /** {@code HH:MM:SS[.ffffff]+HH[:MM]}: microseconds since midnight UTC (may fall outside one day) and the offset. */
    static long timeWithZoneUtcMicros(byte[] b, int off, int len) {
        int end = off + len;
        int timeEnd = timeEnd(b, off, end);
        long micros = microsOfDay(b, off, timeEnd - off);
        return micros - offsetSeconds(b, timeEnd, end - timeEnd) * MICROS_PER_SECOND;
    }

    /** {@code \x0a0b...} (bytea_output=hex). */
    static byte[] hexBytes(byte[] b, int off, int len) {
        if (len < 2 || b[off] != '\\' || b[off + 1] != 'x') {
            throw new IllegalArgumentException("bytea not in hex output format");
        }
        byte[] out = new byte[(len - 2) / 2];
        for (int i = 0, j = off + 2; i < out.length; i++, j += 2) {
            out[i] = (byte) ((Character.digit(b[j], 16) << 4) | Character.digit(b[j + 1], 16));
        }
        return out;
    }

    /** The parts of an interval in IntervalStyle=postgres ({@code 1 year 2 mons -3 days +04:05:06.5}). */
    record IntervalParts(int years, int months, int days, int hours, int minutes, BigDecimal seconds) {
    }

    static IntervalParts interval(String text) {
        int years = 0;
        int months = 0;
        int days = 0;
        int hours = 0;
        int minutes = 0;
        BigDecimal seconds = BigDecimal.ZERO;
        String[] tokens = text.trim().split("\\s+");
        for (int i = 0; i < tokens.length; i++) {
            String token = tokens[i];
            if (token.indexOf(':') >= 0) {
                boolean negative = token.startsWith("-");
                String[] hms = token.replace("+", "").replace("-", "").split(":");
                int h = Integer.parseInt(hms[0]);
                int m = hms.length > 1 ? Integer.parseInt(hms[1]) : 0;
                BigDecimal s = hms.length > 2 ? new BigDecimal(hms[2]) : BigDecimal.ZERO;
                hours = negative ? -h : h;
                minutes = negative ? -m : m;
                seconds = negative ? s.negate() : s;
            } else if (i + 1 < tokens.length) {
                int value = Integer.parseInt(token);
                String unit = tokens[++i];
                if (unit.startsWith("year")) {
                    years = value;
                } else if (unit.startsWith("mon")) {
                    months = value;
                } else if (unit.startsWith("day")) {
                    days = value;
                } else {
                    throw new IllegalArgumentException("Unknown interval unit in " + text);
                }
            } else {
                throw new IllegalArgumentException("Cannot read interval " + text);
            }
        }
        return new IntervalParts(years, months, days, hours, minutes, seconds);
    }

    /**
     * The elements of a one-dimensional array literal ({@code {1,NULL,"a \"b\""}}) as text, null for NULL; nested
     * arrays come back as their literal text.
     */
    static List<String> arrayElements(String literal) {
        List<String> out = new ArrayList<>();
        int start = literal.indexOf('{');
        int end = literal.lastIndexOf('}');
        if (start < 0 || end < start) {
            throw new IllegalArgumentException("Not an array literal: " + literal);
        }
        int i = start + 1;
        if (i == end) {
            return out;
        }
        StringBuilder element = new StringBuilder();
        while (i <= end) {
            element.setLength(0);
            boolean quoted = false;
            int depth = 0;
            if (literal.charAt(i) == '"') {
                quoted = true;
                i++;
                while (literal.charAt(i) != '"') {
                    char c = literal.charAt(i);
                    if (c == '\\') {
                        c = literal.charAt(++i);
                    }
                    element.append(c);
                    i++;
                }
                i++;
            } else {
                while (i < end && (depth > 0 || literal.charAt(i) != ',')) {
                    char c = literal.charAt(i);
                    depth += c == '{' ? 1 : c == '}' ? -1 : 0;
                    element.append(c);
                    i++;
                }
            }
            String text = element.toString();
            out.add(!quoted && text.equals("NULL") ? null : text);
            i++; // the comma, or past the closing brace
        }
        return out;
    }
}
