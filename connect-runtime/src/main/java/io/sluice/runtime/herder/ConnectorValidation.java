package io.sluice.runtime.herder;

import io.sluice.runtime.config.ConfigInfos;
import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.ConnectorConfigValidator;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.plugins.Plugins;
import java.util.Map;
import java.util.Set;

/** Validates connector configs before they are stored; a refusal lists every problem per field. */
public final class ConnectorValidation {
    private final ConnectorConfigValidator validator;

    public ConnectorValidation(Plugins plugins, ConfigProviders providers, WorkerConfig worker) {
        this.validator = new ConnectorConfigValidator(plugins, providers, worker.exactlyOnceSource(),
                Set.of(worker.configTopic(), worker.statusTopic()), worker);
    }

    /** Apache's validate answer: every framework and connector key with its errors. */
    public ConfigInfos validate(Map<String, String> config) {
        return validator.validate(config);
    }

    /** Throws a 400 HerderException listing every error, as Apache's herder words it, when the config is invalid. */
    /** Whether a config passes its definitions (required keys, types, validators), its systems not asked. */
    public boolean validInItself(Map<String, String> config) {
        return validator.validateDefinitions(config).errorCount() == 0;
    }

    public void validateOrThrow(Map<String, String> config) {
        ConfigInfos infos = validate(config);
        if (infos.errorCount() > 0) {
            throw HerderException.badRequest(ConnectorConfigValidator.summary(infos));
        }
    }
}
