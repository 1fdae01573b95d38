package io.sluice.runtime.schemaregistry.storage;

import io.sluice.runtime.schemaregistry.Mode;
import io.sluice.runtime.schemaregistry.SchemaVersion;
import io.sluice.runtime.schemaregistry.compatibility.CompatibilityLevel;

/**
 * One record of the _schemas topic, decoded: Confluent's key types SCHEMA, CONFIG, MODE, DELETE_SUBJECT,
 * CLEAR_SUBJECT and NOOP. A null subject in CONFIG or MODE is the global setting; a null value a tombstone.
 */
public sealed interface RegistryRecord {

    /** A subject's version; value null when permanently deleted. */
    record Schema(String subject, int version, SchemaVersion value) implements RegistryRecord {
    }

    /** A compatibility setting; value null when removed. */
    record Config(String subject, ConfigValue value) implements RegistryRecord {
    }

    /** A mode setting; value null when removed. */
    record ModeSetting(String subject, Mode value) implements RegistryRecord {
    }

    /** Every version of subject up to and including version was soft-deleted. */
    record DeleteSubject(String subject, int version) implements RegistryRecord {
    }

    /** The subject's permanently deleted versions are forgotten (written when switching to IMPORT). */
    record ClearSubject(String subject) implements RegistryRecord {
    }

    /** A marker without state (Confluent writes these to find the end of the topic), or a key type Sluice ignores. */
    record Ignored(String keyType) implements RegistryRecord {
    }

    /** The body of a CONFIG record: the compatibility level and whether schemas are normalized before registration. */
    record ConfigValue(CompatibilityLevel compatibilityLevel, Boolean normalize) {
    }
}
