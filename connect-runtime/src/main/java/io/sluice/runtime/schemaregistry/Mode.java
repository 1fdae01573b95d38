package io.sluice.runtime.schemaregistry;

import java.util.Locale;

/** Confluent's registry modes: READWRITE; READONLY (no writes); READONLY_OVERRIDE; IMPORT (caller-chosen ids). */
public enum Mode {
    READWRITE, READONLY, READONLY_OVERRIDE, IMPORT;

    /** The mode named (case-insensitive), or 42204 invalid mode. */
    public static Mode parse(String name) {
        if (name != null) {
            for (Mode mode : values()) {
                if (mode.name().equals(name.trim().toUpperCase(Locale.ROOT))) {
                    return mode;
                }
            }
        }
        throw RegistryException.invalidMode();
    }

    public boolean readOnly() {
        return this == READONLY || this == READONLY_OVERRIDE;
    }
}
