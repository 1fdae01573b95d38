package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.rest.ObservabilityConfig;
import io.sluice.runtime.rest.RestConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The worker key reference (docs/configuration.md, with distributed mode's keys in docs/distributed.md, REST's in
 * docs/rest.md, metrics' in docs/observability.md) names every key Sluice defines, so a new key cannot ship
 * undocumented.
 */
class WorkerKeyDocsTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final List<String> REFERENCE = List.of("configuration.md", "distributed.md", "rest.md",
            "observability.md");
    /** A key in a reference table's first column: | `key` | or | `key1`, `key2` |. */
    private static final Pattern TABLE_KEY = Pattern.compile("`([a-z][a-z0-9_.\\-]*(?:\\.[a-z0-9_\\-]+)+|[a-z]+)`");

    @Test
    void everyDefinedWorkerKeyIsInTheReference() throws IOException {
        TreeSet<String> documented = documentedKeys();
        TreeSet<String> missing = new TreeSet<>();
        for (ConfigDef def : List.of(WorkerConfig.CONFIG, RestConfig.CONFIG, ObservabilityConfig.CONFIG)) {
            for (String key : def.names()) {
                if (!documented.contains(key)) {
                    missing.add(key);
                }
            }
        }
        assertEquals(new TreeSet<String>(), missing, "keys defined but not in the docs' key tables " + REFERENCE);
    }

    private static TreeSet<String> documentedKeys() throws IOException {
        TreeSet<String> keys = new TreeSet<>();
        for (String file : REFERENCE) {
            try (Stream<String> lines = Files.lines(DOCS.resolve(file))) {
                lines.filter(line -> line.startsWith("| `")).forEach(line -> {
                    String firstColumn = line.substring(1, line.indexOf('|', 1));
                    Matcher m = TABLE_KEY.matcher(firstColumn);
                    while (m.find()) {
                        keys.add(m.group(1));
                    }
                });
            }
        }
        return keys;
    }
}
