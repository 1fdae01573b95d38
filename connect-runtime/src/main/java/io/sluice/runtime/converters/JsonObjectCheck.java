package io.sluice.runtime.converters;

/**
 * Tells, in one pass over the bytes and without building anything, whether they are one JSON object that Apache's
 * JsonConverter reads without error: strict RFC 8259 syntax in strictly valid UTF-8, then only whitespace. It errs
 * on the side of "not sure" (false) for whatever Jackson might treat differently: leading zeros, a byte-order mark,
 * a zero byte (Jackson's UTF-16/32 detection), nesting, numbers, names or strings near Jackson's limits. A record
 * it is not sure of is converted by Apache's code at once, which decides (and reports) as it always did.
 */
final class JsonObjectCheck {
    /** Well under Jackson's limits (nesting 1000, number 1000 chars, name 50,000, string 20,000,000). */
    private static final int MAX_DEPTH = 500;
    private static final int MAX_NUMBER = 500;
    private static final int MAX_STRING = 1 << 20;
    private static final int MAX_NAME = 10_000;
    private static final int MAX_EXPONENT_DIGITS = 4;

    private final byte[] in;
    private int pos;

    private JsonObjectCheck(byte[] in) {
        this.in = in;
    }

    /** Whether the bytes are one well-formed JSON object (whitespace around it allowed) that Jackson reads as is. */
    static boolean isObject(byte[] json) {
        JsonObjectCheck check = new JsonObjectCheck(json);
        try {
            check.space();
            if (check.in[check.pos] != '{' || !check.value(0)) {
                return false;
            }
            check.space();
            return check.pos == json.length;
        } catch (ArrayIndexOutOfBoundsException truncated) {
            return false;
        }
    }

    private boolean value(int depth) {
        byte b = in[pos];
        return switch (b) {
            case '{' -> depth < MAX_DEPTH && container(depth + 1, (byte) '}');
            case '[' -> depth < MAX_DEPTH && container(depth + 1, (byte) ']');
            case '"' -> string(MAX_STRING);
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> (b == '-' || b >= '0' && b <= '9') && number();
        };
    }

    /** An object's members (name, colon, value) or an array's values, up to the closing bracket. */
    private boolean container(int depth, byte close) {
        pos++;
        space();
        if (in[pos] == close) {
            pos++;
            return true;
        }
        while (true) {
            if (close == '}') {
                if (in[pos] != '"' || !string(MAX_NAME)) {
                    return false;
                }
                space();
                if (in[pos++] != ':') {
                    return false;
                }
                space();
            }
            if (!value(depth)) {
                return false;
            }
            space();
            byte b = in[pos++];
            if (b == close) {
                return true;
            }
            if (b != ',') {
                return false;
            }
            space();
        }
    }

    /** A string with valid escapes, no control characters and only well-formed UTF-8 sequences. */
    private boolean string(int maxLength) {
        int start = ++pos;
        while (true) {
            int b = in[pos];
            if (b == '"') {
                pos++;
                return pos - start <= maxLength;
            }
            if (b == '\\') {
                pos++;
                switch (in[pos++]) {
                    case '"', '\\', '/', 'b', 'f', 'n', 'r', 't' -> { }
                    case 'u' -> {
                        for (int i = 0; i < 4; i++) {
                            if (Character.digit(in[pos++], 16) < 0) {
                                return false;
                            }
                        }
                    }
                    default -> {
                        return false;
                    }
                }
            } else if (b >= 0x20) {
                pos++;
            } else if (b >= 0 || !utf8Sequence()) {
                return false;
            }
        }
    }

    /** Moves past one multi-byte UTF-8 sequence if well formed: no overlong form, surrogate or code past U+10FFFF. */
    private boolean utf8Sequence() {
        int lead = in[pos] & 0xFF;
        int count;
        int min;
        if (lead >= 0xC2 && lead <= 0xDF) {
            count = 1;
            min = 0x80;
        } else if (lead >= 0xE0 && lead <= 0xEF) {
            count = 2;
            min = 0x800;
        } else if (lead >= 0xF0 && lead <= 0xF4) {
            count = 3;
            min = 0x10000;
        } else {
            return false;
        }
        int cp = lead & (0x3F >> count);
        for (int i = 1; i <= count; i++) {
            int c = in[pos + i] & 0xFF;
            if ((c & 0xC0) != 0x80) {
                return false;
            }
            cp = cp << 6 | c & 0x3F;
        }
        if (cp < min || cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
            return false;
        }
        pos += count + 1;
        return true;
    }

    /** RFC 8259 number syntax; a leading zero before a digit is not sure (Apache's parser allows it), nor a long exponent. */
    private boolean number() {
        int start = pos;
        if (in[pos] == '-') {
            pos++;
        }
        if (in[pos] == '0') {
            pos++;
            if (isDigit(in[pos])) {
                return false;
            }
        } else if (!digits()) {
            return false;
        }
        if (in[pos] == '.') {
            pos++;
            if (!digits()) {
                return false;
            }
        }
        if (in[pos] == 'e' || in[pos] == 'E') {
            pos++;
            if (in[pos] == '+' || in[pos] == '-') {
                pos++;
            }
            int exponent = pos;
            // an exponent past an int's range is an error in Apache's BigDecimal parse: not sure beyond four digits
            if (!digits() || pos - exponent > MAX_EXPONENT_DIGITS) {
                return false;
            }
        }
        return pos - start <= MAX_NUMBER;
    }

    private boolean digits() {
        int start = pos;
        while (isDigit(in[pos])) {
            pos++;
        }
        return pos > start;
    }

    private static boolean isDigit(byte b) {
        return b >= '0' && b <= '9';
    }

    private boolean literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (in[pos++] != word.charAt(i)) {
                return false;
            }
        }
        return true;
    }

    /** JSON's four whitespace bytes; stops at the end of the input without reading past it. */
    private void space() {
        while (pos < in.length) {
            byte b = in[pos];
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return;
            }
            pos++;
        }
    }
}
