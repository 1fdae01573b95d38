package io.sluice.runtime.herder;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SinkOffsetsTest {

    private static ConnectorOffsets.ConnectorOffset entry(Map<String, Object> partition, Map<String, Object> offset) {
        return new ConnectorOffsets.ConnectorOffset(partition, offset);
    }

    private static String refusal(ConnectorOffsets.ConnectorOffset entry) {
        HerderException e = assertThrows(HerderException.BadRequest.class,
                () -> SinkOffsets.parse(Collections.singletonList(entry)));
        return e.getMessage();
    }

    @Test
    void positionsAreParsedAndANullOffsetResetsThePartition() {
        Map<TopicPartition, Long> parsed = SinkOffsets.parse(List.of(
                entry(Map.of("kafka_topic", "t", "kafka_partition", 0), Map.of("kafka_offset", 5)),
                entry(Map.of("kafka_topic", "t", "kafka_partition", "1"), null)));
        Map<TopicPartition, Long> expected = new HashMap<>();
        expected.put(new TopicPartition("t", 0), 5L);
        expected.put(new TopicPartition("t", 1), null);
        assertEquals(expected, parsed);
    }

    @Test
    void malformedEntriesAreRefusedWithApachesMessages() {
        assertTrue(refusal(entry(null, null)).contains("cannot be null or missing"));
        assertTrue(refusal(entry(Map.of(), null)).contains("must contain the keys 'kafka_topic' and 'kafka_partition'"));
        assertTrue(refusal(entry(Map.of("kafka_topic", "t", "kafka_partition", "x"), null))
                .contains("Partition values for sink connectors need to be integers"));
        assertTrue(refusal(entry(Map.of("kafka_topic", "t", "kafka_partition", 1), Map.of()))
                .contains("should either be null or contain the key 'kafka_offset'"));
        assertTrue(refusal(entry(Map.of("kafka_topic", "t", "kafka_partition", 1), Map.of("kafka_offset", 1.5)))
                .contains("Offset values for sink connectors need to be integers"));
    }

    @Test
    void aNegativeOffsetOrPartitionIsRefusedAsNegativeNotAsANonInteger() {
        String offset = refusal(entry(Map.of("kafka_topic", "t", "kafka_partition", 0), Map.of("kafka_offset", -5)));
        assertEquals("Offset values for sink connectors must not be negative: kafka_offset is -5 for t-0 "
                + "(a null offset resets the partition instead)", offset);
        String partition = refusal(entry(Map.of("kafka_topic", "t", "kafka_partition", -1), Map.of("kafka_offset", 5)));
        assertTrue(partition.contains("must be from 0 to 2147483647, not -1"), partition);
        assertTrue(!offset.contains("need to be integers") && !partition.contains("need to be integers"));
    }

    @Test
    void sourceOffsetsAreNormalizedToTheTypesTheStoreReadsBack() {
        assertEquals(Map.of("position", 7L, "nested", Map.of("f", 1.5d)),
                ConnectorOffsetsService.normalized(Map.of("position", 7, "nested", Map.of("f", 1.5f))));
    }
}
