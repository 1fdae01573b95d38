package io.sluice.runtime.config;

import io.sluice.runtime.config.ConfigInfos.ConfigInfo;
import io.sluice.runtime.config.ConfigInfos.ConfigKeyInfo;
import io.sluice.runtime.config.ConfigInfos.ConfigValueInfo;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigValue;

/** Turns ConfigDef keys and validated values into {@link ConfigInfos}, rendering values as Apache does. */
final class ConfigInfosRenderer {
    static final String HIDDEN = "[hidden]";

    private ConfigInfosRenderer() {
    }

    /**
     * Values without a definition come first, then every defined key in definition order; the error
     * count is the number of error messages. {@code raw} is the config before placeholders were
     * resolved: a value that came from a placeholder is shown as the placeholder.
     */
    static ConfigInfos render(String connType, Map<String, ConfigKey> keys, List<ConfigValue> values,
                              List<String> groups, Map<String, String> raw) {
        int errors = 0;
        List<ConfigInfo> infos = new ArrayList<>();
        Map<String, ConfigValue> byName = new LinkedHashMap<>();
        for (ConfigValue value : values) {
            byName.put(value.name(), value);
        }
        for (ConfigValue value : byName.values().stream().filter(v -> !keys.containsKey(v.name())).toList()) {
            infos.add(new ConfigInfo(null, value(value, null, value.name(), raw)));
            errors += value.errorMessages().size();
        }
        for (Map.Entry<String, ConfigKey> entry : keys.entrySet()) {
            ConfigValue value = byName.get(entry.getKey());
            ConfigValueInfo valueInfo = null;
            if (value != null) {
                valueInfo = value(value, entry.getValue().type, value.name(), raw);
                errors += value.errorMessages().size();
            }
            infos.add(new ConfigInfo(key(entry.getValue(), ""), valueInfo));
        }
        return new ConfigInfos(connType, errors, groups, infos);
    }

    /** A plugin's keys and values reported under a prefix (key.converter. etc.); errors counted per key, as Apache. */
    static ConfigInfos prefixed(Map<String, ConfigKey> keys, List<ConfigValue> values, String prefix,
                                Map<String, String> raw) {
        int errors = 0;
        Set<String> groups = new LinkedHashSet<>();
        List<ConfigInfo> infos = new ArrayList<>();
        for (ConfigValue value : values) {
            ConfigKey key = keys.get(value.name());
            if (key != null && key.group != null) {
                groups.add(key.group);
            }
            if (!value.errorMessages().isEmpty()) {
                errors++;
            }
            infos.add(new ConfigInfo(key == null ? null : key(key, prefix),
                    value(value, key == null ? null : key.type, prefix + value.name(), raw)));
        }
        return new ConfigInfos("", errors, new ArrayList<>(groups), infos);
    }

    static ConfigInfos merge(String connType, ConfigInfos... parts) {
        int errors = 0;
        Set<String> groups = new LinkedHashSet<>();
        List<ConfigInfo> infos = new ArrayList<>();
        for (ConfigInfos part : parts) {
            if (part != null) {
                errors += part.errorCount();
                groups.addAll(part.groups());
                infos.addAll(part.configs());
            }
        }
        return new ConfigInfos(connType, errors, new ArrayList<>(groups), infos);
    }

    static ConfigKeyInfo key(ConfigKey key, String prefix) {
        boolean required = ConfigDef.NO_DEFAULT_VALUE.equals(key.defaultValue);
        String defaultValue = required ? null : render(key.defaultValue, key.type);
        String type = ConnectorConfigEnricher.isPluginClassKey(key) ? Type.CLASS.name() : key.type.name();
        return new ConfigKeyInfo(prefix + key.name, type, required, defaultValue, key.importance.name(),
                key.documentation, key.group, key.orderInGroup, key.width.name(), key.displayName,
                key.dependents == null ? List.of() : key.dependents.stream().map(d -> prefix + d).toList(),
                validValues(key.validator, defaultValue));
    }

    /**
     * The values Kafka's enumerating validators accept (ValidString, CaseInsensitiveValidString, ValidList), read
     * from their description ("[none, all]"), which is all they show of them; null for any other validator. A
     * case-insensitive validator keeps its values upper-cased and unordered: they are given in the default's case,
     * sorted.
     */
    static List<String> validValues(ConfigDef.Validator validator, String defaultValue) {
        if (!(validator instanceof ConfigDef.ValidString || validator instanceof ConfigDef.ValidList
                || validator instanceof ConfigDef.CaseInsensitiveValidString)) {
            return null;
        }
        String text = validator.toString();
        int open = text.indexOf('[');
        int close = text.lastIndexOf(']');
        if (open < 0 || close < open) {
            return null;
        }
        List<String> values = new ArrayList<>(List.of(text.substring(open + 1, close).split(", ", -1)));
        if (validator instanceof ConfigDef.CaseInsensitiveValidString) {
            boolean upper = defaultValue != null && !defaultValue.isEmpty()
                    && defaultValue.equals(defaultValue.toUpperCase(Locale.ROOT));
            values.replaceAll(v -> upper ? v : v.toLowerCase(Locale.ROOT));
            values.sort(null);
        }
        return values;
    }

    private static ConfigValueInfo value(ConfigValue value, Type type, String name, Map<String, String> raw) {
        String rendered;
        boolean secret = type == Type.PASSWORD || type == null && ConfigRedactor.isSensitiveName(name);
        if (secret && value.value() != null) {
            rendered = HIDDEN; // undefined keys named like secrets too: a validate answer may be logged or shared
        } else {
            String rawValue = raw.get(name);
            // a URL's embedded password too: validating a stored connector's config puts its stored secrets back
            rendered = EmbeddedSecrets.mask(rawValue != null && ConfigRedactor.hasPlaceholder(rawValue) ? rawValue
                    : render(value.value(), type));
        }
        List<String> recommended = new ArrayList<>();
        for (Object o : value.recommendedValues()) {
            recommended.add(render(o, type == Type.LIST ? Type.STRING : type));
        }
        return new ConfigValueInfo(name, rendered, recommended, value.errorMessages(), value.visible());
    }

    private static String render(Object value, Type type) {
        if (value == null) {
            return null;
        }
        if (value instanceof org.apache.kafka.common.config.types.Password) {
            return HIDDEN;
        }
        if (type == null || type == Type.PASSWORD) {
            return value.toString();
        }
        if (value instanceof String s) {
            return s;
        }
        try {
            return ConfigDef.convertToString(value, type);
        } catch (ClassCastException e) {
            return value.toString();
        }
    }
}
