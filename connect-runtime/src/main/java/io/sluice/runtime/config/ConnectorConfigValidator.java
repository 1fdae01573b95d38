package io.sluice.runtime.config;

import io.sluice.runtime.config.ConfigInfos.ConfigInfo;
import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.Plugins;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Validates a connector config the way Apache's AbstractHerder.validateConnectorConfig does: the
 * framework keys (sink or source, enriched with transforms and predicates), the connector's own
 * {@code config()} and {@code validate()}, and each configured converter's {@code config()} under
 * its prefix. Plugin failures become errors on {@code connector.class}, never exceptions.
 */
public final class ConnectorConfigValidator {
    private static final Logger log = LoggerFactory.getLogger(ConnectorConfigValidator.class);
    static final String NULL_VALUE_ERROR = "Null value can not be supplied as the configuration value.";

    private final Plugins plugins;
    private final Function<Map<String, String>, Map<String, String>> resolver;
    private final boolean exactlyOnceSource;
    /** The worker's config and status topics: no connector may keep its offsets there. */
    private final Set<String> workerStateTopics;
    /** The worker, whose converters are the defaults of a connector's; null for none. */
    private final WorkerConfig worker;

    /** A validator that checks configs as given (placeholders are validated unresolved). */
    public ConnectorConfigValidator(Plugins plugins) {
        this(plugins, null, false);
    }

    /**
     * A validator that resolves config provider placeholders first, as Apache does (providers may be null), and,
     * on a worker with exactly-once source enabled, runs KIP-618's preflight checks.
     */
    public ConnectorConfigValidator(Plugins plugins, ConfigProviders providers, boolean exactlyOnceSource) {
        this(plugins, providers, exactlyOnceSource, Set.of());
    }

    /** As above, and refuses an {@code offsets.storage.topic} naming one of the worker's config and status topics. */
    public ConnectorConfigValidator(Plugins plugins, ConfigProviders providers, boolean exactlyOnceSource,
                                    Set<String> workerStateTopics) {
        this(plugins, providers, exactlyOnceSource, workerStateTopics, null);
    }

    /** As above, on a worker whose converters are shown as the defaults of a connector's, as Apache shows them. */
    public ConnectorConfigValidator(Plugins plugins, ConfigProviders providers, boolean exactlyOnceSource,
                                    Set<String> workerStateTopics, WorkerConfig worker) {
        this.worker = worker;
        this.plugins = plugins;
        this.resolver = providers == null ? Function.identity() : providers::resolve;
        this.exactlyOnceSource = exactlyOnceSource;
        this.workerStateTopics = Set.copyOf(workerStateTopics);
    }

    /** Validates a config, loading the connector named by its connector.class through the plugins. */
    public ConfigInfos validate(Map<String, String> rawConfig) {
        return validate(rawConfig, null);
    }

    /** Validates a config against the given connector instance (or, when null, one loaded from connector.class). */
    public ConfigInfos validate(Map<String, String> rawConfig, Connector connector) {
        return validate(rawConfig, connector, true);
    }

    /**
     * Validates a config against its definitions only: the framework's and the connector's ConfigDef (required keys,
     * types, validators), without the connector's own validate(), which may reach its system (a database, a bucket).
     * What fails here is wrong in itself, whether or not that system answers.
     */
    public ConfigInfos validateDefinitions(Map<String, String> rawConfig) {
        return validate(rawConfig, null, false);
    }

    private ConfigInfos validate(Map<String, String> rawConfig, Connector connector, boolean live) {
        SecretKeys secretKeys = new SecretKeys(plugins);
        Map<String, String> props;
        try {
            props = resolver.apply(rawConfig);
        } catch (ConnectException e) {
            return frameworkOnly(rawConfig, rawConfig, e.getMessage())
                    .withErrors(secretKeys.secretValues(rawConfig, rawConfig)::redact);
        }
        // a plugin's message may quote the config it refuses (a driver's "Unable to parse URL ...password=...")
        SecretValues secrets = secretKeys.secretValues(rawConfig, props);
        return validateResolved(rawConfig, props, connector, live, secrets).withErrors(secrets::redact);
    }

    private ConfigInfos validateResolved(Map<String, String> rawConfig, Map<String, String> props, Connector connector,
                                         boolean live, SecretValues secrets) {
        String connType = props.get(ConnectorConfig.CONNECTOR_CLASS);
        if (connector == null) {
            if (connType == null) {
                return frameworkOnly(rawConfig, props, null); // reported as missing
            }
            if (connType.isBlank()) {
                return frameworkOnly(rawConfig, props, "Name a connector class or alias; GET /connector-plugins lists "
                        + "the installed ones");
            }
            try {
                connector = Plugins.newInstance(plugins.pluginClass(connType.trim(), Connector.class));
            } catch (RuntimeException e) {
                return frameworkOnly(rawConfig, props, e.getMessage());
            }
        }
        try (LoaderSwap swap = LoaderSwap.to(connector.getClass().getClassLoader())) {
            return validateWithConnector(rawConfig, props, connector, connType, live, secrets);
        }
    }

    private ConfigInfos validateWithConnector(Map<String, String> raw, Map<String, String> props, Connector connector,
                                              String connType, boolean live, SecretValues secrets) {
        boolean source = connector instanceof SourceConnector;
        ConnectorConfig.Defaults defaults = worker == null ? ConnectorConfig.Defaults.NONE
                : ConnectorConfig.Defaults.of(plugins, props, worker);
        ConfigDef base = source ? SourceConnectorConfig.enrichedConfigDef(plugins, props, defaults)
                : SinkConnectorConfig.configDef(plugins, defaults);
        ConfigDef enriched = ConnectorConfigEnricher.enrich(plugins, base, props, true);
        Map<String, ConfigValue> validated = validateAll(enriched, props);
        if (!source) {
            SinkConnectorConfig.validate(props, validated);
        }
        addNullValuedErrors(props, validated);

        Map<String, ConfigKey> keys = new LinkedHashMap<>(enriched.configKeys());
        Set<String> groups = new LinkedHashSet<>(enriched.groups());
        List<ConfigValue> values = new ArrayList<>(validated.values());
        String connectorError = null;
        try {
            ConfigDef own = connector.config();
            if (own == null) {
                connectorError = connector.getClass().getName() + ".config() must return a ConfigDef that is not null.";
            } else {
                Config config = live ? connector.validate(props) : new Config(own.validate(props));
                if (config == null) {
                    connectorError = connector.getClass().getName() + ".validate() must return a Config that is not null.";
                } else {
                    keys.putAll(own.configKeys());
                    groups.addAll(own.groups());
                    values.addAll(config.configValues());
                }
            }
        } catch (RuntimeException | LinkageError e) {
            log.warn("Connector {} failed to validate its config\n{}", connector.getClass().getName(), secrets.trace(e));
            connectorError = "The connector failed to validate its configuration: " + reason(e);
        }
        if (connectorError != null) {
            errorOn(values, ConnectorConfig.CONNECTOR_CLASS, connType).addErrorMessage(connectorError);
        }
        if (source && exactlyOnceSource) {
            ExactlyOnceChecks.check((SourceConnector) connector, props, values);
        }
        String offsetsTopic = props.get(SourceConnectorConfig.OFFSETS_STORAGE_TOPIC);
        String offsetsTopicError = source ? offsetsTopicError(offsetsTopic) : null;
        if (offsetsTopicError != null) {
            errorOn(values, SourceConnectorConfig.OFFSETS_STORAGE_TOPIC, offsetsTopic).addErrorMessage(offsetsTopicError);
        }
        ConfigInfos connectorInfos = ConfigInfosRenderer.render(connType, keys, values, new ArrayList<>(groups), raw);
        ConfigInfos header = validateConverter(raw, props, validated, ConnectorConfig.HEADER_CONVERTER,
                HeaderConverter.class, h -> ((HeaderConverter) h).config(), "header", secrets);
        ConfigInfos key = validateConverter(raw, props, validated, ConnectorConfig.KEY_CONVERTER,
                Converter.class, c -> ((Converter) c).config(), "key", secrets);
        ConfigInfos value = validateConverter(raw, props, validated, ConnectorConfig.VALUE_CONVERTER,
                Converter.class, c -> ((Converter) c).config(), "value", secrets);
        return ConfigInfosRenderer.merge(connType, connectorInfos, header, key, value);
    }

    /**
     * Why a source can't keep its offsets in this topic, or null: a name Kafka refuses would only fail the tasks
     * later, and the worker's config and status topics would read offset records back as their own.
     */
    private String offsetsTopicError(String topic) {
        if (topic == null || topic.isBlank()) {
            return null;
        }
        String name = topic.trim();
        if (workerStateTopics.contains(name)) {
            return "Topic " + name + " holds this worker's connector configs or statuses; a connector's offsets "
                    + "need the worker's offsets topic or a topic of their own.";
        }
        try {
            Topic.validate(name);
            return null;
        } catch (InvalidTopicException e) {
            return "Not a valid Kafka topic name: " + e.getMessage();
        }
    }

    /** The framework keys alone, with an optional error on connector.class (connector unknown or unloadable). */
    private ConfigInfos frameworkOnly(Map<String, String> raw, Map<String, String> props, String classError) {
        ConfigDef def = ConnectorConfigEnricher.enrich(plugins, ConnectorConfig.configDef(plugins), props, true);
        Map<String, ConfigValue> validated = validateAll(def, props);
        addNullValuedErrors(props, validated);
        List<ConfigValue> values = new ArrayList<>(validated.values());
        String connType = props.get(ConnectorConfig.CONNECTOR_CLASS);
        if (classError != null) {
            errorOn(values, ConnectorConfig.CONNECTOR_CLASS, connType).addErrorMessage(classError);
        }
        return ConfigInfosRenderer.render(connType, def.configKeys(), values, new ArrayList<>(def.groups()), raw);
    }

    private static Map<String, ConfigValue> validateAll(ConfigDef def, Map<String, String> props) {
        Map<String, String> nonNull = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (v != null) {
                nonNull.put(k, v);
            }
        });
        return def.validateAll(nonNull);
    }

    private ConfigInfos validateConverter(Map<String, String> raw, Map<String, String> props,
                                          Map<String, ConfigValue> validated, String property, Class<?> base,
                                          Function<Object, ConfigDef> configOf, String converterType,
                                          SecretValues secrets) {
        String className = props.get(property);
        ConfigValue classValue = validated.get(property);
        if (className == null || className.isBlank() || classValue == null || !classValue.errorMessages().isEmpty()) {
            return null;
        }
        Object converter;
        try {
            converter = Plugins.newInstance(plugins.pluginClass(className.trim(), base));
        } catch (RuntimeException e) {
            classValue.addErrorMessage("Failed to load class " + className + ": " + e.getMessage());
            return null;
        }
        try (LoaderSwap swap = LoaderSwap.to(converter.getClass().getClassLoader())) {
            ConfigDef def = configOf.apply(converter);
            if (def == null) {
                log.warn("{}.config() returned null; its config is not validated", converter.getClass().getName());
                return null;
            }
            String prefix = property + ".";
            Map<String, String> converterConfig = new LinkedHashMap<>();
            props.forEach((k, v) -> {
                if (k.startsWith(prefix) && v != null && !k.equals(prefix + "plugin.version")) {
                    converterConfig.put(k.substring(prefix.length()), v);
                }
            });
            if (worker != null && base == Converter.class) {
                worker.converterDefaults().forEach(converterConfig::putIfAbsent); // as the task will get them
            }
            converterConfig.putIfAbsent("converter.type", converterType);
            List<ConfigValue> values = def.validate(converterConfig);
            return ConfigInfosRenderer.prefixed(def.configKeys(), values, prefix, raw);
        } catch (RuntimeException | LinkageError e) {
            log.warn("Validating the config of {} failed\n{}", className, secrets.trace(e));
            classValue.addErrorMessage("The " + converterType + " converter failed to validate its configuration: " + reason(e));
            return null;
        } finally {
            if (converter instanceof AutoCloseable closeable) {
                try {
                    closeable.close();
                } catch (Exception e) {
                    log.debug("Closing converter {} failed", className, e);
                }
            }
        }
    }

    /** What a plugin's failure says, without its exception class: the worker's log has the whole trace. */
    private static String reason(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank() ? "it failed without saying why (the worker's log has the trace)" : message;
    }

    private static void addNullValuedErrors(Map<String, String> props, Map<String, ConfigValue> validated) {
        props.forEach((k, v) -> {
            if (v == null) {
                validated.computeIfAbsent(k, ConfigValue::new).addErrorMessage(NULL_VALUE_ERROR);
            }
        });
    }

    static ConfigValue errorOn(List<ConfigValue> values, String name, String value) {
        for (ConfigValue v : values) {
            if (v.name().equals(name)) {
                return v;
            }
        }
        ConfigValue created = new ConfigValue(name, value, new ArrayList<>(), new ArrayList<>());
        values.add(created);
        return created;
    }

    /** Apache's REST 400 message for an invalid config, each error prefixed by the key it is about. */
    public static String summary(ConfigInfos infos) {
        StringBuilder sb = new StringBuilder("Connector configuration is invalid and contains the following ")
                .append(infos.errorCount()).append(" error(s):");
        for (ConfigInfo info : infos.configs()) {
            if (info.value() != null) {
                info.value().errors().forEach(e -> sb.append('\n').append(info.value().name()).append(": ").append(e));
            }
        }
        return sb.append("\nYou can also find the above list of errors at the endpoint "
                + "`/connector-plugins/{connectorType}/config/validate`").toString();
    }
}
