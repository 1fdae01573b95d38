package io.sluice.runtime.schemaregistry.compatibility;

import java.util.Locale;
import java.util.Optional;

/**
 * Confluent's compatibility levels: which earlier versions a new schema is checked against (the latest one, or
 * every one for the transitive levels) and in which direction (the new schema reads old data, old schemas read
 * new data, or both).
 */
public enum CompatibilityLevel {
    NONE(false, false, false),
    BACKWARD(true, false, false),
    BACKWARD_TRANSITIVE(true, false, true),
    FORWARD(false, true, false),
    FORWARD_TRANSITIVE(false, true, true),
    FULL(true, true, false),
    FULL_TRANSITIVE(true, true, true);

    /** The new schema must read data written with the earlier ones. */
    public final boolean backward;
    /** The earlier schemas must read data written with the new one. */
    public final boolean forward;
    /** Checked against every earlier version, not only the latest. */
    public final boolean transitive;

    CompatibilityLevel(boolean backward, boolean forward, boolean transitive) {
        this.backward = backward;
        this.forward = forward;
        this.transitive = transitive;
    }

    /** The level named (case-insensitive); empty for any other name, which the registry answers with 42203. */
    public static Optional<CompatibilityLevel> named(String name) {
        if (name != null) {
            for (CompatibilityLevel level : values()) {
                if (level.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
                    return Optional.of(level);
                }
            }
        }
        return Optional.empty();
    }
}
