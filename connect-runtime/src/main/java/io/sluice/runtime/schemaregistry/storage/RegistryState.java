package io.sluice.runtime.schemaregistry.storage;

import io.sluice.runtime.schemaregistry.Mode;
import io.sluice.runtime.schemaregistry.SchemaReference;
import io.sluice.runtime.schemaregistry.SchemaVersion;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;

/**
 * What the _schemas topic says, in memory: every subject's versions (soft-deleted ones flagged), schemas by id,
 * compatibility and mode settings. Changed only by the topic's reader thread through {@link #apply}; every
 * method is synchronized, and each call is short.
 */
public final class RegistryState {
    private final NavigableMap<String, NavigableMap<Integer, SchemaVersion>> subjects = new TreeMap<>();
    private final Map<Integer, SchemaVersion> schemasById = new HashMap<>();
    private final Map<SchemaVersion.SchemaContent, Integer> idsByContent = new HashMap<>();
    private final Map<String, RegistryRecord.ConfigValue> configs = new HashMap<>();
    private final Map<String, Mode> modes = new HashMap<>();
    private RegistryRecord.ConfigValue globalConfig;
    private Mode globalMode;
    private int maxId;

    /** Applies one record of the topic, in topic order. */
    public synchronized void apply(RegistryRecord record) {
        if (record instanceof RegistryRecord.Schema s) {
            applySchema(s);
        } else if (record instanceof RegistryRecord.Config c) {
            if (c.subject() == null) {
                globalConfig = c.value();
            } else if (c.value() == null) {
                configs.remove(c.subject());
            } else {
                configs.put(c.subject(), c.value());
            }
        } else if (record instanceof RegistryRecord.ModeSetting m) {
            if (m.subject() == null) {
                globalMode = m.value();
            } else if (m.value() == null) {
                modes.remove(m.subject());
            } else {
                modes.put(m.subject(), m.value());
            }
        } else if (record instanceof RegistryRecord.DeleteSubject d) {
            NavigableMap<Integer, SchemaVersion> versions = subjects.get(d.subject());
            if (versions != null) {
                versions.headMap(d.version(), true).replaceAll((v, schema) -> schema.withDeleted(true));
            }
        } else if (record instanceof RegistryRecord.ClearSubject c) {
            NavigableMap<Integer, SchemaVersion> versions = subjects.remove(c.subject());
            if (versions != null) {
                versions.values().forEach(this::forget);
            }
        }
        // Ignored records keep nothing
    }

    private void applySchema(RegistryRecord.Schema record) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.computeIfAbsent(record.subject(), s -> new TreeMap<>());
        SchemaVersion previous;
        if (record.value() == null) {
            previous = versions.remove(record.version());
            if (versions.isEmpty()) {
                subjects.remove(record.subject());
            }
        } else {
            SchemaVersion schema = record.value();
            previous = versions.put(record.version(), schema);
            schemasById.putIfAbsent(schema.id(), schema);
            idsByContent.putIfAbsent(schema.content(), schema.id());
            maxId = Math.max(maxId, schema.id());
        }
        if (previous != null && record.value() == null) {
            forget(previous);
        }
    }

    /** Drops a permanently deleted version's id when no other version uses it any more. */
    private void forget(SchemaVersion gone) {
        for (NavigableMap<Integer, SchemaVersion> versions : subjects.values()) {
            for (SchemaVersion other : versions.values()) {
                if (other.id() == gone.id()) {
                    schemasById.put(gone.id(), other);
                    return;
                }
            }
        }
        schemasById.remove(gone.id());
        idsByContent.remove(gone.content());
    }

    /** Subject names in order; with includeDeleted also those whose versions are all soft-deleted. */
    public synchronized List<String> subjects(boolean includeDeleted) {
        List<String> names = new ArrayList<>();
        subjects.forEach((name, versions) -> {
            if (includeDeleted || versions.values().stream().anyMatch(v -> !v.deleted())) {
                names.add(name);
            }
        });
        return names;
    }

    /** A subject's versions in order, soft-deleted ones only with includeDeleted. */
    public synchronized List<SchemaVersion> versions(String subject, boolean includeDeleted) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        if (versions == null) {
            return List.of();
        }
        return versions.values().stream().filter(v -> includeDeleted || !v.deleted()).toList();
    }

    public synchronized Optional<SchemaVersion> version(String subject, int version) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        return Optional.ofNullable(versions == null ? null : versions.get(version));
    }

    /** The highest version number the subject ever had (soft-deleted ones count), 0 if none. */
    public synchronized int maxVersion(String subject) {
        NavigableMap<Integer, SchemaVersion> versions = subjects.get(subject);
        return versions == null || versions.isEmpty() ? 0 : versions.lastKey();
    }

    public synchronized Optional<SchemaVersion> schemaById(int id) {
        return Optional.ofNullable(schemasById.get(id));
    }

    public synchronized Optional<Integer> idOf(SchemaVersion.SchemaContent content) {
        return Optional.ofNullable(idsByContent.get(content));
    }

    /** How many distinct schemas (ids) the topic holds. */
    public synchronized int schemaCount() {
        return schemasById.size();
    }

    /** The highest id ever seen: a new schema gets the next one. */
    public synchronized int maxId() {
        return maxId;
    }

    /** Every version (of any subject) that has the given id. */
    public synchronized List<SchemaVersion> versionsWithId(int id, boolean includeDeleted) {
        List<SchemaVersion> found = new ArrayList<>();
        for (NavigableMap<Integer, SchemaVersion> versions : subjects.values()) {
            for (SchemaVersion v : versions.values()) {
                if (v.id() == id && (includeDeleted || !v.deleted())) {
                    found.add(v);
                }
            }
        }
        return found;
    }

    /** The ids of the schemas whose references name subject's version (deleted referrers only when asked). */
    public synchronized List<Integer> referencedBy(String subject, int version, boolean includeDeleted) {
        Set<Integer> ids = new HashSet<>();
        for (NavigableMap<Integer, SchemaVersion> versions : subjects.values()) {
            for (SchemaVersion v : versions.values()) {
                if (includeDeleted || !v.deleted()) {
                    for (SchemaReference ref : v.references()) {
                        if (ref.subject().equals(subject) && ref.version() == version) {
                            ids.add(v.id());
                        }
                    }
                }
            }
        }
        return ids.stream().sorted().toList();
    }

    /** The global compatibility setting, or null when none was written. */
    public synchronized RegistryRecord.ConfigValue globalConfig() {
        return globalConfig;
    }

    /** A subject's own compatibility setting, or null. */
    public synchronized RegistryRecord.ConfigValue config(String subject) {
        return configs.get(subject);
    }

    /** The global mode, or null when none was written (READWRITE). */
    public synchronized Mode globalMode() {
        return globalMode;
    }

    /** A subject's own mode, or null. */
    public synchronized Mode mode(String subject) {
        return modes.get(subject);
    }
}
