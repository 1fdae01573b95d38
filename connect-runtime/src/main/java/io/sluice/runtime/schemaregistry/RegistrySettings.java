package io.sluice.runtime.schemaregistry;

import io.sluice.runtime.schemaregistry.compatibility.CompatibilityLevel;
import io.sluice.runtime.schemaregistry.storage.RegistryRecord;
import io.sluice.runtime.schemaregistry.storage.RegistryRecord.ConfigValue;
import io.sluice.runtime.schemaregistry.storage.SchemaStore;

/** The registry's compatibility levels and modes, global and per subject (/config and /mode). */
public final class RegistrySettings {
    private final SchemaStore store;
    private final CompatibilityLevel defaultLevel;
    private final Object writeLock;

    RegistrySettings(SchemaStore store, CompatibilityLevel defaultLevel, Object writeLock) {
        this.store = store;
        this.defaultLevel = defaultLevel;
        this.writeLock = writeLock;
    }

    /** The global setting, the default level when none was written. */
    public ConfigValue globalConfig() {
        ConfigValue global = store.state().globalConfig();
        if (global == null || global.compatibilityLevel() == null) {
            return new ConfigValue(defaultLevel, global == null ? null : global.normalize());
        }
        return global;
    }

    /** The subject's own setting; with defaultToGlobal the global one when it has none, else 40408. */
    public ConfigValue config(String subject, boolean defaultToGlobal) {
        ConfigValue own = store.state().config(subject);
        if (own != null) {
            return own;
        }
        if (defaultToGlobal) {
            return globalConfig();
        }
        throw RegistryException.subjectCompatibilityNotConfigured(subject);
    }

    /** The level that applies to subject: its own, else the global one. */
    public CompatibilityLevel effectiveLevel(String subject) {
        ConfigValue own = store.state().config(subject);
        return own != null && own.compatibilityLevel() != null ? own.compatibilityLevel()
                : globalConfig().compatibilityLevel();
    }

    /** Whether schemas registered under subject are normalized even without ?normalize=true. */
    public boolean normalizes(String subject) {
        ConfigValue own = store.state().config(subject);
        Boolean normalize = own != null && own.normalize() != null ? own.normalize() : globalConfig().normalize();
        return Boolean.TRUE.equals(normalize);
    }

    /** Sets the level (and normalize, when not null) of subject, or the global one when subject is null. */
    public void setConfig(String subject, CompatibilityLevel level, Boolean normalize) {
        synchronized (writeLock) {
            requireWritable(subject);
            ConfigValue old = subject == null ? store.state().globalConfig() : store.state().config(subject);
            CompatibilityLevel keptLevel = level != null ? level : old == null ? null : old.compatibilityLevel();
            Boolean keptNormalize = normalize != null ? normalize : old == null ? null : old.normalize();
            store.write(new RegistryRecord.Config(subject, new ConfigValue(
                    keptLevel == null && subject == null ? defaultLevel : keptLevel, keptNormalize)));
        }
    }

    /** Removes subject's own setting (global: back to the default); returns what it was, 40401 when none. */
    public ConfigValue deleteConfig(String subject) {
        synchronized (writeLock) {
            requireWritable(subject);
            ConfigValue old = subject == null ? globalConfig() : store.state().config(subject);
            if (old == null) {
                throw RegistryException.subjectNotFound(subject);
            }
            store.write(new RegistryRecord.Config(subject, null));
            return old;
        }
    }

    public Mode globalMode() {
        Mode mode = store.state().globalMode();
        return mode == null ? Mode.READWRITE : mode;
    }

    /** The subject's own mode; with defaultToGlobal the global one when it has none, else 40409. */
    public Mode mode(String subject, boolean defaultToGlobal) {
        Mode own = store.state().mode(subject);
        if (own != null) {
            return own;
        }
        if (defaultToGlobal) {
            return globalMode();
        }
        throw RegistryException.subjectModeNotConfigured(subject);
    }

    /** The mode that applies to subject. */
    public Mode effectiveMode(String subject) {
        Mode own = subject == null ? null : store.state().mode(subject);
        return own != null ? own : globalMode();
    }

    /**
     * Sets the mode of subject (or the global one). Entering IMPORT needs an empty registry (or subject), unless
     * force: imported ids must not collide with ids given out here.
     */
    public void setMode(String subject, Mode mode, boolean force, boolean hasSchemas) {
        synchronized (writeLock) {
            if (mode == Mode.IMPORT && effectiveMode(subject) != Mode.IMPORT && !force && hasSchemas) {
                throw RegistryException.notPermitted("Cannot import since found existing subjects");
            }
            store.write(new RegistryRecord.ModeSetting(subject, mode));
        }
    }

    /** Removes subject's own mode; returns what it was, 40401 when none. */
    public Mode deleteMode(String subject) {
        synchronized (writeLock) {
            Mode old = store.state().mode(subject);
            if (old == null) {
                throw RegistryException.subjectNotFound(subject);
            }
            store.write(new RegistryRecord.ModeSetting(subject, null));
            return old;
        }
    }

    /** 42205 when subject (or the registry) is read-only. */
    void requireWritable(String subject) {
        if (effectiveMode(subject).readOnly()) {
            throw RegistryException.notPermitted(subject == null
                    ? "The registry is in read-only mode" : "Subject " + subject + " is in read-only mode");
        }
    }
}
