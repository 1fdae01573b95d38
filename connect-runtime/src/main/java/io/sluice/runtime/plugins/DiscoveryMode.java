package io.sluice.runtime.plugins;

import java.util.Locale;
import org.apache.kafka.common.config.ConfigException;

/** How plugins are found (Apache's plugin.discovery, KIP-898): by scanning class files, by ServiceLoader manifests, or both. */
public enum DiscoveryMode {
    /** Scan class files only; manifests are ignored. */
    ONLY_SCAN,
    /** Scan and read manifests; warn about plugins that have no manifest. Apache's default. */
    HYBRID_WARN,
    /** Scan and read manifests; refuse to start when a plugin has no manifest. */
    HYBRID_FAIL,
    /** Read manifests only: the fastest start, but plugins without a manifest are invisible. */
    SERVICE_LOAD;

    boolean scansClasses() {
        return this != SERVICE_LOAD;
    }

    boolean readsManifests() {
        return this != ONLY_SCAN;
    }

    /** Parses a plugin.discovery value (case-insensitive); null or blank means {@link #HYBRID_WARN}. */
    public static DiscoveryMode parse(String value) {
        if (value == null || value.isBlank()) {
            return HYBRID_WARN;
        }
        try {
            return valueOf(value.trim().toUpperCase(Locale.ROOT));
        } catch (IllegalArgumentException e) {
            throw new ConfigException("plugin.discovery", value,
                    "must be one of only_scan, hybrid_warn, hybrid_fail, service_load");
        }
    }
}
