package io.sluice.runtime.config;

import io.sluice.runtime.plugins.Plugins;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Which values of a connector config are secrets, so that configs Sluice shows to someone who did not send them
 * are masked: a key is secret when a definition that applies to the config types it PASSWORD (the connector's own,
 * its converters', transformations' and predicates' under their prefixes, the Kafka clients' under
 * producer/consumer/admin.override.), or, when no definition knows it, when its name says so
 * ({@link ConfigRedactor#isSensitiveName}). Other values have the secrets embedded in them masked (a JDBC URL's
 * password parameter or user:password@, {@link EmbeddedSecrets}). A config provider placeholder is shown as it
 * is: it names where the secret lives, not the secret.
 */
public final class SecretKeys {
    private static final Logger log = LoggerFactory.getLogger(SecretKeys.class);
    public static final String MASK = ConfigRedactor.HIDDEN;

    /** Each plugin class's own keys, true for PASSWORD ones; weakly held, so a replaced plugin's loader can go. */
    private static final ClassValue<Map<String, Boolean>> PLUGIN_KEYS = new ClassValue<>() {
        @Override
        protected Map<String, Boolean> computeValue(Class<?> type) {
            try {
                return keys(Plugins.configDef(Plugins.newInstance(type)));
            } catch (RuntimeException | LinkageError e) {
                log.debug("Cannot read the config definition of {}; its keys are judged by name", type.getName(), e);
                return Map.of();
            }
        }
    };
    private static final Map<String, Map<String, Boolean>> CLIENT_KEYS = Map.of(
            ConnectorConfig.PRODUCER_OVERRIDES_PREFIX, keys(ProducerConfig.configDef()),
            ConnectorConfig.CONSUMER_OVERRIDES_PREFIX, keys(ConsumerConfig.configDef()),
            ConnectorConfig.ADMIN_OVERRIDES_PREFIX, keys(AdminClientConfig.configDef()));
    private static final Map<String, Boolean> FRAMEWORK_KEYS = frameworkKeys();

    private final Plugins plugins;

    /** Secret keys judged with the plugins' definitions; with null plugins, by the framework's and by name only. */
    public SecretKeys(Plugins plugins) {
        this.plugins = plugins;
    }

    /** Whether a key of this connector config holds a secret. */
    public boolean isSecret(Map<String, String> config, String key) {
        return new Definitions(config).isSecret(key);
    }

    /** A copy of the config, in its order, with every secret value (other than a placeholder) replaced by {@link #MASK}. */
    public Map<String, String> mask(Map<String, String> config) {
        return maskWith(config, config);
    }

    /**
     * A copy of {@code values} (e.g. a task config) with the secrets of the connector config {@code connectorConfig}
     * masked: the keys it defines as secrets, and keys named like secrets.
     */
    public Map<String, String> maskWith(Map<String, String> values, Map<String, String> connectorConfig) {
        Definitions definitions = new Definitions(connectorConfig);
        Map<String, String> masked = new LinkedHashMap<>();
        values.forEach((key, value) -> masked.put(key, value != null && !ConfigRedactor.hasPlaceholder(value)
                && definitions.isSecret(key) ? MASK : EmbeddedSecrets.mask(value)));
        return masked;
    }

    /**
     * The secrets of a connector config, to hide in text shown about the connector: the values of its secret keys,
     * the secrets embedded in its other values, and every value a config provider placeholder of {@code raw}
     * resolved to in {@code resolved} (either map may be the other).
     */
    public SecretValues secretValues(Map<String, String> raw, Map<String, String> resolved) {
        Definitions definitions = new Definitions(resolved);
        List<String> found = new ArrayList<>();
        resolved.forEach((key, value) -> {
            if (value == null || ConfigRedactor.hasPlaceholder(value)) {
                return; // an unresolved placeholder names where the secret lives, not the secret
            }
            if (definitions.isSecret(key) || ConfigRedactor.hasPlaceholder(raw.get(key))) {
                found.add(value);
            }
            found.addAll(EmbeddedSecrets.find(value));
        });
        return new SecretValues(found);
    }

    /** As above, placeholders resolved by {@code providers}; a config that does not resolve counts as it is. */
    public SecretValues secretValues(Map<String, String> raw, ConfigProviders providers) {
        Map<String, String> resolved = raw;
        try {
            resolved = providers == null ? raw : providers.resolve(raw);
        } catch (RuntimeException e) {
            // whoever uses the config fails on it and says why; its raw values are still judged
        }
        return secretValues(raw, resolved);
    }

    /**
     * The submitted config with each secret sent back masked (a client that read the masked config and saves it
     * again) replaced by the stored value, and each masked part of a value by the stored value's embedded secret,
     * so a round trip through a masked view never overwrites a secret.
     */
    public Map<String, String> unmask(Map<String, String> submitted, Map<String, String> stored) {
        if (stored == null || submitted.values().stream().noneMatch(v -> v != null && v.contains(MASK))) {
            return submitted;
        }
        Definitions definitions = new Definitions(stored);
        Map<String, String> result = new LinkedHashMap<>(submitted);
        submitted.forEach((key, value) -> {
            if (value == null || !stored.containsKey(key)) {
                return;
            }
            if (MASK.equals(value) && definitions.isSecret(key)) {
                result.put(key, stored.get(key));
            } else {
                result.put(key, EmbeddedSecrets.restore(value, stored.get(key)));
            }
        });
        return result;
    }

    /** The key definitions that apply to one connector config. */
    private final class Definitions {
        private final Map<String, Boolean> keys = new HashMap<>(FRAMEWORK_KEYS);

        Definitions(Map<String, String> config) {
            add("", pluginKeys(config.get(ConnectorConfig.CONNECTOR_CLASS), Connector.class));
            add(ConnectorConfig.KEY_CONVERTER + ".", pluginKeys(config.get(ConnectorConfig.KEY_CONVERTER), Converter.class));
            add(ConnectorConfig.VALUE_CONVERTER + ".", pluginKeys(config.get(ConnectorConfig.VALUE_CONVERTER), Converter.class));
            add(ConnectorConfig.HEADER_CONVERTER + ".",
                    pluginKeys(config.get(ConnectorConfig.HEADER_CONVERTER), HeaderConverter.class));
            aliases(config, ConnectorConfig.TRANSFORMS, Transformation.class);
            aliases(config, ConnectorConfig.PREDICATES, Predicate.class);
            CLIENT_KEYS.forEach(this::add);
        }

        boolean isSecret(String key) {
            Boolean password = keys.get(key);
            return password != null ? password : ConfigRedactor.isSensitiveName(key);
        }

        private void aliases(Map<String, String> config, String listKey, Class<?> base) {
            String list = config.get(listKey);
            if (list == null || list.isBlank()) {
                return;
            }
            for (String alias : list.split(",")) {
                String prefix = listKey + "." + alias.trim() + ".";
                add(prefix, pluginKeys(config.get(prefix + "type"), base));
            }
        }

        private void add(String prefix, Map<String, Boolean> defined) {
            defined.forEach((key, password) -> keys.merge(prefix + key, password, Boolean::logicalOr));
        }
    }

    private Map<String, Boolean> pluginKeys(String className, Class<?> base) {
        if (plugins == null || className == null || className.isBlank() || ConfigRedactor.hasPlaceholder(className)) {
            return Map.of();
        }
        try {
            return PLUGIN_KEYS.get(plugins.pluginClass(className.trim(), base));
        } catch (RuntimeException e) {
            return Map.of(); // an unknown class: its keys are judged by name
        }
    }

    private static Map<String, Boolean> keys(ConfigDef def) {
        if (def == null) {
            return Map.of();
        }
        Map<String, Boolean> keys = new HashMap<>();
        def.configKeys().forEach((name, key) -> keys.put(name, key.type == ConfigDef.Type.PASSWORD));
        return Map.copyOf(keys);
    }

    private static Map<String, Boolean> frameworkKeys() {
        Map<String, Boolean> keys = new HashMap<>(keys(ConnectorConfig.configDef()));
        for (ConfigDef def : List.of(SinkConnectorConfig.configDef(null), SourceConnectorConfig.configDef(null))) {
            keys.putAll(keys(def));
        }
        return Map.copyOf(keys);
    }
}
