package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.plugins.Plugins;
import java.util.Map;
import org.apache.kafka.connect.connector.Connector;

/** Validates connector configs before they are stored; a refusal lists every problem per field. */
public final class ConnectorValidation {
    private final Plugins plugins;

    public ConnectorValidation(Plugins plugins) {
        this.plugins = plugins;
    }

    /** Throws a 400 HerderException listing every error when the config is invalid. */
    public void validateOrThrow(Map<String, String> config) {
        String connectorClass = config.get(ConnectorConfig.CONNECTOR_CLASS);
        if (connectorClass == null || connectorClass.isBlank()) {
            throw HerderException.badRequest("Connector config " + config.get(ConnectorConfig.NAME)
                    + " contains no connector type");
        }
        plugins.pluginClass(connectorClass, Connector.class);
    }
}
