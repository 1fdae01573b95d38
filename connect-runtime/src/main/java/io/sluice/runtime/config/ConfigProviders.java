package io.sluice.runtime.config;

import io.sluice.runtime.plugins.LoaderSwap;
import io.sluice.runtime.plugins.Plugins;
import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.config.ConfigChangeCallback;
import org.apache.kafka.common.config.ConfigData;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigTransformer;
import org.apache.kafka.common.config.provider.ConfigProvider;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's config providers (config.providers): resolves ${provider:[path:]key} placeholders
 * in connector configs when a connector or task starts. Resolved values are never logged.
 * Each provider is {@code config.providers.<name>.class} (a class name or alias, loaded through the
 * plugins) configured with the {@code config.providers.<name>.param.*} keys.
 */
public final class ConfigProviders implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(ConfigProviders.class);
    static final String PREFIX = WorkerConfig.CONFIG_PROVIDERS + ".";

    private final Map<String, ConfigProvider> providers;
    private final ConfigTransformer transformer;

    public ConfigProviders(WorkerConfig config, Plugins plugins) {
        this(config.originalsStrings(), plugins);
    }

    /** Providers from raw worker properties; a provider that fails to load or configure fails the whole set. */
    public ConfigProviders(Map<String, String> workerProps, Plugins plugins) {
        this.providers = instantiate(workerProps, plugins);
        this.transformer = new ConfigTransformer(providers);
    }

    /** The configured provider names. */
    public Set<String> names() {
        return Collections.unmodifiableSet(providers.keySet());
    }

    /**
     * A copy of the config with every placeholder resolved; placeholders naming no configured provider,
     * or a key the provider doesn't have, are left as they are.
     *
     * @throws ConnectException naming the config key (never its value) when a provider fails
     */
    public Map<String, String> resolve(Map<String, String> config) {
        return resolve(config, transformer);
    }

    private static Map<String, String> resolve(Map<String, String> config, ConfigTransformer transformer) {
        Map<String, String> result = new LinkedHashMap<>(config);
        for (Map.Entry<String, String> e : config.entrySet()) {
            if (!ConfigRedactor.hasPlaceholder(e.getValue())) {
                continue;
            }
            // one key at a time, so that a failure names the key that caused it
            try {
                String resolved = transformer.transform(Map.of(e.getKey(), e.getValue())).data().get(e.getKey());
                result.put(e.getKey(), resolved);
            } catch (RuntimeException ex) {
                throw new ConnectException("Could not resolve the config provider placeholder in config '"
                        + e.getKey() + "': " + ex.getMessage(), ex);
            }
        }
        return result;
    }

    /**
     * Resolves placeholders in a worker config with the providers the worker config itself declares
     * (as Apache supports); the providers are closed before this returns. The config.providers.* keys
     * are kept as written.
     */
    public static Map<String, String> resolveWorkerConfig(Map<String, String> raw, Plugins plugins) {
        boolean anyPlaceholder = raw.entrySet().stream()
                .anyMatch(e -> !e.getKey().startsWith(PREFIX) && ConfigRedactor.hasPlaceholder(e.getValue()));
        if (!anyPlaceholder) {
            return new LinkedHashMap<>(raw);
        }
        try (ConfigProviders own = new ConfigProviders(raw, plugins)) {
            Map<String, String> toResolve = new LinkedHashMap<>(raw);
            toResolve.keySet().removeIf(k -> k.startsWith(PREFIX));
            Map<String, String> result = new LinkedHashMap<>(raw);
            result.putAll(own.resolve(toResolve));
            return result;
        }
    }

    private static Map<String, ConfigProvider> instantiate(Map<String, String> props, Plugins plugins) {
        Map<String, ConfigProvider> result = new LinkedHashMap<>();
        List<String> names = parseNames(props.get(WorkerConfig.CONFIG_PROVIDERS));
        try {
            for (String name : names) {
                String classKey = PREFIX + name + ".class";
                String className = props.get(classKey);
                if (className == null || className.isBlank()) {
                    log.warn("Config provider '{}' is listed in {} but {} is not set; it is ignored",
                            name, WorkerConfig.CONFIG_PROVIDERS, classKey);
                    continue;
                }
                result.put(name, newProvider(name, className.trim(), paramsOf(props, name), plugins));
            }
        } catch (RuntimeException e) {
            result.values().forEach(ConfigProviders::closeQuietly);
            throw e;
        }
        return result;
    }

    private static List<String> parseNames(String value) {
        if (value == null) {
            return List.of();
        }
        @SuppressWarnings("unchecked")
        List<String> names = (List<String>) ConfigDef.parseType(WorkerConfig.CONFIG_PROVIDERS, value, ConfigDef.Type.LIST);
        return names.stream().filter(n -> !n.isBlank()).distinct().toList();
    }

    private static Map<String, String> paramsOf(Map<String, String> props, String name) {
        String paramPrefix = PREFIX + name + ".param.";
        Map<String, String> params = new LinkedHashMap<>();
        props.forEach((k, v) -> {
            if (k.startsWith(paramPrefix)) {
                params.put(k.substring(paramPrefix.length()), v);
            }
        });
        return params;
    }

    private static ConfigProvider newProvider(String name, String className, Map<String, String> params, Plugins plugins) {
        ConfigProvider provider;
        try {
            provider = plugins.newPlugin(className, ConfigProvider.class);
        } catch (RuntimeException e) {
            throw new ConnectException("Could not load config provider '" + name + "' (" + PREFIX + name
                    + ".class=" + className + "): " + e.getMessage(), e);
        }
        try (LoaderSwap swap = LoaderSwap.to(provider.getClass().getClassLoader())) {
            provider.configure(params);
        } catch (RuntimeException e) {
            closeQuietly(provider);
            throw new ConnectException("Could not configure config provider '" + name + "' (" + className + "): "
                    + e.getMessage(), e);
        }
        log.info("Config provider '{}' is {}", name, provider.getClass().getName());
        return new LoaderScopedProvider(provider);
    }

    private static void closeQuietly(ConfigProvider provider) {
        try {
            provider.close();
        } catch (IOException | RuntimeException e) {
            log.warn("Closing config provider {} failed", provider.getClass().getName(), e);
        }
    }

    @Override
    public void close() {
        List<ConfigProvider> toClose;
        synchronized (providers) {
            toClose = new ArrayList<>(providers.values());
            providers.clear();
        }
        toClose.forEach(ConfigProviders::closeQuietly);
    }

    /** Runs every provider call with the provider's own loader as thread context loader. */
    private record LoaderScopedProvider(ConfigProvider delegate) implements ConfigProvider {
        private LoaderSwap swap() {
            return LoaderSwap.to(delegate.getClass().getClassLoader());
        }

        @Override
        public void configure(Map<String, ?> configs) {
            try (LoaderSwap s = swap()) {
                delegate.configure(configs);
            }
        }

        @Override
        public ConfigData get(String path) {
            try (LoaderSwap s = swap()) {
                return delegate.get(path);
            }
        }

        @Override
        public ConfigData get(String path, Set<String> keys) {
            try (LoaderSwap s = swap()) {
                return delegate.get(path, keys);
            }
        }

        @Override
        public void subscribe(String path, Set<String> keys, ConfigChangeCallback callback) {
            try (LoaderSwap s = swap()) {
                delegate.subscribe(path, keys, callback);
            }
        }

        @Override
        public void unsubscribe(String path, Set<String> keys, ConfigChangeCallback callback) {
            try (LoaderSwap s = swap()) {
                delegate.unsubscribe(path, keys, callback);
            }
        }

        @Override
        public void close() throws IOException {
            try (LoaderSwap s = swap()) {
                delegate.close();
            }
        }
    }
}
