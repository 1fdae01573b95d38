package io.sluice.runtime.converters;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/**
 * A schemaless JsonConverter value deferred for a sink without transformations: it is the map Apache's converter
 * makes, and whatever Apache's converter would refuse is never deferred (so it is refused at conversion, as always).
 */
class DeferredJsonObjectTest {
    private static final List<String> OBJECTS = List.of(
            "{}", " {\"a\":1} ", "{\"id\":1,\"name\":\"Ann\",\"score\":1.5,\"ok\":true,\"no\":false,\"none\":null}",
            "{\"nested\":{\"a\":[1,2,{\"b\":\"x\\ty\"}],\"c\":{}},\"list\":[]}",
            "{\"big\":123456789012345678901234567890,\"exp\":1e300,\"neg\":-0.0,\"tiny\":-1.5E-400}",
            "{\"esc\":\"\\\"\\\\\\/\\b\\f\\n\\r\\t\\u00e9\\uD83D\\uDE00\",\"utf8\":\"é€😀\"}",
            "{\"dup\":1,\"dup\":2}", "\n\t{\r\"a\" : [ 1 , 2 ] }\n");

    /** Bytes that make or break JSON syntax, for the mutations. */
    private static final String SYNTAX = "{}[]\",:\\ 0e.-tnu\u00e9";

    private final JsonConverter apache = converter(new JsonConverter(), false);
    private final StreamingJsonConverter ours = converter(new StreamingJsonConverter(), false);

    private static <T extends JsonConverter> T converter(T converter, boolean schemas) {
        converter.configure(Map.of("schemas.enable", String.valueOf(schemas)), false);
        return converter;
    }

    @Test
    void aDeferredObjectIsTheMapApachesConverterMakesAndStaysMutable() {
        for (String json : OBJECTS) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            SchemaAndValue deferred = ours.toConnectDataDeferred("t", bytes);
            assertNull(deferred.schema(), json);
            assertInstanceOf(DeferredJsonObject.class, deferred.value(), json);
            assertEquals(apache.toConnectData("t", bytes).value(), deferred.value(), json);
        }
        @SuppressWarnings("unchecked")
        Map<Object, Object> map = (Map<Object, Object>) ours.toConnectDataDeferred("t", "{\"a\":1}".getBytes(
                StandardCharsets.UTF_8)).value();
        map.put("b", 2L);
        map.remove("a");
        assertEquals(Map.of("b", 2L), map);
    }

    @Test
    void whatIsNotOneWellFormedObjectIsConvertedAtOnceAsApachesConverterDoes() {
        List<String> others = List.of("[1,2]", "42", "\"text\"", "null", "", "  ", "{\"a\":1} trailing",
                "{\"a\":1}{\"b\":2}", "{\"a\":007}", "{\"a\":1e2345678901}", "\uFEFF{\"a\":1}");
        for (String json : others) {
            byte[] bytes = json.getBytes(StandardCharsets.UTF_8);
            Object deferred = convertOrError(() -> ours.toConnectDataDeferred("t", bytes).value());
            assertFalse(deferred instanceof DeferredJsonObject, json);
            assertEquals(convertOrError(() -> apache.toConnectData("t", bytes).value()), deferred, json);
        }
        assertThrows(DataException.class, () -> ours.toConnectDataDeferred("t", "{\"a\":".getBytes(StandardCharsets.UTF_8)));
        assertThrows(DataException.class, () -> ours.toConnectDataDeferred("t", new byte[] {'{', '"', (byte) 0xC3, '"'}));
    }

    @Test
    void noMutationOfAnObjectThatApachesConverterRefusesIsEverDeferred() {
        Random random = new Random(20);
        int deferred = 0;
        for (int i = 0; i < 30_000; i++) {
            byte[] bytes = OBJECTS.get(random.nextInt(OBJECTS.size())).getBytes(StandardCharsets.UTF_8);
            for (int m = 1 + random.nextInt(2); m > 0; m--) {
                bytes[random.nextInt(bytes.length)] = (byte) (random.nextBoolean() ? random.nextInt(256)
                        : SYNTAX.charAt(random.nextInt(SYNTAX.length())));
            }
            if (JsonObjectCheck.isObject(bytes)) {
                deferred++;
                byte[] copy = bytes;
                Object converted = convertOrError(() -> apache.toConnectData("t", copy).value());
                assertInstanceOf(Map.class, converted, () -> new String(copy, StandardCharsets.ISO_8859_1));
            }
        }
        assertTrue(deferred > 1_000, "mutations that stay well formed: " + deferred);
    }

    @Test
    void valuesWithSchemasAreNeverDeferred() {
        StreamingJsonConverter withSchemas = converter(new StreamingJsonConverter(), true);
        byte[] envelope = "{\"schema\":{\"type\":\"string\"},\"payload\":\"x\"}".getBytes(StandardCharsets.UTF_8);
        assertEquals("x", withSchemas.toConnectDataDeferred("t", envelope).value());
    }

    private static Object convertOrError(java.util.function.Supplier<Object> conversion) {
        try {
            return conversion.get();
        } catch (RuntimeException e) {
            return e.getClass();
        }
    }
}
