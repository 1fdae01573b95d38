package io.sluice.s3;

import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigValue;

/** Adds a problem found while validating a connector config to the answer of validate(), under its key. */
public final class ConfigErrors {
    private ConfigErrors() {
    }

    /** Adds message to the value of key in config; a key the config does not list gets nothing. */
    public static void add(Config config, String key, String message) {
        for (ConfigValue value : config.configValues()) {
            if (value.name().equals(key)) {
                value.addErrorMessage(message);
                return;
            }
        }
    }
}
