package io.sluice.file.source;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The rules of the file source's partitions and offsets, for offsets a user alters (the connector's alterOffsets)
 * and for offsets a task reads back (which may have been stored by an older version or written by hand): partition
 * {@code {"path": <absolute path>}}, offset {@code {"position": <byte, >= 0>}} with, optionally, {@code "line"}
 * (lines before the position, >= 0), {@code "file.key"} (the file's identity; without it the position applies to
 * whatever file is at the path), {@code "fingerprint"} ({@code <n>:<hex CRC-32C>} of the file's first n bytes; without
 * it the file at the path is taken to be the one read) and {@code "history"} (see {@link FileHistory}).
 */
final class FileSourceOffsets {
    private static final Set<String> OFFSET_KEYS = Set.of(FileSourceTask.POSITION, FileSourceTask.LINE,
            FileSourceTask.FILE_KEY, FileSourceTask.HISTORY, FileSourceTask.FINGERPRINT);

    /**
     * A readable offset; fileKey null when it names no file, so it applies to the file at the path now; fingerprint
     * null when the offset has none (then the file's start is not compared).
     */
    record Stored(long position, long line, String fileKey, String history, String fingerprint) {

        /** Whether the offset is that of the file with this key (an offset naming no file is any file's). */
        boolean isOf(String key) {
            return fileKey == null || fileKey.equals(key);
        }
    }

    private FileSourceOffsets() {
    }

    /** The offset as the task uses it; IllegalArgumentException saying what is wrong when it cannot be used. */
    static Stored read(Map<String, ?> partition, Map<String, ?> offset) {
        String path = path(partition);
        if (!offset.containsKey(FileSourceTask.POSITION)) {
            throw new IllegalArgumentException("Offset objects should either be null or contain the key '"
                    + FileSourceTask.POSITION + "' (the byte position to read " + path + " from)");
        }
        for (String key : offset.keySet()) {
            if (!OFFSET_KEYS.contains(key)) {
                throw new IllegalArgumentException("Offset objects hold '" + FileSourceTask.POSITION + "' and optionally '"
                        + FileSourceTask.LINE + "', '" + FileSourceTask.FILE_KEY + "', '" + FileSourceTask.FINGERPRINT
                        + "' and '" + FileSourceTask.HISTORY + "'; '" + key + "' is none of them");
            }
        }
        long position = nonNegative(offset, FileSourceTask.POSITION, "a Long value (a byte position)");
        long line = offset.get(FileSourceTask.LINE) == null ? 0
                : nonNegative(offset, FileSourceTask.LINE, "a Long value (the number of lines before the position)");
        String history = text(offset, FileSourceTask.HISTORY);
        String fingerprint = text(offset, FileSourceTask.FINGERPRINT);
        if (fingerprint != null && !fingerprint.matches("[0-9]{1,4}:[0-9a-f]{1,8}")) {
            throw new IllegalArgumentException("The value for the '" + FileSourceTask.FINGERPRINT + "' key in the offset "
                    + "is expected to be <bytes>:<hex CRC-32C> as the connector writes it, not " + describe(fingerprint)
                    + " (leave it out to resume at the position in whatever file is at the path)");
        }
        return new Stored(position, line, text(offset, FileSourceTask.FILE_KEY), history == null ? "" : history,
                fingerprint);
    }

    /**
     * What the connector's alterOffsets refuses: a partition or offset {@link #read} refuses, or a partition of a
     * path the connector's inputs do not name (its offset would never be used). A null offset (a reset) may name any
     * partition, so leftovers of an older configuration can be cleaned up.
     */
    static void checkAltered(Map<String, ?> partition, Map<String, ?> offset, FileDiscovery inputs) {
        if (offset == null) {
            return;
        }
        try {
            read(partition, offset);
            Path path = Path.of(path(partition));
            if (!path.isAbsolute() || !path.equals(path.normalize()) || !inputs.reads(path)) {
                throw new IllegalArgumentException("The partition's '" + FileSourceTask.PATH + "' " + path
                        + " is not a file this connector reads (its partitions name files by absolute path, as "
                        + "GET /connectors/{name}/offsets shows them), so its offset would never be used");
            }
        } catch (IllegalArgumentException e) {
            throw new ConnectException(e.getMessage());
        }
    }

    private static String path(Map<String, ?> partition) {
        if (partition == null) {
            throw new IllegalArgumentException("Partition objects cannot be null");
        }
        if (!partition.containsKey(FileSourceTask.PATH)) {
            throw new IllegalArgumentException("Partition objects should contain the key '" + FileSourceTask.PATH
                    + "' (the file's path)" + (partition.containsKey("filename")
                    ? "; 'filename' is the key of Apache's FileStreamSource, not of this connector" : ""));
        }
        if (partition.size() > 1) {
            throw new IllegalArgumentException("Partition objects hold only the key '" + FileSourceTask.PATH
                    + "', not " + partition.keySet());
        }
        if (!(partition.get(FileSourceTask.PATH) instanceof String path) || path.isBlank()) {
            throw new IllegalArgumentException("The value for the '" + FileSourceTask.PATH
                    + "' key in the partition is expected to be a file path, not " + describe(partition.get(FileSourceTask.PATH)));
        }
        return path;
    }

    private static long nonNegative(Map<String, ?> offset, String key, String expected) {
        Object value = offset.get(key);
        if (!(value instanceof Long || value instanceof Integer || value instanceof Short || value instanceof Byte)) {
            throw new IllegalArgumentException("The value for the '" + key + "' key in the offset is expected to be "
                    + expected + ", not " + describe(value));
        }
        long number = ((Number) value).longValue();
        if (number < 0) {
            throw new IllegalArgumentException("The value for the '" + key + "' key in the offset should be a "
                    + "non-negative value, not " + number);
        }
        return number;
    }

    private static String text(Map<String, ?> offset, String key) {
        Object value = offset.get(key);
        if (value != null && !(value instanceof String)) {
            throw new IllegalArgumentException("The value for the '" + key + "' key in the offset is expected to be a "
                    + "string, not " + describe(value));
        }
        return (String) value;
    }

    /** A value as the user wrote it in JSON, strings quoted, so "5" and 5 are told apart. */
    static String describe(Object value) {
        return value instanceof String s ? "\"" + s + "\"" : String.valueOf(value);
    }
}
