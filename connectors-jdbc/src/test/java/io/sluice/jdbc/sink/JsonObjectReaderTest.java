package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.dialect.JsonDecimal;
import io.sluice.jdbc.dialect.Utf8Text;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** JSON object text read into column values the way a JSON parser reads it, or refused naming only the byte. */
class JsonObjectReaderTest {

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** The members as a JSON parser's map has them: first position, last value. */
    private static Map<String, Object> map(JsonMembers members) {
        if (members == null) {
            return null;
        }
        Map<String, Object> map = new LinkedHashMap<>();
        for (int i = 0; i < members.size(); i++) {
            Object v = members.value(members.lastIndexOf(members.name(i)));
            map.put(members.name(i), v instanceof Utf8Text text ? text.toString() : v);
        }
        return map;
    }

    private static Map<String, Object> read(byte[] json) {
        return map(JsonObjectReader.read(json, new JsonObjectReader.NameCache()));
    }

    private static Map<String, Object> readEnvelopePayload(byte[] json) {
        return map(JsonObjectReader.readEnvelopePayload(json, new JsonObjectReader.NameCache()));
    }

    @Test
    void membersKeepDocumentOrderTheirJsonTypesAndNestedValuesAsJsonText() {
        Map<String, Object> expected = new LinkedHashMap<>();
        expected.put("b", 1L);
        expected.put("a", new BigDecimal("-2.50"));
        expected.put("s", "tab\there \"q\" é 😀 \\");
        expected.put("t", true);
        expected.put("f", false);
        expected.put("n", null);
        expected.put("o", "{\"x\": [1, {\"y\":\"}\"}]}");
        expected.put("l", "[ ]");
        expected.put("big", new BigInteger("123456789012345678901234567890"));
        expected.put("e", new BigDecimal("1e-7"));
        expected.put("max", Long.MAX_VALUE);
        Map<String, Object> read = read(utf8(" {\"b\":1,\"a\":-2.50,"
                + "\"s\":\"tab\\there \\\"q\\\" \\u00e9 \\ud83d\\ude00 \\\\\",\"t\":true,\"f\":false,\"n\":null,"
                + "\"o\":{\"x\": [1, {\"y\":\"}\"}]},\"l\":[ ],\"big\":123456789012345678901234567890,\"e\":1e-7,"
                + "\"max\":9223372036854775807}\n"));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(read.keySet()));
        read.forEach((k, v) -> {
            Object want = expected.get(k);
            // a number with a fraction or exponent keeps its text exactly, and gives its double
            assertTrue(want instanceof BigDecimal d ? v instanceof JsonDecimal && d.compareTo(new BigDecimal(v.toString())) == 0
                    && ((Number) v).doubleValue() == d.doubleValue() : java.util.Objects.equals(want, v), k + ": " + v);
        });
    }

    @Test
    void printableAsciiTextStaysInItsBytesForCopyAndAnyOtherTextIsDecoded() {
        JsonMembers members = JsonObjectReader.read(new byte[] {'{', '"', 'a', '"', ':', '"', 'x', ' ', '~', '"', ',',
            '"', 'b', '"', ':', '"', (byte) 0xC3, (byte) 0xA9, '"', ',', '"', 'c', '"', ':', '"', (byte) 0xF0, (byte) 0x9F,
            (byte) 0x98, (byte) 0x80, '\\', 't', '"', ',', '"', 'd', '"', ':', '"', '\\', 'n', '"', ',', '"', 'e', '"', ':',
            '"', '"', '}'}, new JsonObjectReader.NameCache());
        assertEquals(new Utf8Text("x ~".getBytes(StandardCharsets.US_ASCII), 0, 3), members.value(0));
        assertEquals("x ~", members.value(0).toString());
        assertEquals("\u00e9", members.value(1));
        assertEquals("\ud83d\ude00\t", members.value(2));
        assertEquals("\n", members.value(3));
        assertEquals("", members.value(4).toString());
    }

    /** Text that is not UTF-8, in a value, a name, after an escape or nested: refused, never replaced by U+FFFD. */
    @Test
    void aStringThatIsNotUtf8IsRefusedNamingTheByteAndTheMember() {
        byte[][] bad = {{(byte) 0xE9}, {(byte) 0x80}, {'x', (byte) 0xE6, (byte) 0x97}, {(byte) 0xC0, (byte) 0xAF},
            {(byte) 0xED, (byte) 0xA0, (byte) 0x80}, {(byte) 0xF4, (byte) 0x90, (byte) 0x80, (byte) 0x80}, {(byte) 0xFF}};
        for (byte[] b : bad) {
            String text = new String(b, StandardCharsets.ISO_8859_1);
            for (String shape : List.of("{\"id\":1,\"v\":\"%s\"}", "{\"id\":1,\"v\":\"\\t%s\"}",
                    "{\"id\":1,\"v\":{\"n\":[\"%s\"]}}", "{\"id\":1,\"v\":\"%s")) {
                byte[] json = String.format(shape, text).getBytes(StandardCharsets.ISO_8859_1);
                DataException e = assertThrows(DataException.class, () -> read(json), shape + " " + text);
                int at = shape.indexOf('%') + (b[0] == 'x' ? 1 : 0);
                assertEquals("Malformed JSON value: a string is not valid UTF-8 (JSON text must be) at byte " + at
                        + " in member \"v\"", e.getMessage());
            }
            byte[] name = ("{\"" + text + "\":1}").getBytes(StandardCharsets.ISO_8859_1);
            assertTrue(assertThrows(DataException.class, () -> read(name)).getMessage().contains("not valid UTF-8"));
        }
    }

    @Test
    void aRepeatedNameKeepsItsLastValue() {
        assertEquals(Map.of("a", 2L), read(utf8("{\"a\":1,\"a\":2}")));
    }

    @Test
    void malformedTextIsRefusedNamingTheByteNotTheText() {
        for (String bad : List.of("", "[1]", "{\"a\":1", "{\"a\" 1}", "{\"a\":01x}", "{\"a\":tru}", "{\"a\":1}x",
                "{\"a\":\"secret\n\"}", "{\"a\":\"\\q\"}", "{\"a\":-}", "{\"a\":1.}", "{a:1}", "{\"a\":[1,}")) {
            DataException e = assertThrows(DataException.class, () -> read(utf8(bad)), bad);
            assertTrue(e.getMessage().startsWith("Malformed JSON value: ") && e.getMessage().contains(" at byte "),
                    e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
    }

    @Test
    void aJsonConverterEnvelopeGivesItsPayloadAndAnythingElseIsNotOne() {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"}]}";
        assertEquals(Map.of("id", 7L), readEnvelopePayload(
                utf8("{\"schema\":" + schema + ",\"payload\":{\"id\":7}}")));
        assertEquals(Map.of("id", 7L), readEnvelopePayload(
                utf8(" { \"payload\" : {\"id\":7} , \"schema\" : " + schema + " } ")));
        for (String other : List.of("{\"schema\":" + schema + "}", "{\"payload\":{\"id\":7}}",
                "{\"schema\":" + schema + ",\"payload\":{\"id\":7},\"x\":1}", "{\"schema\":\"s\",\"payload\":{}}",
                "{\"schema\":" + schema + ",\"payload\":7}", "{\"id\":7}", "[]")) {
            assertNull(readEnvelopePayload(utf8(other)), other);
        }
    }

    @Test
    void aTopicsRepeatedMemberNamesAreTheSameStringsAndAChangedNameIsReadAnew() {
        JsonObjectReader.NameCache names = new JsonObjectReader.NameCache();
        JsonMembers first = JsonObjectReader.read(utf8("{\"id\":1,\"name\":\"a\"}"), names);
        JsonMembers second = JsonObjectReader.read(utf8("{\"id\":2,\"name\":\"b\"}"), names);
        assertSame(first.name(0), second.name(0));
        assertSame(first.name(1), second.name(1));
        JsonMembers third = JsonObjectReader.read(utf8("{\"id\":3,\"nam\":\"c\",\"n\\u00e9\":1}"), names);
        assertEquals(List.of("id", "nam", "n\u00e9"), List.of(third.names()));
        assertEquals(2L, second.value(0));
    }

    @Test
    void theEnvelopePayloadIsFlaggedSoATableWithSchemaAndPayloadColumnsCanTakeTheEnvelopeItself() {
        JsonMembers payload = JsonObjectReader.readValue(utf8("{\"schema\":{\"type\":\"struct\"},\"payload\":{\"id\":7}}"),
                new JsonObjectReader.NameCache());
        assertTrue(payload.envelope());
        assertEquals(Map.of("id", 7L), map(payload));
        JsonMembers plain = JsonObjectReader.readValue(utf8("{\"schema\":\"s\",\"payload\":7}"),
                new JsonObjectReader.NameCache());
        assertFalse(plain.envelope());
        assertEquals(Map.of("schema", "s", "payload", 7L), map(plain));
    }

    @Test
    void aDecimalGivesTheDoubleItsTextParsesToAndKeepsItsDigits() {
        for (String text : List.of("0.1", "-2.50", "12.34", "1e-7", "1E+3", "-0.0", "0.30000000000000004",
                "123456789.123456789", "9007199254740993.5", "1.7976931348623157e308", "4.9e-324", "2.5e-30",
                "99999999999999999999.99", "1e22", "1e23", "0.000001")) {
            byte[] bytes = utf8("{\"x\":" + text + "}");
            Object v = JsonObjectReader.read(bytes, null).value(0);
            assertEquals(Double.parseDouble(text), ((Number) v).doubleValue(), text);
            assertEquals(Double.doubleToRawLongBits(Double.parseDouble(text)),
                    Double.doubleToRawLongBits(((Number) v).doubleValue()), text);
            assertEquals(text, v.toString());
        }
    }

    @Test
    void anEnvelopeWhoseSchemaChangesIsReadAgainNotTakenForTheLastOne() {
        JsonObjectReader.NameCache names = new JsonObjectReader.NameCache();
        String schema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"}]}";
        assertEquals(Map.of("id", 1L), map(JsonObjectReader.readValue(utf8("{\"schema\":" + schema
                + ",\"payload\":{\"id\":1}}"), names)));
        assertEquals(Map.of("id", 2L), map(JsonObjectReader.readValue(utf8("{\"schema\":" + schema
                + ",\"payload\":{\"id\":2}}"), names)));
        // the same first bytes, then a longer schema: read, not skipped by the last one's length
        String longer = schema.substring(0, schema.length() - 2) + ",{\"field\":\"n\",\"type\":\"string\"}]}";
        assertEquals(Map.of("id", 3L, "n", "c"), map(JsonObjectReader.readValue(utf8("{\"schema\":" + longer
                + ",\"payload\":{\"id\":3,\"n\":\"c\"}}"), names)));
        assertThrows(DataException.class, () -> JsonObjectReader.readValue(utf8("{\"schema\":" + schema
                + ",\"payload\":{\"id\":}}"), names));
    }
}
