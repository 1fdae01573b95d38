package io.sluice.jdbc.sink;

import org.apache.kafka.connect.errors.DataException;

/**
 * A position in JSON text and the moves every reader of it shares: checking and skipping values without decoding
 * them, and errors that name the byte offset, never the text (values may be secrets).
 */
abstract class JsonCursor {
    final byte[] in;
    final int end;
    int pos;

    JsonCursor(byte[] in, int from, int to) {
        this.in = in;
        this.pos = from;
        this.end = to;
    }

    /** Moves past true, false or null. */
    final void skipLiteral() {
        switch (peek()) {
            case 't' -> literal("true");
            case 'f' -> literal("false");
            case 'n' -> literal("null");
            default -> throw error("expected a JSON value");
        }
    }

    final void skipNested() {
        int open = next();
        int close = open == '{' ? '}' : ']';
        skipSpace();
        if (peek() == close) {
            pos++;
            return;
        }
        while (true) {
            skipSpace();
            if (open == '{') {
                if (peek() != '"') {
                    throw error("expected a member name");
                }
                skipString();
                skipSpace();
                expect(':');
                skipSpace();
            }
            int c = peek();
            if (c == '{' || c == '[') {
                skipNested();
            } else if (c == '"') {
                skipString();
            } else if (c == '-' || (c >= '0' && c <= '9')) {
                skipNumber();
            } else {
                skipLiteral();
            }
            skipSpace();
            int sep = next();
            if (sep == close) {
                return;
            }
            if (sep != ',') {
                throw error("expected ',' or '" + (char) close + "'");
            }
        }
    }

    /** Checks a string and moves past it without decoding it: skipped text (a schema) costs no allocation. */
    final void skipString() {
        pos++;
        while (pos < end) {
            byte b = in[pos++];
            if (b == '"') {
                return;
            }
            if (b == '\\') {
                int e = next();
                if (e == 'u') {
                    hexChar();
                } else if ("\"\\/bfnrt".indexOf(e) < 0) {
                    throw error("invalid escape in a string");
                }
            } else if (b < 0) {
                pos = utf8Sequence(pos - 1);
            } else if (b < 0x20) {
                throw error("control character in a string");
            }
        }
        throw error("unterminated string");
    }

    /**
     * Checks the multi-byte UTF-8 sequence whose lead byte is at {@code at} and returns the offset after it. JSON
     * text must be UTF-8 (RFC 8259 §8.1): a stray continuation byte, a sequence cut short, an overlong form, a
     * surrogate or a code past U+10FFFF is refused here rather than decoded to U+FFFD, which would change the data.
     * Only bytes past ASCII come here, so ASCII text costs no check.
     */
    final int utf8Sequence(int at) {
        int lead = in[at] & 0xFF;
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
            throw notUtf8(at);
        }
        int cp = lead & (0x3F >> count);
        for (int i = 1; i <= count; i++) {
            int c = at + i < end ? in[at + i] & 0xFF : 0;
            if ((c & 0xC0) != 0x80) {
                throw notUtf8(at);
            }
            cp = cp << 6 | c & 0x3F;
        }
        if (cp < min || cp > 0x10FFFF || cp >= 0xD800 && cp <= 0xDFFF) {
            throw notUtf8(at);
        }
        return at + count + 1;
    }

    private DataException notUtf8(int at) {
        pos = at;
        return error("a string is not valid UTF-8 (JSON text must be)");
    }

    final void skipNumber() {
        if (peek() == '-') {
            pos++;
        }
        boolean ok = digits();
        if (peek() == '.') {
            pos++;
            ok &= digits();
        }
        if (peek() == 'e' || peek() == 'E') {
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            ok &= digits();
        }
        if (!ok) {
            throw error("malformed number");
        }
    }

    final boolean digits() {
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    final char hexChar() {
        if (pos + 4 > end) {
            throw error("invalid \\u escape");
        }
        int v = 0;
        for (int i = 0; i < 4; i++) {
            int d = Character.digit(in[pos++], 16);
            if (d < 0) {
                throw error("invalid \\u escape");
            }
            v = v * 16 + d;
        }
        return (char) v;
    }

    final void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= end || in[pos++] != word.charAt(i)) {
                throw error("expected a JSON value");
            }
        }
    }

    final void skipSpace() {
        while (pos < end && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
            pos++;
        }
    }

    final int peek() {
        return pos < end ? in[pos] : -1;
    }

    final int next() {
        if (pos >= end) {
            throw error("the JSON text ends early");
        }
        return in[pos++];
    }

    final void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    /** Names the byte offset, never the record's text: values may be secrets. */
    final DataException error(String what) {
        return new DataException("Malformed JSON value: " + what + " at byte " + pos);
    }
}
