package io.sluice.runtime.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.Map;

/**
 * Apache Kafka Connect 4.3.1's answers recorded once (src/test/resources/apache-4.3.1, see its README), and the
 * comparison parity tests make: every field Apache answers, equal and in the same order in arrays; Sluice may add
 * fields of its own beside them.
 */
public final class ApacheFixtures {
    private static final ObjectMapper JSON = new ObjectMapper();

    private ApacheFixtures() {
    }

    /** A recorded answer with each {placeholder} replaced (e.g. {worker_id}). */
    public static JsonNode fixture(String name, Map<String, String> placeholders) {
        try (InputStream in = ApacheFixtures.class.getResourceAsStream("/apache-4.3.1/" + name)) {
            assertNotNull(in, "no fixture " + name);
            String text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            for (Map.Entry<String, String> p : placeholders.entrySet()) {
                text = text.replace("{" + p.getKey() + "}", p.getValue());
            }
            return JSON.readTree(text);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Asserts that Sluice's answer holds Apache's: every field equal, arrays of the same length in the same order. */
    public static void assertHoldsApaches(JsonNode apache, JsonNode sluice) {
        compare(apache, sluice, "$");
    }

    private static void compare(JsonNode apache, JsonNode sluice, String path) {
        assertNotNull(sluice, path + " is missing; Apache answers " + apache);
        if (apache.isObject()) {
            assertTrue(sluice.isObject(), path + ": Apache answers an object, Sluice " + sluice);
            for (Iterator<Map.Entry<String, JsonNode>> it = apache.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> field = it.next();
                String at = path + "." + field.getKey() + label(apache);
                assertTrue(sluice.has(field.getKey()), at + " is missing; Apache answers " + field.getValue());
                compare(field.getValue(), sluice.get(field.getKey()), at);
            }
        } else if (apache.isArray()) {
            assertTrue(sluice.isArray(), path + ": Apache answers an array, Sluice " + sluice);
            assertEquals(apache.size(), sluice.size(), path + " has another length; Apache: " + apache + "\nSluice: " + sluice);
            for (int i = 0; i < apache.size(); i++) {
                compare(apache.get(i), sluice.get(i), path + "[" + i + "]");
            }
        } else {
            assertEquals(apache, sluice, path);
        }
    }

    /** The name of the config an element of a definitions list is about, to make failures readable. */
    private static String label(JsonNode node) {
        JsonNode name = node.has("name") ? node.get("name") : node.path("definition").path("name");
        return name.isTextual() ? "(" + name.asText() + ")" : "";
    }
}
