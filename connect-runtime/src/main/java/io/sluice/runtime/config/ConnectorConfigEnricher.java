package io.sluice.runtime.config;

import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.PluginType;
import io.sluice.runtime.plugins.Plugins;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Function;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Adds to a connector's ConfigDef the keys of each configured transformation and predicate alias
 * ({@code transforms.<alias>.type}, {@code .plugin.version}, {@code .predicate}, {@code .negate} and the plugin's own
 * {@code config()} keys under its prefix), as Apache's ConnectorConfig.enrich does.
 */
public final class ConnectorConfigEnricher {
    private static final Logger log = LoggerFactory.getLogger(ConnectorConfigEnricher.class);

    public static final String PREDICATE = "predicate";
    public static final String NEGATE = "negate";
    /** Apache 4.x's key of the version a transformation or predicate alias asks for. */
    public static final String VERSION = "plugin.version";

    private ConnectorConfigEnricher() {
    }

    /**
     * A copy of {@code base} enriched with the alias keys found in {@code props}. With {@code pluginKeys}
     * (validation), each alias also gets its plugin's own keys, so that they are validated and listed; an alias whose
     * type can't be loaded then gets only its type key, whose validator reports the problem. Without (a running task),
     * an alias gets only the runtime's keys (type, version, predicate, negate): its plugin checks its own keys when it
     * is configured, naming the alias's prefix.
     */
    public static ConfigDef enrich(Plugins plugins, ConfigDef base, Map<String, String> props, boolean pluginKeys) {
        ConfigDef def = new ConfigDef(base);
        enrichAliases(def, plugins, props, pluginKeys, new Kind<>("Transformation", ConnectorConfig.TRANSFORMS,
                ConnectorConfig.TRANSFORMS_GROUP, Transformation.class, PluginType.TRANSFORMATION, Transformation::config));
        enrichAliases(def, plugins, props, pluginKeys, new Kind<>("Predicate", ConnectorConfig.PREDICATES,
                ConnectorConfig.PREDICATES_GROUP, Predicate.class, PluginType.PREDICATE, Predicate::config));
        return def;
    }

    private record Kind<T>(String name, String listKey, String group, Class<T> base, PluginType type,
                           Function<T, ConfigDef> config) {
        boolean isTransformation() {
            return base == Transformation.class;
        }
    }

    private static <T> void enrichAliases(ConfigDef def, Plugins plugins, Map<String, String> props,
                                          boolean pluginKeys, Kind<T> kind) {
        Object parsed;
        try {
            parsed = ConfigDef.parseType(kind.listKey(), props.get(kind.listKey()), Type.LIST);
        } catch (ConfigException e) {
            return;
        }
        if (!(parsed instanceof List<?> aliases)) {
            return;
        }
        String lowerKind = kind.name().toLowerCase(Locale.ROOT);
        for (Object o : new LinkedHashSet<>(aliases)) {
            String alias = o.toString();
            String prefix = kind.listKey() + "." + alias + ".";
            String group = kind.group() + ": " + alias;
            String typeKey = prefix + "type";
            ConfigDef.Validator typeValidator = new TypeValidator<>(plugins, kind, prefix, props, lowerKind);
            def.define(typeKey, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, typeValidator, Importance.HIGH,
                    "Class for the '" + alias + "' " + lowerKind + ".", group, 0, Width.LONG,
                    kind.base().getSimpleName() + " type for " + alias, List.of(),
                    ConnectorConfig.pluginRecommender(plugins, kind.type()));
            String versionKey = prefix + VERSION;
            String className = props.get(typeKey);
            List<String> versions = plugins == null || className == null ? List.of() : plugins.versions(className, kind.base());
            def.define(versionKey, Type.STRING, versions.isEmpty() ? null : versions.get(0), Importance.HIGH,
                    "Version of the '" + alias + "' " + lowerKind + ".", group, 1, Width.LONG,
                    kind.base().getSimpleName() + " version for " + alias, List.of(),
                    ConnectorConfig.versionRecommender(plugins, typeKey, null, kind.base()));
            ConfigDef own = pluginConfigDef(plugins, kind, typeKey, className, pluginKeys);
            if (own != null) {
                def.embed(prefix, group, 2, own);
            }
        }
    }

    /** The alias's implicit keys, with pluginKeys also the plugin's own config(); null when the plugin can't be loaded. */
    private static <T> ConfigDef pluginConfigDef(Plugins plugins, Kind<T> kind, String typeKey, String className,
                                                 boolean pluginKeys) {
        ConfigDef result = new ConfigDef();
        if (kind.isTransformation()) {
            result.define(PREDICATE, Type.STRING, null, Importance.MEDIUM,
                    "The alias of a predicate used to determine whether to apply this transformation.");
            result.define(NEGATE, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Whether the configured predicate should be negated.");
        }
        if (!pluginKeys) {
            return result; // the type key's validator still checks the plugin loads and yields a config
        }
        ConfigDef own;
        try {
            own = configOf(plugins, kind, typeKey, className);
        } catch (ConfigException e) {
            return null;
        }
        for (ConfigDef.ConfigKey key : own.configKeys().values()) {
            if (kind.isTransformation() && (PREDICATE.equals(key.name) || NEGATE.equals(key.name))) {
                log.warn("Transformer config {} is masked by implicit config of that name", key.name);
                continue;
            }
            result.define(key);
        }
        return result;
    }

    /** Instantiates the plugin with its own loader as context loader and returns its config(). */
    static <T> ConfigDef configOf(Plugins plugins, Kind<T> kind, String typeKey, String className) {
        if (className == null || className.isBlank()) {
            throw new ConfigException(typeKey, className, "Not a " + kind.base().getSimpleName());
        }
        if (plugins == null) {
            throw new ConfigException(typeKey, className, "No plugin registry to load it from");
        }
        Class<?> cls = new PluginClassValidator(plugins, kind.base()).resolve(typeKey, className.trim());
        T instance;
        try {
            instance = Plugins.newInstance(cls.asSubclass(kind.base()));
        } catch (RuntimeException e) {
            throw new ConfigException(typeKey, className, "Error getting config definition from "
                    + kind.base().getSimpleName() + ": " + e.getMessage());
        }
        try (LoaderSwap swap = LoaderSwap.to(cls.getClassLoader())) {
            ConfigDef def = kind.config().apply(instance);
            if (def == null) {
                throw new ConnectException(cls.getName() + ".config() must return a ConfigDef that is not null.");
            }
            return def;
        } finally {
            closeQuietly(instance);
        }
    }

    private static void closeQuietly(Object plugin) {
        if (plugin instanceof AutoCloseable closeable) {
            try {
                closeable.close();
            } catch (Exception e) {
                log.debug("Closing {} after reading its config failed", plugin.getClass().getName(), e);
            }
        }
    }

    /** Checks the alias's type names a loadable plugin that yields a config, and the negate/predicate pairing. */
    private static final class TypeValidator<T> implements ConfigDef.Validator {
        private final Plugins plugins;
        private final Kind<T> kind;
        private final String prefix;
        private final Map<String, String> props;
        private final String lowerKind;

        TypeValidator(Plugins plugins, Kind<T> kind, String prefix, Map<String, String> props, String lowerKind) {
            this.plugins = plugins;
            this.kind = kind;
            this.prefix = prefix;
            this.props = props;
            this.lowerKind = lowerKind;
        }

        @Override
        public void ensureValid(String name, Object value) {
            if (value == null) {
                return; // a missing type is reported as missing
            }
            if (kind.isTransformation()) {
                String negate = prefix + NEGATE;
                String predicate = prefix + PREDICATE;
                if (props.containsKey(negate) && !props.containsKey(predicate)) {
                    throw new ConfigException("Config '" + negate + "' was provided but there is no config '"
                            + predicate + "' defining a predicate to be negated.");
                }
            }
            configOf(plugins, kind, name, value == null ? null : value.toString());
        }

        @Override
        public String toString() {
            String alias = prefix.substring(kind.listKey().length() + 1, prefix.length() - 1);
            return "valid configs for " + alias + " " + lowerKind;
        }
    }

    /** Whether a key's validator names a plugin class (reported with type CLASS, as Apache does). */
    static boolean isPluginClassKey(ConfigDef.ConfigKey key) {
        return key.validator instanceof PluginClassValidator || key.validator instanceof TypeValidator<?>;
    }
}
