package io.sluice.runtime.storage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.UnaryOperator;

/**
 * Finds connector and task configs ({@code {"properties": {...}}}, also inside a {@code "payload"} envelope of
 * older workers) and session keys in record values written in Apache's config-topic format, in whatever topic and
 * of whatever Connect cluster they are, and masks their secrets: a record shown to a REST client never reveals a
 * password or the key that signs requests between workers. The shape is what is recognised, not the topic name,
 * since a config topic can have any name.
 */
public final class ConfigRecordSecrets {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String PAYLOAD = "payload";

    private ConfigRecordSecrets() {
    }

    /**
     * The value with the secrets of each config in it (whole values, or secrets inside values such as a URL's
     * password) replaced as {@code maskConfig} replaces them and a session key
     * replaced by {@code mask}; the very same array when it holds no config or session key (or is not JSON).
     *
     * @param maskConfig a copy of a config with its secret values masked (the rules of SecretKeys)
     */
    public static byte[] masked(byte[] value, UnaryOperator<Map<String, String>> maskConfig, String mask) {
        if (value == null || !startsLikeAnObject(value)) {
            return value;
        }
        JsonNode root;
        try {
            root = JSON.readTree(value);
        } catch (IOException notJson) {
            return value;
        }
        if (!(root instanceof ObjectNode object)) {
            return value;
        }
        boolean changed = maskProperties(object, maskConfig);
        if (object.get(PAYLOAD) instanceof ObjectNode payload) {
            changed |= maskProperties(payload, maskConfig);
        }
        if (object.path(ConfigRecordFormat.SESSION_KEY_KEY).isTextual()
                && object.path(ConfigRecordFormat.SESSION_KEY_ALGORITHM).isTextual()) {
            object.put(ConfigRecordFormat.SESSION_KEY_KEY, mask);
            changed = true;
        }
        if (!changed) {
            return value;
        }
        try {
            return JSON.writeValueAsBytes(object);
        } catch (IOException e) {
            throw new StoreException("Cannot serialize a masked config record", e);
        }
    }

    private static boolean maskProperties(ObjectNode holder, UnaryOperator<Map<String, String>> maskConfig) {
        if (!(holder.get(ConfigRecordFormat.PROPERTIES) instanceof ObjectNode properties)) {
            return false;
        }
        Map<String, String> config = new LinkedHashMap<>();
        properties.properties().forEach(e -> {
            JsonNode v = e.getValue();
            if (!v.isNull()) {
                // a nested value is no Apache config, but a secret's name still hides it whole
                config.put(e.getKey(), v.isValueNode() ? v.asText() : v.toString());
            }
        });
        boolean changed = false;
        for (Map.Entry<String, String> e : maskConfig.apply(config).entrySet()) {
            // a whole value masked, or only the secret inside it (a JDBC URL's password parameter)
            if (e.getValue() != null && !e.getValue().equals(config.get(e.getKey()))) {
                properties.put(e.getKey(), e.getValue());
                changed = true;
            }
        }
        return changed;
    }

    private static boolean startsLikeAnObject(byte[] value) {
        for (byte b : value) {
            if (b != ' ' && b != '\n' && b != '\r' && b != '\t') {
                return b == '{';
            }
        }
        return false;
    }
}
