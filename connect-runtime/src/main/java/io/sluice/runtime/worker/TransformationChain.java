package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.ConnectRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A connector's SMTs (transforms) with their predicates (predicates, negate), built from the
 * connector config and applied in order to every record.
 *
 * <p>Built as Apache builds it (KIP-66, KIP-585): each alias in {@code transforms} is an instance
 * of {@code transforms.<alias>.type} configured with the {@code transforms.<alias>.} sub-config
 * (less predicate and negate); a transform naming a predicate gets its own instance of
 * {@code predicates.<name>.type}, configured with the {@code predicates.<name>.} sub-config. One
 * chain belongs to one task and is applied on that task's thread only.
 */
public final class TransformationChain<R extends ConnectRecord<R>> implements AutoCloseable {

    static final String TYPE = "type";
    static final String PREDICATE = "predicate";
    static final String NEGATE = "negate";

    private static final Logger log = LoggerFactory.getLogger(TransformationChain.class);

    private final TransformationStage<R>[] stages;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TransformationChain(TransformationStage<R>[] stages) {
        this.stages = stages;
    }

    /** Builds and configures every transformation and predicate; throws ConfigException naming the bad alias. */
    public static <R extends ConnectRecord<R>> TransformationChain<R> create(Map<String, String> connectorConfig,
                                                                             Plugins plugins) {
        List<String> transformAliases = aliases(connectorConfig, ConnectorConfig.TRANSFORMS);
        List<String> predicateAliases = aliases(connectorConfig, ConnectorConfig.PREDICATES);
        for (String alias : predicateAliases) {
            String typeKey = ConnectorConfig.PREDICATES + "." + alias + "." + TYPE;
            resolveClass(plugins, typeKey, required(connectorConfig, typeKey), Predicate.class);
        }
        List<TransformationStage<R>> built = new ArrayList<>(transformAliases.size());
        try {
            for (String alias : transformAliases) {
                built.add(buildStage(connectorConfig, plugins, alias, predicateAliases));
            }
        } catch (RuntimeException e) {
            built.forEach(TransformationStage::close);
            throw e;
        }
        @SuppressWarnings("unchecked")
        TransformationStage<R>[] stages = built.toArray(new TransformationStage[0]);
        return new TransformationChain<>(stages);
    }

    /**
     * Applies the chain. Returns null when a transformation dropped the record, or when one failed
     * and the error handler tolerated it.
     */
    public R apply(R record, ErrorHandler errors, RecordContext context) {
        R current = record;
        for (TransformationStage<R> stage : stages) {
            current = stage.apply(current, errors, context);
            if (current == null) {
                return null;
            }
        }
        return current;
    }

    /** Whether there is no transformation at all, so callers may skip the chain. */
    public boolean isEmpty() {
        return stages.length == 0;
    }

    /** Closes every transformation and predicate, each with its own loader; idempotent. */
    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            for (TransformationStage<R> stage : stages) {
                stage.close();
            }
        }
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("TransformationChain[");
        for (int i = 0; i < stages.length; i++) {
            sb.append(i == 0 ? "" : ", ").append(stages[i]);
        }
        return sb.append(']').toString();
    }

    private static <R extends ConnectRecord<R>> TransformationStage<R> buildStage(
            Map<String, String> config, Plugins plugins, String alias, List<String> predicateAliases) {
        String prefix = ConnectorConfig.TRANSFORMS + "." + alias + ".";
        String typeKey = prefix + TYPE;
        String type = required(config, typeKey);
        resolveClass(plugins, typeKey, type, Transformation.class);

        String predicateKey = prefix + PREDICATE;
        String predicateAlias = trimmedOrNull(config.get(predicateKey));
        if (predicateAlias != null && !predicateAliases.contains(predicateAlias)) {
            throw new ConfigException(predicateKey, predicateAlias,
                    "The predicate '" + predicateAlias + "' is not listed in '" + ConnectorConfig.PREDICATES + "'");
        }
        String negateKey = prefix + NEGATE;
        boolean negate = parseBoolean(negateKey, config.get(negateKey));

        Map<String, Object> transformConfig = subConfig(config, prefix);
        transformConfig.remove(PREDICATE);
        transformConfig.remove(NEGATE);

        @SuppressWarnings("unchecked")
        Transformation<R> transformation = plugins.newPlugin(type, Transformation.class);
        configure(prefix, transformation, () -> transformation.configure(transformConfig));
        Predicate<R> predicate = null;
        if (predicateAlias != null) {
            String predicatePrefix = ConnectorConfig.PREDICATES + "." + predicateAlias + ".";
            try {
                @SuppressWarnings("unchecked")
                Predicate<R> p = plugins.newPlugin(config.get(predicatePrefix + TYPE).trim(), Predicate.class);
                Map<String, Object> predicateConfig = subConfig(config, predicatePrefix);
                configure(predicatePrefix, p, () -> p.configure(predicateConfig));
                predicate = p;
            } catch (RuntimeException e) {
                // a predicate that failed to configure was closed already
                TransformationStage.closeQuietly(transformation);
                throw e;
            }
        }
        return new TransformationStage<>(alias, transformation, predicate, negate);
    }

    /** The trimmed, non-empty aliases of a list key; Apache rejects duplicates. */
    private static List<String> aliases(Map<String, String> config, String key) {
        String value = config.get(key);
        List<String> aliases = new ArrayList<>();
        if (value == null || value.isBlank()) {
            return aliases;
        }
        for (String part : value.split(",")) {
            String alias = part.trim();
            if (alias.isEmpty()) {
                continue;
            }
            if (aliases.contains(alias)) {
                throw new ConfigException(key, value, "Duplicate alias provided.");
            }
            aliases.add(alias);
        }
        return aliases;
    }

    private static String required(Map<String, String> config, String key) {
        String value = trimmedOrNull(config.get(key));
        if (value == null) {
            throw new ConfigException("Missing required configuration \"" + key + "\" which has no default value.");
        }
        return value;
    }

    private static void resolveClass(Plugins plugins, String key, String name, Class<?> base) {
        try {
            plugins.pluginClass(name, base);
        } catch (ConnectException e) {
            throw new ConfigException(key, name, e.getMessage());
        }
    }

    private static boolean parseBoolean(String key, String value) {
        String trimmed = trimmedOrNull(value);
        if (trimmed == null) {
            return false;
        }
        return switch (trimmed.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new ConfigException(key, value, "Expected value to be either true or false");
        };
    }

    private static String trimmedOrNull(String value) {
        if (value == null) {
            return null;
        }
        String trimmed = value.trim();
        return trimmed.isEmpty() ? null : trimmed;
    }

    /** Every key under the prefix, the prefix stripped (type included, as Apache passes it). */
    private static Map<String, Object> subConfig(Map<String, String> config, String prefix) {
        Map<String, Object> sub = new HashMap<>();
        for (Map.Entry<String, String> entry : config.entrySet()) {
            if (entry.getKey().startsWith(prefix)) {
                sub.put(entry.getKey().substring(prefix.length()), entry.getValue());
            }
        }
        return sub;
    }

    /** Runs a plugin's configure with its loader; a failure becomes a ConfigException naming the prefix. */
    private static void configure(String prefix, Object plugin, Runnable configure) {
        try {
            TransformationStage.withLoader(plugin, configure);
        } catch (ConfigException e) {
            ConfigException wrapped = new ConfigException("Invalid configuration under '" + prefix + "' for "
                    + plugin.getClass().getName() + ": " + e.getMessage());
            wrapped.initCause(e);
            TransformationStage.closeQuietly(plugin);
            throw wrapped;
        } catch (RuntimeException e) {
            TransformationStage.closeQuietly(plugin);
            throw new ConnectException("Could not configure " + plugin.getClass().getName() + " under '"
                    + prefix + "': " + e.getMessage(), e);
        }
        log.debug("Configured {} from '{}'", plugin.getClass().getName(), prefix);
    }
}
