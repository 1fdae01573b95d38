package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
        Map<String, Object> read = JsonObjectReader.read(utf8(" {\"b\":1,\"a\":-2.50,"
                + "\"s\":\"tab\\there \\\"q\\\" \\u00e9 \\ud83d\\ude00 \\\\\",\"t\":true,\"f\":false,\"n\":null,"
                + "\"o\":{\"x\": [1, {\"y\":\"}\"}]},\"l\":[ ],\"big\":123456789012345678901234567890,\"e\":1e-7,"
                + "\"max\":9223372036854775807}\n"));
        assertEquals(List.copyOf(expected.keySet()), List.copyOf(read.keySet()));
        read.forEach((k, v) -> {
            Object want = expected.get(k);
            assertTrue(want instanceof BigDecimal d ? d.compareTo((BigDecimal) v) == 0 && v instanceof BigDecimal
                    : java.util.Objects.equals(want, v), k + ": " + v);
        });
    }

    @Test
    void aRepeatedNameKeepsItsLastValue() {
        assertEquals(Map.of("a", 2L), JsonObjectReader.read(utf8("{\"a\":1,\"a\":2}")));
    }

    @Test
    void malformedTextIsRefusedNamingTheByteNotTheText() {
        for (String bad : List.of("", "[1]", "{\"a\":1", "{\"a\" 1}", "{\"a\":01x}", "{\"a\":tru}", "{\"a\":1}x",
                "{\"a\":\"secret\n\"}", "{\"a\":\"\\q\"}", "{\"a\":-}", "{\"a\":1.}", "{a:1}", "{\"a\":[1,}")) {
            DataException e = assertThrows(DataException.class, () -> JsonObjectReader.read(utf8(bad)), bad);
            assertTrue(e.getMessage().startsWith("Malformed JSON value: ") && e.getMessage().contains(" at byte "),
                    e.getMessage());
            assertFalse(e.getMessage().contains("secret"), e.getMessage());
        }
    }

    @Test
    void aJsonConverterEnvelopeGivesItsPayloadAndAnythingElseIsNotOne() {
        String schema = "{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"}]}";
        assertEquals(Map.of("id", 7L), JsonObjectReader.readEnvelopePayload(
                utf8("{\"schema\":" + schema + ",\"payload\":{\"id\":7}}")));
        assertEquals(Map.of("id", 7L), JsonObjectReader.readEnvelopePayload(
                utf8(" { \"payload\" : {\"id\":7} , \"schema\" : " + schema + " } ")));
        for (String other : List.of("{\"schema\":" + schema + "}", "{\"payload\":{\"id\":7}}",
                "{\"schema\":" + schema + ",\"payload\":{\"id\":7},\"x\":1}", "{\"schema\":\"s\",\"payload\":{}}",
                "{\"schema\":" + schema + ",\"payload\":7}", "{\"id\":7}", "[]")) {
            assertNull(JsonObjectReader.readEnvelopePayload(utf8(other)), other);
        }
    }
}
