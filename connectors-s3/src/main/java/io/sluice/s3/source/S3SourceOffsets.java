package io.sluice.s3.source;

import io.sluice.s3.ObjectNames;
import io.sluice.s3.ObjectNames.StoredObject;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The rules of the S3 source's partitions and offsets, for offsets a user alters (the connector's alterOffsets) and
 * for offsets a task reads back (stored by an older version or written by hand): partition {@code {"unit":
 * "topic:<topic>:<partition>"}} (restoring what the sink wrote) or {@code {"unit": "prefix:<prefix>"}}, offset
 * {@code {"object": <key of one of the unit's objects>, "position": <records of it delivered, >= 0>}}. The unit's
 * objects before {@code object} are skipped, and so are its first {@code position} records. An object that is not
 * the unit's would sort before all of them and the whole unit be read again, so it is refused.
 */
public final class S3SourceOffsets {
    static final String UNIT = "unit";
    static final String OBJECT = "object";
    static final String POSITION = "position";
    private static final Set<String> OFFSET_KEYS = Set.of(OBJECT, POSITION);

    /** A readable offset: the object last read from and how many of its records were delivered. */
    record Stored(String object, long position) {
    }

    private S3SourceOffsets() {
    }

    /** The offset as a task uses it; IllegalArgumentException saying what is wrong when it cannot be used. */
    static Stored read(Map<String, ?> partition, Map<String, ?> offset) {
        SourceUnit unit = unit(partition);
        if (!(offset.get(OBJECT) instanceof String object) || object.isBlank()) {
            throw new IllegalArgumentException(offset.containsKey(OBJECT) ? "The value for the '" + OBJECT
                    + "' key in the offset is expected to be an object key, not " + describe(offset.get(OBJECT))
                    : "Offset objects should either be null or contain the key '" + OBJECT + "' (the key of the "
                    + "object to go on from) and optionally '" + POSITION + "'");
        }
        for (String key : offset.keySet()) {
            if (!OFFSET_KEYS.contains(key)) {
                throw new IllegalArgumentException("Offset objects hold '" + OBJECT + "' and optionally '" + POSITION
                        + "'; '" + key + "' is neither");
            }
        }
        Object value = offset.get(POSITION);
        long position = 0;
        if (value != null) {
            if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
                throw new IllegalArgumentException("The value for the '" + POSITION + "' key in the offset is expected "
                        + "to be a Long value (the records of the object already delivered), not " + describe(value));
            }
            position = ((Number) value).longValue();
            if (position < 0) {
                throw new IllegalArgumentException("The value for the '" + POSITION + "' key in the offset should be "
                        + "a non-negative value, not " + position);
            }
        }
        checkBelongs(unit, object);
        return new Stored(object, position);
    }

    /**
     * What the connector's alterOffsets refuses: a partition or offset {@link #read} refuses, or a unit the
     * connector does not read (a topic not in {@code topics}, a prefix not in {@code s3.prefixes}): its offset would
     * never be used. A null offset (a reset) may name any partition, so leftovers of an older configuration can be
     * cleaned up.
     */
    public static void checkAltered(S3SourceConfig config, Map<String, ?> partition, Map<String, ?> offset) {
        if (offset == null) {
            return;
        }
        try {
            read(partition, offset);
            SourceUnit unit = unit(partition);
            if (unit.prefix() != null ? !config.getList(S3SourceConfig.PREFIXES).contains(unit.prefix())
                    : !config.getList(S3SourceConfig.TOPICS).contains(unit.topic())) {
                throw new IllegalArgumentException("The unit '" + partition.get(UNIT) + "' is not one this connector "
                        + "reads (" + (config.restore() ? S3SourceConfig.TOPICS + "=" + config.getList(S3SourceConfig.TOPICS)
                        : S3SourceConfig.PREFIXES + "=" + config.getList(S3SourceConfig.PREFIXES))
                        + "), so its offset would never be used");
            }
        } catch (IllegalArgumentException e) {
            throw new ConnectException(e.getMessage());
        }
    }

    private static SourceUnit unit(Map<String, ?> partition) {
        if (partition == null) {
            throw new IllegalArgumentException("Partition objects cannot be null");
        }
        if (!partition.keySet().equals(Set.of(UNIT))) {
            throw new IllegalArgumentException("Partition objects hold only the key '" + UNIT + "' (\"topic:<topic>:"
                    + "<partition>\" or \"prefix:<prefix>\", as GET /connectors/{name}/offsets shows them), not "
                    + partition.keySet());
        }
        Object value = partition.get(UNIT);
        SourceUnit unit = value instanceof String s ? SourceUnit.parse(s) : null;
        if (unit == null || unit.prefix() == null && unit.partition() == null) {
            throw new IllegalArgumentException("The value for the '" + UNIT + "' key in the partition is expected to "
                    + "be \"topic:<topic>:<partition>\" or \"prefix:<prefix>\", not " + describe(value));
        }
        return unit;
    }

    /** An object of another unit would sort before all of this one's: the unit would be read again from its start. */
    private static void checkBelongs(SourceUnit unit, String object) {
        if (unit.prefix() != null) {
            if (!object.startsWith(unit.prefix())) {
                throw new IllegalArgumentException("The object '" + object + "' is not under the unit's prefix '"
                        + unit.prefix() + "'");
            }
            return;
        }
        StoredObject stored = ObjectNames.parse(object).orElse(null);
        if (stored == null || !stored.topic().equals(unit.topic()) || stored.partition() != unit.partition()) {
            throw new IllegalArgumentException("The object '" + object + "' is not one the S3 sink wrote for partition "
                    + unit.partition() + " of topic " + unit.topic() + " (<topic>+<partition>+<first offset>+<last "
                    + "offset><extension>)");
        }
    }

    /** A value as the user wrote it in JSON, strings quoted, so "5" and 5 are told apart. */
    private static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }

    /** The exception a task fails with on a stored offset it cannot use: which, why, and how to mend it. */
    static ConnectException unusable(Map<String, ?> partition, Map<String, ?> offset, String problem, String connector) {
        return new ConnectException("The stored offset " + offset + " of partition " + partition + " cannot be used: "
                + problem + ". Stop the connector, then alter (PATCH) or reset (DELETE) its offsets at /connectors/"
                + connector + "/offsets");
    }
}
