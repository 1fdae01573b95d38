package io.sluice.s3;

import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Object keys of the sink: <topics.dir>/<topic>/<path>/<topic>+<partition>+<first offset>+<last offset><ext>.
 * Both offsets are in the name so a listing alone tells which records are stored (recovery needs no reads),
 * zero-padded so names sort in offset order.
 */
public final class ObjectNames {

    private static final Pattern NAME = Pattern.compile(
            "(?<topic>[A-Za-z0-9._-]+)\\+(?<partition>\\d+)\\+(?<start>\\d+)\\+(?<end>\\d+)(?<ext>\\.[^/]*)");
    private static final String UPLOADING = ".uploading";

    private final String topicsDir;
    private final int padWidth;

    public ObjectNames(String topicsDir, int padWidth) {
        String dir = topicsDir.trim();
        while (dir.endsWith("/")) {
            dir = dir.substring(0, dir.length() - 1);
        }
        this.topicsDir = dir;
        this.padWidth = padWidth;
    }

    /** The directory of topic's objects, ending with '/'. */
    public String topicPrefix(String topic) {
        return (topicsDir.isEmpty() ? "" : topicsDir + "/") + topic + "/";
    }

    public String key(String topic, int partition, String path, long start, long end, String extension) {
        return topicPrefix(topic) + path + "/" + topic + "+" + partition + "+" + pad(start) + "+" + pad(end) + extension;
    }

    /** Where a multipart upload is assembled before it is copied to its final name (which needs the last offset). */
    public String uploadingKey(String topic, int partition, String path, long start) {
        return topicPrefix(topic) + path + "/" + topic + "+" + partition + "+" + pad(start) + UPLOADING;
    }

    public static boolean isUploading(String key) {
        return key.endsWith(UPLOADING);
    }

    private String pad(long offset) {
        String s = Long.toString(offset);
        return s.length() >= padWidth ? s : "0".repeat(padWidth - s.length()) + s;
    }

    /** What a key names, if it is a sink object. */
    public static Optional<StoredObject> parse(String key) {
        int slash = key.lastIndexOf('/');
        Matcher m = NAME.matcher(key.substring(slash + 1));
        if (!m.matches()) {
            return Optional.empty();
        }
        String dir = slash < 0 ? "" : key.substring(0, slash);
        return Optional.of(new StoredObject(key, dir, m.group("topic"), Integer.parseInt(m.group("partition")),
                Long.parseLong(m.group("start")), Long.parseLong(m.group("end")), m.group("ext")));
    }

    /** One object the sink completed: its key, directory, Kafka partition and inclusive offset range. */
    public record StoredObject(String key, String dir, String topic, int partition, long start, long end,
                               String extension) {
        public boolean contains(long offset) {
            return offset >= start && offset <= end;
        }
    }
}
