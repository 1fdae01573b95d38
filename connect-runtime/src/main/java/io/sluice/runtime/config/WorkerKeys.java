package io.sluice.runtime.config;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigDef;

/**
 * Tells a worker key that is a typo from one that is merely passed on: known are the keys of Sluice's definitions,
 * those Apache Kafka Connect 4.3.1 defines (a worker config written for Apache works unchanged), and those under the
 * prefixes handed to clients, converters, config providers and listeners. Anything else gets Apache's warning.
 */
public final class WorkerKeys {
    /** Keys under these prefixes are read by what they configure, not by the worker itself. */
    private static final List<String> PASSED_ON = List.of("producer.", "consumer.", "admin.", "key.converter.",
            "value.converter.", "header.converter.", "config.providers.", "listeners.", "metrics.context.", "ssl.", "sasl.",
            "security.");
    private static final Set<String> APACHE_KEYS = apacheKeys();

    private final Set<String> known = new HashSet<>(APACHE_KEYS);

    /** Known: the keys of this definition (the worker's, {@link WorkerConfig#CONFIG}), Apache's and the passed-on prefixes. */
    public WorkerKeys(ConfigDef definition) {
        known.addAll(definition.names());
    }

    /**
     * One warning per key of the worker config that nothing knows, in Apache's words, with the known key it most
     * likely meant when one is that close.
     */
    public List<String> warnings(Map<String, ?> workerConfig) {
        List<String> warnings = new ArrayList<>();
        for (String key : new TreeSet<>(workerConfig.keySet())) {
            if (known.contains(key) || PASSED_ON.stream().anyMatch(key::startsWith)) {
                continue;
            }
            String meant = closest(key);
            warnings.add("The configuration '" + key + "' was supplied but isn't a known config."
                    + (meant == null ? "" : " Did you mean '" + meant + "'?"));
        }
        return warnings;
    }

    /** The known key within a small edit distance (a letter or two off), or null. */
    private String closest(String key) {
        String best = null;
        int bestDistance = Math.max(2, key.length() / 8) + 1;
        for (String candidate : known) {
            int distance = distance(key, candidate, bestDistance);
            if (distance < bestDistance) {
                bestDistance = distance;
                best = candidate;
            }
        }
        return best;
    }

    /** Levenshtein distance, giving up (returning limit) once it can't be below limit. */
    private static int distance(String a, String b, int limit) {
        if (Math.abs(a.length() - b.length()) >= limit) {
            return limit;
        }
        int[] previous = new int[b.length() + 1];
        int[] current = new int[b.length() + 1];
        for (int j = 0; j <= b.length(); j++) {
            previous[j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            current[0] = i;
            int rowMin = current[0];
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                current[j] = Math.min(Math.min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
                rowMin = Math.min(rowMin, current[j]);
            }
            if (rowMin >= limit) {
                return limit;
            }
            int[] swap = previous;
            previous = current;
            current = swap;
        }
        return previous[b.length()];
    }

    private static Set<String> apacheKeys() {
        Set<String> keys = new HashSet<>();
        try (BufferedReader in = new BufferedReader(new InputStreamReader(
                WorkerKeys.class.getResourceAsStream("apache-worker-keys.txt"), StandardCharsets.UTF_8))) {
            in.lines().map(String::trim).filter(l -> !l.isEmpty() && !l.startsWith("#")).forEach(keys::add);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return Set.copyOf(keys);
    }
}
