package io.sluice.runtime.config;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.config.Configuration;
import org.apache.logging.log4j.core.config.plugins.Plugin;
import org.apache.logging.log4j.core.layout.PatternLayout;
import org.apache.logging.log4j.core.pattern.ConverterKeys;
import org.apache.logging.log4j.core.pattern.LogEventPatternConverter;
import org.apache.logging.log4j.core.pattern.PatternConverter;
import org.apache.logging.log4j.core.pattern.PatternFormatter;

/**
 * {@code %hideSecrets{pattern}} in the log layout: the pattern's text with the secret values of every connector
 * config this worker has run replaced by [hidden], whoever logs them. A plugin may log its own config or a driver
 * may quote a URL with the password in it; the layout's regular expressions catch {@code password=...}, this
 * catches a secret wherever it stands. Secrets stay known for the life of the process: a deleted connector's
 * plugin may still be logging while it stops.
 */
@Plugin(name = "SecretsInLogs", category = PatternConverter.CATEGORY)
@ConverterKeys({"hideSecrets"})
public final class SecretsInLogs extends LogEventPatternConverter {
    /** Shorter values would hide ordinary words all over the log. */
    static final int MIN_LENGTH = 3;
    private static final Set<String> KNOWN = ConcurrentHashMap.newKeySet();
    /** {@link #KNOWN}, longest first so a secret containing another is hidden whole; replaced on each change. */
    private static volatile List<String> hidden = List.of();

    private final List<PatternFormatter> formatters;

    private SecretsInLogs(List<PatternFormatter> formatters) {
        super("hideSecrets", "hideSecrets");
        this.formatters = formatters;
    }

    /** Called by Log4j for {@code %hideSecrets{...}}. */
    public static SecretsInLogs newInstance(Configuration config, String[] options) {
        if (options == null || options.length != 1) {
            throw new IllegalArgumentException("%hideSecrets takes one pattern: %hideSecrets{pattern}");
        }
        return new SecretsInLogs(PatternLayout.createPatternParser(config).parse(options[0]));
    }

    /** From now on, these values never appear in a log line of this process. */
    static void hide(List<String> values) {
        boolean added = false;
        for (String value : values) {
            if (value.length() >= MIN_LENGTH) {
                added |= KNOWN.add(value);
            }
        }
        if (added) {
            synchronized (KNOWN) {
                List<String> sorted = new ArrayList<>(KNOWN);
                sorted.sort(Comparator.comparingInt(String::length).reversed());
                hidden = List.copyOf(sorted);
            }
        }
    }

    @Override
    public void format(LogEvent event, StringBuilder out) {
        int start = out.length();
        for (PatternFormatter formatter : formatters) {
            formatter.format(event, out);
        }
        SecretValues.hide(out, start, hidden);
    }

    @Override
    public boolean handlesThrowable() {
        return formatters.stream().anyMatch(PatternFormatter::handlesThrowable);
    }
}
