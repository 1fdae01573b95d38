package io.sluice.runtime.schemaregistry;

import io.sluice.runtime.schemaregistry.compatibility.CompatibilityChecker;
import io.sluice.runtime.schemaregistry.compatibility.CompatibilityLevel;
import io.sluice.runtime.schemaregistry.storage.RegistryRecord;
import io.sluice.runtime.schemaregistry.storage.RegistryState;
import io.sluice.runtime.schemaregistry.storage.SchemaStore;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Confluent Schema Registry's operations on subjects, versions and ids over the schemas topic: registration with
 * compatibility checks and global ids, lookup, soft and permanent deletion, references. Writes are made one at a
 * time (ids and versions are given out in topic order); reads use the store's in-memory state.
 */
public final class SchemaRegistry {
    private static final Logger log = LoggerFactory.getLogger(SchemaRegistry.class);

    private final SchemaStore store;
    private final Object writeLock = new Object();
    private final RegistrySettings settings;
    private final java.util.concurrent.atomic.LongAdder versionsWritten = new java.util.concurrent.atomic.LongAdder();

    public SchemaRegistry(SchemaStore store, CompatibilityLevel defaultLevel) {
        this.store = store;
        this.settings = new RegistrySettings(store, defaultLevel, writeLock);
    }

    public RegistrySettings settings() {
        return settings;
    }

    private RegistryState state() {
        return store.state();
    }

    /** Subject names, in order; soft-deleted subjects only with deleted. */
    public List<String> subjects(String prefix, boolean deleted) {
        return state().subjects(deleted).stream().filter(s -> prefix == null || s.startsWith(prefix)).toList();
    }

    /**
     * Every version of the subjects starting with prefix, by subject then version (GET /schemas); soft-deleted ones
     * only with deleted; latestOnly: each subject's latest of those.
     */
    public List<SchemaVersion> schemas(String prefix, boolean deleted, boolean latestOnly) {
        List<SchemaVersion> schemas = new ArrayList<>();
        for (String subject : subjects(prefix, deleted)) {
            List<SchemaVersion> versions = state().versions(subject, deleted);
            if (latestOnly && !versions.isEmpty()) {
                schemas.add(versions.get(versions.size() - 1));
            } else {
                schemas.addAll(versions);
            }
        }
        return schemas;
    }

    /** A subject's version numbers; 40401 when it has none. */
    public List<Integer> versions(String subject, boolean deleted) {
        List<Integer> versions = state().versions(subject, deleted).stream().map(SchemaVersion::version).toList();
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        return versions;
    }

    /** A version by number, "latest" or -1; 40401, 40402 or 42202 when there is none. */
    public SchemaVersion version(String subject, String version, boolean deleted) {
        int number = parseVersion(version);
        List<SchemaVersion> versions = state().versions(subject, true);
        if (versions.stream().noneMatch(v -> deleted || !v.deleted())) {
            throw RegistryException.subjectNotFound(subject);
        }
        Optional<SchemaVersion> found = number == -1
                ? versions.stream().filter(v -> deleted || !v.deleted()).reduce((a, b) -> b)
                : versions.stream().filter(v -> v.version() == number && (deleted || !v.deleted())).findFirst();
        return found.orElseThrow(() -> RegistryException.versionNotFound(number == -1 ? "latest" : number));
    }

    /** The version of subject whose schema is this one; 40401 or 40403 when none. */
    public SchemaVersion lookup(String subject, SchemaRequest request, boolean normalize, boolean deleted) {
        List<SchemaVersion> versions = state().versions(subject, deleted);
        if (versions.isEmpty()) {
            throw RegistryException.subjectNotFound(subject);
        }
        ParsedSchema parsed = parse(request);
        boolean normalized = normalize || settings.normalizes(subject);
        String wanted = normalized ? parsed.normalized() : parsed.canonical();
        for (int i = versions.size() - 1; i >= 0; i--) {
            SchemaVersion v = versions.get(i);
            if (v.schemaType().equals(request.schemaType()) && v.references().equals(request.references())
                    && (v.schema().equals(wanted) || sameSchema(v, parsed, normalized))) {
                return v;
            }
        }
        throw RegistryException.schemaNotFound();
    }

    private boolean sameSchema(SchemaVersion stored, ParsedSchema candidate, boolean normalized) {
        ParsedSchema parsedStored = parse(new SchemaRequest(stored.schema(), stored.schemaType(), stored.references(),
                null, null));
        return normalized ? parsedStored.normalized().equals(candidate.normalized())
                : parsedStored.canonical().equals(candidate.canonical());
    }

    /**
     * Registers a schema under subject: the existing version's id if the subject already has it, else a new
     * version (after the compatibility check) with the schema's global id, the same for the same schema in any
     * subject. In IMPORT mode the request's id (and version) are kept and nothing is checked.
     */
    public SchemaVersion register(String subject, SchemaRequest request, boolean normalize) {
        requireValidSubject(subject);
        synchronized (writeLock) {
            store.readToEnd();
            Mode mode = settings.effectiveMode(subject);
            settings.requireWritable(subject);
            ParsedSchema parsed = parse(request);
            String text = normalize || settings.normalizes(subject) ? parsed.normalized() : parsed.canonical();
            SchemaVersion.SchemaContent content = new SchemaVersion.SchemaContent(request.schemaType(), text,
                    request.references());
            List<SchemaVersion> live = state().versions(subject, false);
            for (SchemaVersion v : live) {
                if (v.content().equals(content)) {
                    if (request.id() != null && request.id() >= 0 && request.id() != v.id()) {
                        throw RegistryException.idDoesNotMatch("The ID of an imported schema does not match the existing ID");
                    }
                    return v;
                }
            }
            Optional<Integer> existingId = state().idOf(content);
            int id;
            if (mode == Mode.IMPORT) {
                if (request.id() == null || request.id() < 0) {
                    throw RegistryException.notPermitted("Subject " + subject + " is in import mode: the schema's id is required");
                }
                id = request.id();
                Optional<SchemaVersion> holder = state().schemaById(id);
                if (holder.isPresent() && !holder.get().content().equals(content)) {
                    throw RegistryException.idDoesNotMatch("Overwrite new schema with id " + id
                            + " is not permitted: the id is used by another schema");
                }
            } else {
                if (request.id() != null && request.id() >= 0 && !existingId.equals(Optional.of(request.id()))) {
                    throw RegistryException.notPermitted("Subject " + subject + " is not in import mode");
                }
                checkCompatible(subject, parsed, live);
                id = existingId.orElse(state().maxId() + 1);
            }
            int version = mode == Mode.IMPORT && request.version() != null && request.version() > 0
                    ? request.version() : state().maxVersion(subject) + 1;
            if (state().version(subject, version).isPresent()) {
                throw RegistryException.notPermitted("Version " + version + " of subject " + subject + " already exists");
            }
            SchemaVersion registered = new SchemaVersion(subject, version, id, request.schemaType(),
                    request.references(), text, false);
            store.write(new RegistryRecord.Schema(subject, version, registered));
            versionsWritten.increment();
            log.info("Registered schema id {} as version {} of subject {}", id, version, subject);
            return registered;
        }
    }

    private void checkCompatible(String subject, ParsedSchema candidate, List<SchemaVersion> live) {
        List<String> problems = compatibilityProblems(settings.effectiveLevel(subject), candidate, live);
        if (!problems.isEmpty()) {
            throw RegistryException.incompatible(subject, problems);
        }
    }

    /**
     * Why the schema could not be registered after subject's given version (or, when version is null, after the
     * versions the subject's level checks); empty when it could.
     */
    public List<String> checkCompatibility(String subject, String version, SchemaRequest request, boolean normalize) {
        ParsedSchema parsed = parse(request);
        CompatibilityLevel level = settings.effectiveLevel(subject);
        if (version == null) {
            return compatibilityProblems(level, parsed, state().versions(subject, false));
        }
        SchemaVersion against = version(subject, version, false);
        CompatibilityLevel oneVersion = switch (level) {
            case BACKWARD_TRANSITIVE -> CompatibilityLevel.BACKWARD;
            case FORWARD_TRANSITIVE -> CompatibilityLevel.FORWARD;
            case FULL_TRANSITIVE -> CompatibilityLevel.FULL;
            default -> level;
        };
        return compatibilityProblems(oneVersion, parsed, List.of(against));
    }

    private List<String> compatibilityProblems(CompatibilityLevel level, ParsedSchema candidate,
                                               List<SchemaVersion> earlier) {
        if (level == CompatibilityLevel.NONE) {
            return List.of();
        }
        List<CompatibilityChecker.Earlier> schemas = new ArrayList<>();
        for (SchemaVersion v : earlier) {
            if (!v.schemaType().equals(SchemaVersion.AVRO)) {
                return List.of("Incompatible because of different schema type");
            }
            schemas.add(new CompatibilityChecker.Earlier(v.version(), parse(new SchemaRequest(v.schema(),
                    v.schemaType(), v.references(), null, null)).schema()));
        }
        return CompatibilityChecker.check(level, candidate.schema(), schemas);
    }

    /** Soft-deletes (or, once soft-deleted, permanently deletes) one version; returns its number. */
    public int deleteVersion(String subject, String version, boolean permanent) {
        int number = parseVersion(version);
        synchronized (writeLock) {
            store.readToEnd();
            settings.requireWritable(subject);
            List<SchemaVersion> all = state().versions(subject, true);
            if (all.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            Optional<SchemaVersion> found = number == -1
                    ? all.stream().filter(v -> permanent || !v.deleted()).reduce((a, b) -> b)
                    : state().version(subject, number);
            SchemaVersion target = found.orElseThrow(() ->
                    RegistryException.versionNotFound(number == -1 ? "latest" : number));
            if (!permanent && target.deleted()) {
                throw RegistryException.versionSoftDeleted(subject, target.version());
            }
            if (permanent && !target.deleted()) {
                throw RegistryException.versionNotSoftDeleted(subject, target.version());
            }
            if (!state().referencedBy(subject, target.version(), permanent).isEmpty()) {
                throw RegistryException.referenceExists(subject, target.version());
            }
            store.write(new RegistryRecord.Schema(subject, target.version(), permanent ? null : target.withDeleted(true)));
            log.info("{} deleted version {} of subject {}", permanent ? "Permanently" : "Soft", target.version(), subject);
            return target.version();
        }
    }

    /** Soft-deletes every version of subject (or permanently, once soft-deleted); returns their numbers. */
    public List<Integer> deleteSubject(String subject, boolean permanent) {
        synchronized (writeLock) {
            store.readToEnd();
            settings.requireWritable(subject);
            List<SchemaVersion> all = state().versions(subject, true);
            if (all.isEmpty()) {
                throw RegistryException.subjectNotFound(subject);
            }
            List<SchemaVersion> targets = all.stream().filter(v -> permanent || !v.deleted()).toList();
            if (!permanent && targets.isEmpty()) {
                throw RegistryException.subjectSoftDeleted(subject);
            }
            for (SchemaVersion v : targets) {
                if (permanent && !v.deleted()) {
                    throw RegistryException.subjectNotSoftDeleted(subject);
                }
                List<Integer> referrers = new ArrayList<>(state().referencedBy(subject, v.version(), permanent));
                referrers.removeIf(id -> state().versionsWithId(id, true).stream().allMatch(r -> r.subject().equals(subject)));
                if (!referrers.isEmpty()) {
                    throw RegistryException.referenceExists(subject, v.version());
                }
            }
            List<RegistryRecord> records = new ArrayList<>();
            if (permanent) {
                for (int i = targets.size() - 1; i >= 0; i--) { // newest first: later versions may reference earlier ones
                    records.add(new RegistryRecord.Schema(subject, targets.get(i).version(), null));
                }
                if (state().mode(subject) != null) {
                    records.add(new RegistryRecord.ModeSetting(subject, null));
                }
                if (state().config(subject) != null) {
                    records.add(new RegistryRecord.Config(subject, null));
                }
            } else {
                records.add(new RegistryRecord.DeleteSubject(subject, targets.get(targets.size() - 1).version()));
            }
            store.write(records.toArray(RegistryRecord[]::new));
            log.info("{} deleted subject {} ({} versions)", permanent ? "Permanently" : "Soft", subject, targets.size());
            return targets.stream().map(SchemaVersion::version).toList();
        }
    }

    /**
     * The schema with this id; 40403 when there is none. The subject, when given, is a hint (Confluent's clients
     * send the record's subject): its version is preferred, but the id is global and found in any subject.
     */
    public SchemaVersion schemaById(int id, String subject) {
        if (subject != null && !subject.isEmpty()) {
            Optional<SchemaVersion> inSubject = state().versionsWithId(id, true).stream()
                    .filter(v -> v.subject().equals(subject)).findFirst();
            if (inSubject.isPresent()) {
                return inSubject.get();
            }
        }
        return state().schemaById(id).orElseThrow(() -> RegistryException.schemaNotFound(id));
    }

    /** Every subject's version that has this id; 40403 when there is none. */
    public List<SchemaVersion> versionsWithId(int id, boolean deleted) {
        schemaById(id, null);
        return state().versionsWithId(id, deleted);
    }

    /** The ids of schemas that reference subject's version. */
    public List<Integer> referencedBy(String subject, String version) {
        SchemaVersion v = version(subject, version, true);
        return state().referencedBy(subject, v.version(), false);
    }

    /** Schema versions this registry wrote since it started. */
    public long versionsRegistered() {
        return versionsWritten.sum();
    }

    /** Distinct schemas (ids) the topic holds. */
    public int schemaCount() {
        return state().schemaCount();
    }

    /** Whether any subject has a live version (entering IMPORT mode needs none). */
    public boolean hasSchemas(String subject) {
        return subject == null ? !state().subjects(false).isEmpty() : !state().versions(subject, false).isEmpty();
    }

    /** Parses a request's schema with its references resolved; 42201 when it is not a valid Avro schema. */
    public ParsedSchema parse(SchemaRequest request) {
        if (!request.schemaType().equals(SchemaVersion.AVRO)) {
            throw RegistryException.invalidSchema("Invalid schema type " + request.schemaType()
                    + ": this registry serves AVRO schemas");
        }
        // before parsing and checking it: a schema no record can hold is never registered, and checking one took
        // minutes (tryout18: 200,000 fields, 8.7 MB, answered POST /compatibility after 341 s)
        if (request.schema().length() > SchemaStore.MAX_RECORD_BYTES) {
            throw RegistryException.schemaTooLarge(request.schema().length(), SchemaStore.MAX_RECORD_BYTES);
        }
        Set<String> seen = new LinkedHashSet<>();
        List<String> texts = new ArrayList<>();
        for (SchemaReference ref : request.references()) {
            resolve(ref, seen, texts, 0);
        }
        return ParsedSchema.parse(request.schema(), texts);
    }

    /** Appends a reference's schema text after the texts of its own references, each once. */
    private void resolve(SchemaReference ref, Set<String> seen, List<String> texts, int depth) {
        if (depth > 32) {
            throw RegistryException.invalidSchema("Invalid schema: references nest deeper than 32 levels");
        }
        if (ref.name() == null || ref.subject() == null) {
            throw RegistryException.invalidSchema("Invalid schema: a reference needs a name, a subject and a version");
        }
        if (!seen.add(ref.subject() + "\u0000" + ref.version())) {
            return;
        }
        List<SchemaVersion> versions = state().versions(ref.subject(), true);
        Optional<SchemaVersion> target = ref.version() == -1 ? versions.stream().reduce((a, b) -> b)
                : state().version(ref.subject(), ref.version());
        SchemaVersion v = target.orElseThrow(() -> RegistryException.invalidSchema("Invalid schema: reference "
                + ref.name() + " names version " + ref.version() + " of subject " + ref.subject() + ", which does not exist"));
        for (SchemaReference nested : v.references()) {
            resolve(nested, seen, texts, depth + 1);
        }
        texts.add(v.schema());
    }

    /** "latest" and -1 are the latest version; any other value must be a version number (42202 otherwise). */
    static int parseVersion(String version) {
        if (version == null || version.equalsIgnoreCase("latest")) {
            return -1;
        }
        try {
            int number = Integer.parseInt(version.trim());
            if (number == -1 || number >= 1) {
                return number;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw RegistryException.invalidVersion(version);
    }

    private static void requireValidSubject(String subject) {
        if (subject == null || subject.isBlank() || subject.chars().anyMatch(Character::isISOControl)) {
            throw RegistryException.invalidSubject(subject);
        }
    }
}
