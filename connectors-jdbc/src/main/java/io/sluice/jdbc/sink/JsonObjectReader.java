package io.sluice.jdbc.sink;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads a record value that is the text of one JSON object (ByteArrayConverter or StringConverter records) into
 * column values by name, in one pass over the bytes: strings decoded, integers as Long (BigInteger beyond),
 * other numbers as exact BigDecimal, true/false as Boolean, nested objects and arrays kept as their JSON text
 * (what a json, jsonb or text column takes). The plugin bundles no JSON library, and a row needs no tree.
 */
final class JsonObjectReader {
    private final byte[] in;
    private final int end;
    private int pos;

    private JsonObjectReader(byte[] in, int from, int to) {
        this.in = in;
        this.pos = from;
        this.end = to;
    }

    /** The object's members in document order; a repeated name keeps its last value, as JSON parsers do. */
    static Map<String, Object> read(byte[] json) {
        JsonObjectReader reader = new JsonObjectReader(json, 0, json.length);
        Map<String, Object> members = reader.object();
        reader.skipSpace();
        if (reader.pos != reader.end) {
            throw reader.error("unexpected text after the JSON object");
        }
        return members;
    }

    static Map<String, Object> read(String json) {
        return read(json.getBytes(StandardCharsets.UTF_8));
    }

    /**
     * The payload's members when the text is a JsonConverter envelope, an object of exactly a "schema" object and a
     * "payload" object (its schema is skipped unread: the table's columns type the row); null when it is not one.
     */
    static Map<String, Object> readEnvelopePayload(byte[] json) {
        JsonObjectReader reader = new JsonObjectReader(json, 0, json.length);
        try {
            return reader.envelopePayload();
        } catch (DataException notAnEnvelope) {
            return null;
        }
    }

    private Map<String, Object> envelopePayload() {
        skipSpace();
        if (peek() != '{') {
            return null;
        }
        pos++;
        Map<String, Object> payload = null;
        boolean schema = false;
        for (int member = 0; member < 2; member++) {
            skipSpace();
            if (peek() != '"') {
                return null;
            }
            String name = string();
            skipSpace();
            expect(':');
            skipSpace();
            if (name.equals("schema") && !schema && peek() == '{') {
                schema = true;
                skipNested();
            } else if (name.equals("payload") && payload == null && peek() == '{') {
                payload = object();
            } else {
                return null;
            }
            skipSpace();
            if (next() != (member == 0 ? ',' : '}')) {
                return null;
            }
        }
        skipSpace();
        return pos == end ? payload : null;
    }

    private Map<String, Object> object() {
        skipSpace();
        if (pos >= end || in[pos] != '{') {
            throw error("the value is not a JSON object");
        }
        pos++;
        Map<String, Object> members = new LinkedHashMap<>();
        skipSpace();
        if (peek() == '}') {
            pos++;
            return members;
        }
        while (true) {
            skipSpace();
            if (peek() != '"') {
                throw error("expected a member name");
            }
            String name = string();
            skipSpace();
            expect(':');
            members.put(name, value());
            skipSpace();
            int c = next();
            if (c == '}') {
                return members;
            }
            if (c != ',') {
                throw error("expected ',' or '}'");
            }
        }
    }

    private Object value() {
        skipSpace();
        int c = peek();
        switch (c) {
            case '"':
                return string();
            case '{':
            case '[':
                return nestedText();
            case 't':
                literal("true");
                return Boolean.TRUE;
            case 'f':
                literal("false");
                return Boolean.FALSE;
            case 'n':
                literal("null");
                return null;
            default:
                if (c == '-' || (c >= '0' && c <= '9')) {
                    return number();
                }
                throw error("expected a JSON value");
        }
    }

    /** A nested object or array as its exact JSON text, checked to be well formed. */
    private String nestedText() {
        int start = pos;
        skipNested();
        return new String(in, start, pos - start, StandardCharsets.UTF_8);
    }

    private void skipNested() {
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
                value();
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
    private void skipString() {
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
            } else if (b >= 0 && b < 0x20) {
                throw error("control character in a string");
            }
        }
        throw error("unterminated string");
    }

    private void skipNumber() {
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

    private Object number() {
        int start = pos;
        boolean integral = true;
        if (peek() == '-') {
            pos++;
        }
        if (!digits()) {
            throw error("malformed number");
        }
        if (peek() == '.') {
            integral = false;
            pos++;
            if (!digits()) {
                throw error("malformed number");
            }
        }
        if (peek() == 'e' || peek() == 'E') {
            integral = false;
            pos++;
            if (peek() == '+' || peek() == '-') {
                pos++;
            }
            if (!digits()) {
                throw error("malformed number");
            }
        }
        int length = pos - start;
        if (integral && length <= 18) {
            long v = 0;
            boolean negative = in[start] == '-';
            for (int i = negative ? start + 1 : start; i < pos; i++) {
                v = v * 10 + (in[i] - '0');
            }
            return negative ? -v : v;
        }
        String text = new String(in, start, length, StandardCharsets.US_ASCII);
        if (integral) {
            BigInteger big = new BigInteger(text);
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        return new BigDecimal(text);
    }

    private boolean digits() {
        int start = pos;
        while (pos < end && in[pos] >= '0' && in[pos] <= '9') {
            pos++;
        }
        return pos > start;
    }

    private String string() {
        pos++; // the opening quote
        int start = pos;
        while (pos < end) {
            byte b = in[pos];
            if (b == '"') {
                String plain = new String(in, start, pos - start, StandardCharsets.UTF_8);
                pos++;
                return plain;
            }
            if (b == '\\') {
                return escapedString(start);
            }
            if (b >= 0 && b < 0x20) {
                throw error("control character in a string");
            }
            pos++;
        }
        throw error("unterminated string");
    }

    /** The slow path: a string with escapes, decoded from its start. */
    private String escapedString(int start) {
        StringBuilder sb = new StringBuilder(new String(in, start, pos - start, StandardCharsets.UTF_8));
        int runStart = pos;
        while (pos < end) {
            byte b = in[pos];
            if (b == '"') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                pos++;
                return sb.toString();
            }
            if (b == '\\') {
                sb.append(new String(in, runStart, pos - runStart, StandardCharsets.UTF_8));
                pos++;
                int e = next();
                switch (e) {
                    case '"', '\\', '/' -> sb.append((char) e);
                    case 'b' -> sb.append('\b');
                    case 'f' -> sb.append('\f');
                    case 'n' -> sb.append('\n');
                    case 'r' -> sb.append('\r');
                    case 't' -> sb.append('\t');
                    case 'u' -> sb.append(hexChar());
                    default -> throw error("invalid escape in a string");
                }
                runStart = pos;
                continue;
            }
            if (b >= 0 && b < 0x20) {
                throw error("control character in a string");
            }
            pos++;
        }
        throw error("unterminated string");
    }

    private char hexChar() {
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

    private void literal(String word) {
        for (int i = 0; i < word.length(); i++) {
            if (pos >= end || in[pos++] != word.charAt(i)) {
                throw error("expected a JSON value");
            }
        }
    }

    private void skipSpace() {
        while (pos < end && (in[pos] == ' ' || in[pos] == '\n' || in[pos] == '\r' || in[pos] == '\t')) {
            pos++;
        }
    }

    private int peek() {
        return pos < end ? in[pos] : -1;
    }

    private int next() {
        if (pos >= end) {
            throw error("the JSON text ends early");
        }
        return in[pos++];
    }

    private void expect(char c) {
        if (next() != c) {
            pos--;
            throw error("expected '" + c + "'");
        }
    }

    /** Names the byte offset, never the record's text: values may be secrets. */
    private DataException error(String what) {
        return new DataException("Malformed JSON value: " + what + " at byte " + pos);
    }
}
