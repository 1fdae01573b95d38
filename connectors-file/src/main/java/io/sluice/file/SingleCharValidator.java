package io.sluice.file;

import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Accepts one character, or the escape \t: the CSV separator of the source and the sink. */
public final class SingleCharValidator implements ConfigDef.Validator {
    /** The character a valid value names. */
    public static char charOf(String value) {
        return "\\t".equals(value) ? '\t' : value.charAt(0);
    }

    @Override
    public void ensureValid(String name, Object value) {
        String s = (String) value;
        if (s == null || !(s.length() == 1 || "\\t".equals(s))) {
            throw new ConfigException(name, value, "must be a single character (or \\t)");
        }
    }
}
