package io.sluice.runtime.config;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.junit.jupiter.api.Test;

/**
 * The worker key tables in docs/ are generated from the definitions ({@link WorkerConfig#PARTS}), as Apache
 * generates its reference with {@code ConfigDef.toHtml}: each table sits between a marker naming its part and an end
 * marker, and this test renders every part again and compares, so a key cannot ship undocumented or documented
 * differently from what the worker does. After changing a definition, run it with {@code -Dsluice.docs.write=true}
 * to rewrite the tables.
 */
class WorkerKeyDocsTest {
    private static final Path DOCS = Path.of("..", "docs");
    private static final List<String> REFERENCE = List.of("configuration.md", "distributed.md", "rest.md",
            "observability.md");
    private static final Pattern TABLE = Pattern.compile(
            "(<!-- worker keys: (\\w+) [^\\n]*-->\\n)(.*?)(<!-- end of worker keys -->)", Pattern.DOTALL);

    @Test
    void everyWorkerKeyTableIsWhatItsDefinitionSays() throws IOException {
        boolean write = Boolean.getBoolean("sluice.docs.write");
        Map<String, String> tablesFound = new TreeMap<>();
        List<String> stale = new ArrayList<>();
        for (String file : REFERENCE) {
            Path path = DOCS.resolve(file);
            String text = Files.readString(path, StandardCharsets.UTF_8);
            Matcher m = TABLE.matcher(text);
            StringBuilder regenerated = new StringBuilder();
            while (m.find()) {
                String part = m.group(2);
                ConfigDef definition = WorkerConfig.PARTS.get(part);
                if (definition == null) {
                    throw new AssertionError(file + " has a key table of '" + part + "', which is no part of "
                            + "WorkerConfig.PARTS " + WorkerConfig.PARTS.keySet());
                }
                tablesFound.merge(part, file, (a, b) -> a + ", " + b);
                String table = markdownTable(definition);
                if (!table.equals(m.group(3))) {
                    stale.add(file + " (" + part + ")");
                }
                m.appendReplacement(regenerated, Matcher.quoteReplacement(m.group(1) + table + m.group(4)));
            }
            m.appendTail(regenerated);
            if (write) {
                Files.writeString(path, regenerated.toString(), StandardCharsets.UTF_8);
            }
        }
        assertEquals(WorkerConfig.PARTS.keySet().stream().collect(Collectors.toMap(p -> p, p -> "one file")),
                tablesFound.entrySet().stream().collect(Collectors.toMap(Map.Entry::getKey,
                        e -> e.getValue().contains(",") ? e.getValue() : "one file")),
                "each part of the worker config has exactly one key table in " + REFERENCE);
        if (!write) {
            assertEquals(List.of(), stale, "key tables that differ from the definitions: run this test with "
                    + "-Dsluice.docs.write=true to regenerate them");
        }
    }

    /** One row per key, in definition order: the key, its type, default and valid values, and its documentation. */
    static String markdownTable(ConfigDef definition) {
        StringBuilder table = new StringBuilder("| key | type | default | valid values | meaning |\n")
                .append("| --- | --- | --- | --- | --- |\n");
        for (ConfigDef.ConfigKey key : definition.configKeys().values()) {
            table.append("| `").append(key.name).append("` | ")
                    .append(key.type.name().toLowerCase(java.util.Locale.ROOT)).append(" | ")
                    .append(defaultValue(key.defaultValue)).append(" | ")
                    .append(key.validator == null ? "" : cell(key.validator.toString())).append(" | ")
                    .append(cell(key.documentation)).append(" |\n");
        }
        return table.toString();
    }

    private static String defaultValue(Object value) {
        if (value == null) {
            return "(none)";
        }
        String text = value instanceof List<?> list ? list.stream().map(String::valueOf).collect(Collectors.joining(","))
                : value instanceof Class<?> cls ? cls.getName() : String.valueOf(value);
        return text.isEmpty() ? "(empty)" : "`" + text.replace("|", "\\|") + "`";
    }

    /** Markdown table cell text: pipes and angle brackets (read as HTML tags otherwise) escaped. */
    private static String cell(String text) {
        return text.replace("|", "\\|").replace("<", "\\<").replace("\n", " ");
    }
}
