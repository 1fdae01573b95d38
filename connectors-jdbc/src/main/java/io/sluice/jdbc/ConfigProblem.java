package io.sluice.jdbc;

import java.util.List;
import java.util.function.Supplier;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;

/** What is wrong with a configuration, and the key it is reported on by validation (and named by at start). */
public record ConfigProblem(String key, String message) {

    /** Adds each problem to its key's validation result (or to the first key's, when the key is not listed). */
    public static void addTo(Config config, List<ConfigProblem> problems) {
        for (ConfigProblem problem : problems) {
            ConfigValue target = null;
            for (ConfigValue value : config.configValues()) {
                if (value.name().equals(problem.key())) {
                    target = value;
                }
            }
            if (target == null) {
                target = new ConfigValue(problem.key());
                config.configValues().add(target);
            }
            target.addErrorMessage(problem.message());
        }
    }

    /**
     * A connector's validation after its per-key checks: the rules across keys, then what the database says,
     * each step only when the ones before found nothing (a wrong key would make the next steps' answers noise).
     */
    public static Config validateInSteps(Config perKey, Supplier<List<ConfigProblem>> acrossKeys,
                                         Supplier<List<ConfigProblem>> database) {
        for (Supplier<List<ConfigProblem>> step : List.of(acrossKeys, database)) {
            if (hasErrors(perKey)) {
                break;
            }
            addTo(perKey, step.get());
        }
        return perKey;
    }

    private static boolean hasErrors(Config config) {
        return config.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty());
    }

    /** At start: the first problem as the exception a worker reports for a bad configuration. */
    public static void throwFirst(List<ConfigProblem> problems) {
        if (!problems.isEmpty()) {
            ConfigProblem first = problems.get(0);
            throw new ConfigException(first.key() + ": " + first.message());
        }
    }
}
