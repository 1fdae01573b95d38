package io.sluice.s3.source;

import io.sluice.s3.ObjectNames;
import io.sluice.s3.ObjectNames.StoredObject;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * What one task reads as one ordered stream with one offset: a Kafka partition of a topic the sink wrote
 * (objects in offset order, whatever their path) or a prefix of arbitrary objects (in key order).
 */
public record SourceUnit(String topic, Integer partition, String prefix) {

    private static final String TOPIC = "topic:";
    private static final String PREFIX = "prefix:";

    /** A unit of a sink-written topic; partition null for all its partitions. */
    public static SourceUnit ofTopic(String topic, Integer partition) {
        return new SourceUnit(topic, partition, null);
    }

    public static SourceUnit ofPrefix(String prefix) {
        return new SourceUnit(null, null, prefix);
    }

    /** The form in task configs and source partitions. */
    public String encode() {
        return prefix != null ? PREFIX + prefix : TOPIC + topic + ":" + (partition == null ? "*" : partition);
    }

    public static SourceUnit decode(String s) {
        SourceUnit unit = parse(s);
        if (unit == null) {
            throw new IllegalArgumentException("Not a unit of the S3 source: " + s);
        }
        return unit;
    }

    /** The unit an encoded form names, or null when it names none (a partition a user typed, say). */
    static SourceUnit parse(String s) {
        if (s.startsWith(PREFIX)) {
            return ofPrefix(s.substring(PREFIX.length()));
        }
        int colon = s.lastIndexOf(':');
        if (!s.startsWith(TOPIC) || colon <= TOPIC.length()) {
            return null;
        }
        String p = s.substring(colon + 1);
        if ("*".equals(p)) {
            return ofTopic(s.substring(TOPIC.length(), colon), null);
        }
        if (p.isEmpty() || p.length() > 9 || !p.chars().allMatch(c -> c >= '0' && c <= '9')) {
            return null;
        }
        return ofTopic(s.substring(TOPIC.length(), colon), Integer.valueOf(p));
    }

    /** The source partition of this unit's offsets. */
    public Map<String, String> sourcePartition() {
        return Map.of(S3SourceOffsets.UNIT, encode());
    }

    /** One object of the unit: its key and, for sink objects, its Kafka partition and first offset. */
    public record Item(String key, int partition, long start) {
    }

    /** The unit's objects in reading order. */
    public List<Item> list(S3Client s3, String bucket, ObjectNames names) {
        List<Item> items = new ArrayList<>();
        String listPrefix = prefix != null ? prefix : names.topicPrefix(topic);
        for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(listPrefix)).contents()) {
            String key = o.key();
            if (key.endsWith("/")) {
                continue;
            }
            if (prefix != null) {
                items.add(new Item(key, -1, 0));
                continue;
            }
            StoredObject stored = ObjectNames.parse(key).orElse(null);
            if (stored != null && !ObjectNames.isUploading(key) && stored.topic().equals(topic)
                    && (partition == null || stored.partition() == partition)) {
                items.add(new Item(key, stored.partition(), stored.start()));
            }
        }
        items.sort(order());
        return items;
    }

    /** Reading order: sink objects by Kafka partition and first offset, others by key. */
    public Comparator<Item> order() {
        return Comparator.comparingInt(Item::partition).thenComparingLong(Item::start).thenComparing(Item::key);
    }
}
