package io.sluice.runtime.config;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * Makes a config safe to log or show: PASSWORD keys (per a ConfigDef when known), keys whose name
 * says they hold a secret, and values that came from a config provider placeholder become "[hidden]";
 * a secret embedded in another value (a JDBC URL's password) is hidden in place.
 */
public final class ConfigRedactor {
    public static final String HIDDEN = ConfigInfosRenderer.HIDDEN;

    /** Kafka's ConfigTransformer pattern: ${provider:[path:]key}. */
    static final Pattern PLACEHOLDER = Pattern.compile("\\$\\{([^}]*?):(([^}]*?):)?([^}]*?)\\}");

    private ConfigRedactor() {
    }

    /** Whether a value contains a ${provider:[path:]key} placeholder. */
    public static boolean hasPlaceholder(String value) {
        return value != null && PLACEHOLDER.matcher(value).find();
    }

    /** Whether a key's name alone marks it as secret. */
    public static boolean isSensitiveName(String key) {
        String lower = key.toLowerCase(Locale.ROOT);
        // basic.auth.user.info: the schema registry clients' user:password (Avro converter keys carry a prefix)
        return lower.contains("password") || lower.contains("secret") || lower.contains("sasl.jaas.config")
                || lower.endsWith("basic.auth.user.info");
    }

    /** A copy of the config, sorted by key, with secrets hidden; {@code definition} may be null. */
    public static Map<String, String> redact(Map<String, String> config, ConfigDef definition) {
        return redact(config, config, definition);
    }

    /**
     * Redacts a resolved config, hiding also every value whose raw (unresolved) form held a placeholder.
     * Either map may be the other.
     */
    public static Map<String, String> redact(Map<String, String> resolved, Map<String, String> raw, ConfigDef definition) {
        Map<String, String> result = new TreeMap<>();
        for (Map.Entry<String, String> e : resolved.entrySet()) {
            String key = e.getKey();
            String rawValue = raw.get(key);
            boolean hidden = isSensitiveName(key) || isPassword(definition, key)
                    || hasPlaceholder(rawValue) || hasPlaceholder(e.getValue());
            result.put(key, hidden && e.getValue() != null ? HIDDEN : EmbeddedSecrets.mask(e.getValue()));
        }
        return result;
    }

    /** One line for logs: {a=1, password=[hidden]}. */
    public static String toLogString(Map<String, String> config, ConfigDef definition) {
        return new LinkedHashMap<>(redact(config, definition)).toString();
    }

    private static boolean isPassword(ConfigDef definition, String key) {
        if (definition == null) {
            return false;
        }
        ConfigKey configKey = definition.configKeys().get(key);
        return configKey != null && configKey.type == ConfigDef.Type.PASSWORD;
    }
}
