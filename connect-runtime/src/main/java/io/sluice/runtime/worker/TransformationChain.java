package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.ConnectorConfigEnricher;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import java.util.ArrayList;
import java.util.List;
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
    private static final String TYPE = "type";
    private static final Logger log = LoggerFactory.getLogger(TransformationChain.class);

    private final TransformationStage<R>[] stages;
    private final AtomicBoolean closed = new AtomicBoolean();

    private TransformationChain(TransformationStage<R>[] stages) {
        this.stages = stages;
    }

    /**
     * Builds and configures every transformation and predicate the typed connector config names (its definition,
     * enriched with each alias's keys, has already checked their types load); throws ConfigException naming the
     * bad alias.
     */
    public static <R extends ConnectRecord<R>> TransformationChain<R> create(ConnectorConfig config, Plugins plugins) {
        List<String> transformAliases = config.transformAliases();
        List<String> predicateAliases = config.predicateAliases();
        List<TransformationStage<R>> built = new ArrayList<>(transformAliases.size());
        try {
            for (String alias : transformAliases) {
                built.add(buildStage(config, plugins, alias, predicateAliases));
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
            ConnectorConfig config, Plugins plugins, String alias, List<String> predicateAliases) {
        String prefix = ConnectorConfig.TRANSFORMS_PREFIX + alias + ".";
        String predicateKey = prefix + ConnectorConfigEnricher.PREDICATE;
        String predicateAlias = config.getString(predicateKey);
        predicateAlias = predicateAlias == null || predicateAlias.isBlank() ? null : predicateAlias;
        if (predicateAlias != null && !predicateAliases.contains(predicateAlias)) {
            throw new ConfigException(predicateKey, predicateAlias,
                    "The predicate '" + predicateAlias + "' is not listed in '" + ConnectorConfig.PREDICATES + "'");
        }
        boolean negate = config.getBoolean(prefix + ConnectorConfigEnricher.NEGATE);

        // the plugin gets its own keys as given (type included, as Apache passes it), not the implicit ones
        Map<String, Object> transformConfig = config.originalsWithPrefix(prefix);
        transformConfig.remove(ConnectorConfigEnricher.PREDICATE);
        transformConfig.remove(ConnectorConfigEnricher.NEGATE);

        @SuppressWarnings("unchecked")
        Transformation<R> transformation = plugins.newPlugin(config.getString(prefix + TYPE), Transformation.class);
        configure(prefix, transformation, () -> transformation.configure(transformConfig));
        Predicate<R> predicate = null;
        if (predicateAlias != null) {
            String predicatePrefix = ConnectorConfig.PREDICATES_PREFIX + predicateAlias + ".";
            try {
                @SuppressWarnings("unchecked")
                Predicate<R> p = plugins.newPlugin(config.getString(predicatePrefix + TYPE), Predicate.class);
                Map<String, Object> predicateConfig = config.originalsWithPrefix(predicatePrefix);
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
