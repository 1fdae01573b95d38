package io.sluice.jdbc.sink;

import io.sluice.jdbc.dialect.JsonDecimal;
import io.sluice.jdbc.dialect.Utf8Text;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.apache.kafka.connect.errors.DataException;

/**
 * Reads a record value that is the text of one JSON object (ByteArrayConverter or StringConverter records) into
 * column values by name, in one pass over the bytes: strings as {@link #stringValue}, integers as Long (BigInteger beyond),
 * other numbers as {@link JsonDecimal} (their exact text), true/false as Boolean, nested objects and arrays kept as their JSON text
 * (what a json, jsonb or text column takes). A row needs no tree and no map: members go into {@link JsonMembers},
 * their names taken from a {@link NameCache} when they repeat the previous record's, as a topic's records do.
 */
final class JsonObjectReader extends JsonCursor {
    private static final byte[] SCHEMA = "\"schema\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] PAYLOAD = "\"payload\"".getBytes(StandardCharsets.US_ASCII);
    private final NameCache names;

    private JsonObjectReader(byte[] in, int from, int to, NameCache names) {
        super(in, from, to);
        this.names = names;
    }

    /** The object's members in document order (a repeated name twice: the row keeps its last value). */
    static JsonMembers read(byte[] json, NameCache names) {
        JsonObjectReader reader = new JsonObjectReader(json, 0, json.length, names);
        JsonMembers members = reader.object();
        reader.skipSpace();
        if (reader.pos != reader.end) {
            throw reader.error("unexpected text after the JSON object");
        }
        return members;
    }

    /**
     * A record value's members: the payload's when the text is a JsonConverter envelope (flagged as such), else
     * the object's.
     */
    static JsonMembers readValue(byte[] json, NameCache names) {
        JsonMembers payload = readEnvelopePayload(json, names);
        return payload != null ? payload : read(json, names);
    }

    /**
     * The payload's members when the text is a JsonConverter envelope, an object of exactly a "schema" object and a
     * "payload" object (its schema is skipped unread: the table's columns type the row); null when it is not one.
     */
    static JsonMembers readEnvelopePayload(byte[] json, NameCache names) {
        if (!startsLikeEnvelope(json)) {
            return null;
        }
        JsonObjectReader reader = new JsonObjectReader(json, 0, json.length, names);
        try {
            JsonMembers payload = reader.envelopePayload();
            return payload == null ? null : payload.asEnvelopePayload();
        } catch (DataException notAnEnvelope) {
            return null;
        }
    }

    /** Whether the first member's name is "schema" or "payload": anything else is read once, as a plain object. */
    private static boolean startsLikeEnvelope(byte[] json) {
        int i = 0;
        while (i < json.length && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
            i++;
        }
        if (i >= json.length || json[i] != '{') {
            return false;
        }
        i++;
        while (i < json.length && (json[i] == ' ' || json[i] == '\n' || json[i] == '\r' || json[i] == '\t')) {
            i++;
        }
        // raw text's first member is mostly neither: its first letter settles it before any comparison
        return i + 1 < json.length && json[i] == '"'
                && (json[i + 1] == 's' && startsWith(json, i, SCHEMA) || json[i + 1] == 'p' && startsWith(json, i, PAYLOAD));
    }

    private static boolean startsWith(byte[] json, int at, byte[] prefix) {
        return at + prefix.length <= json.length && Arrays.equals(json, at, at + prefix.length, prefix, 0, prefix.length);
    }

    private JsonMembers envelopePayload() {
        skipSpace();
        if (peek() != '{') {
            return null;
        }
        pos++;
        JsonMembers payload = null;
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
                skipSchema();
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

    private JsonMembers object() {
        skipSpace();
        if (pos >= end || in[pos] != '{') {
            throw error("the value is not a JSON object");
        }
        pos++;
        JsonMembers members = new JsonMembers(8);
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
            String name = memberName(members.size());
            skipSpace();
            expect(':');
            members.add(name, memberValue(name));
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

    /** A member's value; an error in it names the member (the column it fills), never the value. */
    private Object memberValue(String name) {
        try {
            return value();
        } catch (DataException e) {
            throw new DataException(e.getMessage() + " in member \"" + name + "\"");
        }
    }

    private Object value() {
        skipSpace();
        int c = peek();
        switch (c) {
            case '"':
                return stringValue();
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

    /**
     * Moves past an envelope's schema: in one comparison when its bytes are the previous record's schema (a topic's
     * records repeat theirs, and the same bytes are the same well-formed object), else by reading it.
     */
    private void skipSchema() {
        byte[] last = names == null ? null : names.schema;
        if (last != null && end - pos >= last.length && Arrays.equals(in, pos, pos + last.length, last, 0, last.length)) {
            pos += last.length;
            return;
        }
        int start = pos;
        skipNested();
        if (names != null) {
            names.schema = Arrays.copyOfRange(in, start, pos);
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
        if (integral) {
            BigInteger big = new BigInteger(new String(in, start, length, StandardCharsets.US_ASCII));
            return big.bitLength() < 64 ? (Object) big.longValue() : big;
        }
        return new JsonDecimal(in, start, length);
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
            if (b < 0) {
                pos = utf8Sequence(pos);
                continue;
            }
            if (b < 0x20) {
                throw error("control character in a string");
            }
            pos++;
        }
        throw error("unterminated string");
    }

    /**
     * A string member's value: its bytes as they are ({@link Utf8Text}) when they are printable ASCII without an
     * escape, which COPY takes unchanged (a String would be decoded here and encoded again there); else a String.
     * Only ASCII is kept as bytes, since only it needs no check to be valid UTF-8: other text is checked as it is
     * decoded, and refused when it is not UTF-8.
     */
    private Object stringValue() {
        int start = pos + 1;
        for (int i = start; i < end; i++) {
            byte b = in[i];
            if (b == '"') {
                pos = i + 1;
                return new Utf8Text(in, start, i - start);
            }
            if (b < 0x20 || b == '\\') { // below 0x20 as a signed byte: also every byte of a non-ASCII character
                break;
            }
        }
        return string();
    }

    /** A member name: the previous record's at this position when the bytes are the same, without decoding them. */
    private String memberName(int position) {
        int start = pos + 1;
        int close = start;
        while (close < end && in[close] != '"' && in[close] != '\\' && (in[close] < 0 || in[close] >= 0x20)) {
            close++;
        }
        if (names == null || close >= end || in[close] != '"') {
            return string();
        }
        String cached = names.get(in, start, close - start, position);
        if (cached != null) {
            pos = close + 1;
            return cached;
        }
        String name = string();
        names.put(in, start, close - start, position, name);
        return name;
    }

    /**
     * The member names last read at each position, by their bytes, and the last envelope schema: a topic's records
     * repeat them, so a reader that keeps one of these allocates no String per name and reads no schema twice.
     * Confined to one thread.
     */
    static final class NameCache {
        private static final int POSITIONS = 64;
        private final byte[][] bytes = new byte[POSITIONS][];
        private final String[] names = new String[POSITIONS];
        /** The last envelope schema read, skipped unread when the next record's is the same bytes. */
        private byte[] schema;

        String get(byte[] in, int start, int length, int position) {
            byte[] known = position < POSITIONS ? bytes[position] : null;
            return known != null && Arrays.equals(known, 0, known.length, in, start, start + length)
                    ? names[position] : null;
        }

        void put(byte[] in, int start, int length, int position, String name) {
            if (position < POSITIONS) {
                bytes[position] = Arrays.copyOfRange(in, start, start + length);
                names[position] = name;
            }
        }
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
            if (b < 0) {
                pos = utf8Sequence(pos);
                continue;
            }
            if (b < 0x20) {
                throw error("control character in a string");
            }
            pos++;
        }
        throw error("unterminated string");
    }

}
