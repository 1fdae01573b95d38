package io.sluice.s3;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/** Accepts one of a fixed list of names (case-insensitive), listing them when the value is not one. */
public final class ChoiceValidator implements ConfigDef.Validator {
    private final List<String> choices;

    public ChoiceValidator(List<String> choices) {
        this.choices = choices;
    }

    @Override
    public void ensureValid(String name, Object value) {
        String s = value == null ? "" : value.toString().trim();
        if (choices.stream().noneMatch(c -> c.equalsIgnoreCase(s))) {
            throw new ConfigException(name, value, "Must be one of " + choices);
        }
    }

    @Override
    public String toString() {
        return String.join(", ", choices);
    }
}
