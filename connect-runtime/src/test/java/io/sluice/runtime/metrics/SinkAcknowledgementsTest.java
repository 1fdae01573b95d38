package io.sluice.runtime.metrics;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Test;

class SinkAcknowledgementsTest {
    private static final TopicPartition TP = new TopicPartition("orders", 0);
    private static final TopicPartition OTHER = new TopicPartition("orders", 1);

    private final SinkAcknowledgements acks = new SinkAcknowledgements();

    private static List<ConsumerRecord<byte[], byte[]>> records(TopicPartition tp, long... offsets) {
        List<ConsumerRecord<byte[], byte[]>> list = new ArrayList<>();
        for (long o : offsets) {
            list.add(new ConsumerRecord<>(tp.topic(), tp.partition(), o, null, null));
        }
        return list;
    }

    private static long[] range(long from, long to) {
        long[] offsets = new long[(int) (to - from)];
        for (int i = 0; i < offsets.length; i++) {
            offsets[i] = from + i;
        }
        return offsets;
    }

    @Test
    void recordsReadArePendingUntilTheTaskAcknowledgesTheirOffsets() {
        acks.read(TP, records(TP, range(0, 100)));
        acks.read(TP, records(TP, range(100, 150)));
        acks.read(OTHER, records(OTHER, range(7, 17)));
        assertEquals(160, acks.pending());

        assertEquals(120, acks.acknowledged(TP, 120), "a whole poll and part of the next");
        assertEquals(40, acks.pending());
        assertEquals(0, acks.acknowledged(TP, 120), "the same offset again takes nothing");
        assertEquals(0, acks.acknowledged(TP, 90), "an older offset takes nothing");
        assertEquals(30, acks.acknowledged(TP, 150));
        assertEquals(5, acks.acknowledged(OTHER, 12));
        assertEquals(5, acks.pending());
        assertEquals(0, acks.acknowledged(new TopicPartition("never-read", 0), 10));
    }

    @Test
    void gapsBetweenOffsetsOfACompactedTopicAreNotCountedAsRecords() {
        acks.read(TP, records(TP, 3, 9, 10, 40, 41));
        assertEquals(5, acks.pending());
        assertEquals(2, acks.acknowledged(TP, 10), "offsets 3 and 9 lie below 10");
        assertEquals(2, acks.acknowledged(TP, 41), "10 and 40");
        assertEquals(1, acks.acknowledged(TP, 1000));
        assertEquals(0, acks.pending());
    }

    @Test
    void aRewindForgetsWhatWillBeReadAgainAndALeavingPartitionEverythingItHeld() {
        acks.read(TP, records(TP, range(0, 50)));
        acks.read(TP, records(TP, 50, 52, 54, 56));
        acks.read(OTHER, records(OTHER, range(0, 10)));
        acks.rewound(TP, 53);
        assertEquals(50 + 2 + 10, acks.pending(), "50 and 52 stay, 54 and 56 will be read again");
        acks.rewound(TP, 20);
        assertEquals(20 + 10, acks.pending());
        acks.read(TP, records(TP, range(20, 60)));
        assertEquals(60 + 10, acks.pending());
        acks.forget(Set.of(OTHER));
        assertEquals(60, acks.pending());
        assertEquals(60, acks.acknowledged(TP, 60));
        assertEquals(0, acks.acknowledged(OTHER, 10), "a partition that left is not acknowledged here");
    }

    @Test
    void aSinkThatNeverAcknowledgesKeepsABoundedHistoryAndExactCountsForConsecutiveOffsets() {
        int polls = SinkAcknowledgements.MAX_SEGMENTS * 3;
        for (int i = 0; i < polls; i++) {
            acks.read(TP, records(TP, range(i * 10L, i * 10L + 10)));
        }
        assertEquals(polls * 10L, acks.pending());
        assertEquals(12_345, acks.acknowledged(TP, 12_345), "merged consecutive polls still count exactly");
        assertEquals(polls * 10L - 12_345, acks.pending());
        assertEquals(polls * 10L - 12_345, acks.acknowledged(TP, polls * 10L));
        assertEquals(0, acks.pending());
    }

    @Test
    void aTransactionalTopicThatIsNeverAcknowledgedKeepsABoundedNumberOfOffsets() {
        long[] gapped = new long[500];
        int polls = 400;
        for (int i = 0; i < polls; i++) {
            for (int j = 0; j < gapped.length; j++) {
                gapped[j] = i * 1_000L + 2L * j; // a commit marker after every record
            }
            acks.read(i % 2 == 0 ? TP : OTHER, records(i % 2 == 0 ? TP : OTHER, gapped));
        }
        assertEquals(polls * 500L, acks.pending());
        assertTrue(acks.heldOffsets() <= SinkAcknowledgements.MAX_HELD_OFFSETS, "held " + acks.heldOffsets());
        acks.rewound(TP, 150_000);
        acks.acknowledged(TP, Long.MAX_VALUE);
        acks.forget(Set.of(OTHER));
        assertEquals(0, acks.pending());
        assertEquals(0, acks.heldOffsets(), "every kept offset released");
    }

    @Test
    void mergedPollsWithGapsAreCountedInProportionAndNeverBelowZero() {
        int polls = SinkAcknowledgements.MAX_SEGMENTS + 10;
        for (int i = 0; i < polls; i++) {
            acks.read(TP, records(TP, i * 10L, i * 10L + 2, i * 10L + 4)); // every other offset, three a poll
        }
        long inMerged = acks.acknowledged(TP, 50);
        assertTrue(inMerged >= 13 && inMerged <= 17, "about the 15 records below offset 50: " + inMerged);
        long upTo5000 = inMerged + acks.acknowledged(TP, 5_000);
        assertEquals(1_500, upTo5000, "exact again past the merged polls");
        assertEquals(polls * 3L - upTo5000, acks.pending());
        acks.acknowledged(TP, polls * 10L);
        assertEquals(0, acks.pending());
    }
}
