package io.sluice.jdbc.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Connector;

/** What a connector's validate answers, per key, and the assertion the validation tests make on it. */
public final class ValidationErrors {
    private ValidationErrors() {
    }

    /** The errors per key, only for keys with errors. */
    public static Map<String, List<String>> errors(Connector connector, Map<String, String> config) {
        Map<String, List<String>> errors = new TreeMap<>();
        for (ConfigValue value : connector.validate(config).configValues()) {
            if (!value.errorMessages().isEmpty()) {
                errors.put(value.name(), value.errorMessages());
            }
        }
        return errors;
    }

    /** Exactly one key has an error, its first message says words, and no password (right or wrong) is echoed. */
    public static void assertOnlyError(Map<String, List<String>> errors, String key, String words) {
        assertEquals(List.of(key), List.copyOf(errors.keySet()), "errors: " + errors);
        assertTrue(errors.get(key).get(0).contains(words), errors.get(key).get(0));
        assertFalse(errors.toString().contains("right") || errors.toString().contains("wrong"), "no password in " + errors);
    }
}
