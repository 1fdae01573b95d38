package io.sluice.runtime.worker;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps secrets out of stored task configs: connectors see resolved values and often copy them
 * into their task configs; before storing, each value that is exactly a resolved placeholder of
 * the connector config is put back as the placeholder, to be resolved again when the task starts.
 */
final class TaskConfigs {
    private TaskConfigs() {
    }

    static List<Map<String, String>> withPlaceholders(List<Map<String, String>> taskConfigs,
                                                      Map<String, String> rawConfig,
                                                      Map<String, String> resolvedConfig) {
        List<Map<String, String>> result = new ArrayList<>(taskConfigs.size());
        for (Map<String, String> task : taskConfigs) {
            Map<String, String> stored = new HashMap<>(task);
            for (Map.Entry<String, String> e : task.entrySet()) {
                String raw = rawConfig.get(e.getKey());
                if (raw != null && raw.contains("${") && e.getValue() != null
                        && e.getValue().equals(resolvedConfig.get(e.getKey()))) {
                    stored.put(e.getKey(), raw);
                }
            }
            result.add(Collections.unmodifiableMap(stored));
        }
        return List.copyOf(result);
    }
}
