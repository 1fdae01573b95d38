package io.sluice.runtime.config;

import io.sluice.runtime.plugins.Plugins;
import java.util.Map;

/**
 * The worker's config providers (config.providers): resolves ${provider:[path:]key} placeholders
 * in connector configs when a connector or task starts. Resolved values are never logged.
 *
 * <p>SKELETON: the config room replaces this.
 */
public final class ConfigProviders implements AutoCloseable {

    public ConfigProviders(WorkerConfig config, Plugins plugins) {
    }

    /** A copy of the config with every placeholder resolved; unknown providers are left as they are. */
    public Map<String, String> resolve(Map<String, String> config) {
        return config;
    }

    @Override
    public void close() {
    }
}
