package io.sluice.runtime.herder;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;

/** The KIP-875 JSON shape of sink offsets: parsing a request into consumer positions, and back. */
final class SinkOffsets {
    static final String KAFKA_TOPIC = "kafka_topic";
    static final String KAFKA_PARTITION = "kafka_partition";
    static final String KAFKA_OFFSET = "kafka_offset";

    private SinkOffsets() {
    }

    static Map<String, Object> partition(TopicPartition tp) {
        Map<String, Object> partition = new LinkedHashMap<>();
        partition.put(KAFKA_TOPIC, tp.topic());
        partition.put(KAFKA_PARTITION, tp.partition());
        return partition;
    }

    static Map<String, Object> offset(long offset) {
        return Map.of(KAFKA_OFFSET, offset);
    }

    /** Positions per topic partition; a null position resets the partition. Apache's messages for bad entries. */
    static Map<TopicPartition, Long> parse(Iterable<ConnectorOffsets.ConnectorOffset> offsets) {
        Map<TopicPartition, Long> parsed = new HashMap<>();
        for (ConnectorOffsets.ConnectorOffset entry : offsets) {
            if (entry == null || entry.partition() == null) {
                throw HerderException.badRequest("The partition for a sink connector offset cannot be null or missing");
            }
            Object topic = entry.partition().get(KAFKA_TOPIC);
            Object partition = entry.partition().get(KAFKA_PARTITION);
            if (!(topic instanceof String topicName) || topicName.isEmpty() || partition == null) {
                throw HerderException.badRequest("The partition for a sink connector offset must contain the keys '"
                        + KAFKA_TOPIC + "' and '" + KAFKA_PARTITION + "'");
            }
            Long partitionNumber = integer(partition);
            if (partitionNumber == null) {
                throw HerderException.badRequest("Partition values for sink connectors need to be integers");
            }
            if (partitionNumber < 0 || partitionNumber > Integer.MAX_VALUE) {
                throw HerderException.badRequest("Partition values for sink connectors must be from 0 to "
                        + Integer.MAX_VALUE + ", not " + partitionNumber + " (topic " + topicName + ")");
            }
            TopicPartition tp = new TopicPartition(topicName, partitionNumber.intValue());
            if (entry.offset() == null) {
                parsed.put(tp, null);
                continue;
            }
            if (!entry.offset().containsKey(KAFKA_OFFSET)) {
                throw HerderException.badRequest("The offset for a sink connector should either be null or contain the key '"
                        + KAFKA_OFFSET + "'");
            }
            Long position = integer(entry.offset().get(KAFKA_OFFSET));
            if (position == null) {
                throw HerderException.badRequest("Offset values for sink connectors need to be integers");
            }
            if (position < 0) {
                throw HerderException.badRequest("Offset values for sink connectors must not be negative: "
                        + KAFKA_OFFSET + " is " + position + " for " + tp + " (a null offset resets the partition instead)");
            }
            parsed.put(tp, position);
        }
        return parsed;
    }

    private static Long integer(Object value) {
        if (value instanceof Integer || value instanceof Long || value instanceof Short || value instanceof Byte) {
            return ((Number) value).longValue();
        }
        if (value instanceof String s) {
            try {
                return Long.parseLong(s.trim());
            } catch (NumberFormatException e) {
                return null;
            }
        }
        return null;
    }
}
