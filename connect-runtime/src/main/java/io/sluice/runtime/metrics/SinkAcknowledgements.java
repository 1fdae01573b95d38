package io.sluice.runtime.metrics;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Collection;
import java.util.Deque;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;

/**
 * The records a sink task read from Kafka and its preCommit has not acknowledged yet, per partition, so that
 * "written" counts records the sink reported as stored, not records handed to put(). Reads are noted once per
 * partition per poll as a segment (first offset, end offset, record count); an acknowledged offset takes the
 * segments below it. Offsets of one poll are usually consecutive, and then a segment is three numbers; a poll of a
 * compacted or transactional topic (gaps between offsets) keeps its offsets, so counts stay exact there too. Memory
 * is bounded: a partition holding more than {@link #MAX_SEGMENTS} segments (a sink that acknowledges nothing for a
 * long time) merges its oldest two, and the task keeps at most {@link #MAX_HELD_OFFSETS} offsets of polls with gaps;
 * an acknowledgement inside a segment that could not keep its offsets is counted in proportion. Used by the task's
 * thread only.
 */
final class SinkAcknowledgements {
    static final int MAX_SEGMENTS = 1024;
    static final int MAX_HELD_OFFSETS = 65_536;

    /** Records read from one partition in one poll (or merged polls): offsets first..end-1, count of them present. */
    private static final class Segment {
        long first;
        long end;
        long count;
        /** The offsets present, ascending, when they have gaps; null when consecutive (count == end - first). */
        long[] offsets;
        /** Merged from segments with gaps whose offsets were dropped: counts inside it are estimates. */
        boolean approximate;

        Segment(long first, long end, long count, long[] offsets) {
            this.first = first;
            this.end = end;
            this.count = count;
            this.offsets = offsets;
        }

        /** Records of this segment at offsets below {@code offset}. */
        long countBelow(long offset) {
            if (offset >= end) {
                return count;
            }
            if (offset <= first) {
                return 0;
            }
            if (offsets != null) {
                int i = Arrays.binarySearch(offsets, offset);
                return i >= 0 ? i : -i - 1;
            }
            if (approximate) {
                return Math.min(count, Math.round(count * (double) (offset - first) / (end - first)));
            }
            return offset - first;
        }

        /** Drops the records below offset (they were acknowledged), keeping the rest. */
        void keepFrom(long offset, long dropped) {
            count -= dropped;
            if (offsets != null) {
                offsets = Arrays.copyOfRange(offsets, (int) dropped, offsets.length);
            }
            first = offset;
        }

        /** Drops the records at offset and above (they will be read again), keeping the rest. */
        void keepBelow(long offset, long kept) {
            if (offsets != null) {
                offsets = Arrays.copyOf(offsets, (int) kept);
            }
            count = kept;
            end = offset;
        }
    }

    private final Map<TopicPartition, Deque<Segment>> held = new HashMap<>();
    private long pending;
    /** Offsets kept by segments with gaps, over every partition. */
    private long heldOffsets;

    /** Records of one partition came back from a poll, in offset order. */
    void read(TopicPartition tp, List<? extends ConsumerRecord<?, ?>> records) {
        if (records.isEmpty()) {
            return;
        }
        long first = records.get(0).offset();
        long last = records.get(records.size() - 1).offset();
        long[] offsets = null;
        boolean gaps = last - first + 1 != records.size();
        if (gaps && heldOffsets + records.size() <= MAX_HELD_OFFSETS) {
            offsets = new long[records.size()];
            for (int i = 0; i < offsets.length; i++) {
                offsets[i] = records.get(i).offset();
            }
            heldOffsets += offsets.length;
        }
        Segment segment = new Segment(first, last + 1, records.size(), offsets);
        segment.approximate = gaps && offsets == null;
        Deque<Segment> segments = held.computeIfAbsent(tp, p -> new ArrayDeque<>());
        segments.addLast(segment);
        pending += records.size();
        if (segments.size() > MAX_SEGMENTS) {
            mergeOldest(segments);
        }
    }

    /**
     * The task acknowledged tp up to (not including) offset: returns how many held records that takes. An offset
     * acknowledged again, or below what was acknowledged, takes nothing.
     */
    long acknowledged(TopicPartition tp, long offset) {
        Deque<Segment> segments = held.get(tp);
        if (segments == null) {
            return 0;
        }
        long taken = 0;
        while (!segments.isEmpty()) {
            Segment head = segments.peekFirst();
            if (offset >= head.end) {
                segments.pollFirst();
                release(head);
                taken += head.count;
                continue;
            }
            if (offset > head.first) {
                long below = head.countBelow(offset);
                long kept = kept(head);
                head.keepFrom(offset, below);
                heldOffsets -= kept - kept(head);
                taken += below;
            }
            break;
        }
        pending -= taken;
        return taken;
    }

    /** The consumer of tp was sought back to offset: records held from there on will be read again. */
    void rewound(TopicPartition tp, long offset) {
        Deque<Segment> segments = held.get(tp);
        if (segments == null) {
            return;
        }
        while (!segments.isEmpty()) {
            Segment tail = segments.peekLast();
            if (tail.first >= offset) {
                segments.pollLast();
                release(tail);
                pending -= tail.count;
                continue;
            }
            if (tail.end > offset) {
                long kept = tail.countBelow(offset);
                long offsetsBefore = kept(tail);
                pending -= tail.count - kept;
                tail.keepBelow(offset, kept);
                heldOffsets -= offsetsBefore - kept(tail);
            }
            break;
        }
    }

    /** The partitions left this task (revoked or lost): what they held is someone else's to write now. */
    void forget(Collection<TopicPartition> tps) {
        for (TopicPartition tp : tps) {
            Deque<Segment> segments = held.remove(tp);
            if (segments != null) {
                for (Segment s : segments) {
                    pending -= s.count;
                    release(s);
                }
            }
        }
    }

    /** Records read and not yet acknowledged, over every partition. */
    long pending() {
        return pending;
    }

    /** Offsets kept of polls with gaps, over every partition. */
    long heldOffsets() {
        return heldOffsets;
    }

    private static long kept(Segment s) {
        return s.offsets == null ? 0 : s.offsets.length;
    }

    private void release(Segment s) {
        heldOffsets -= kept(s);
    }

    private void mergeOldest(Deque<Segment> segments) {
        Iterator<Segment> it = segments.iterator();
        Segment a = it.next();
        Segment b = it.next();
        it.remove();
        release(a);
        release(b);
        boolean consecutive = a.offsets == null && b.offsets == null && !a.approximate && !b.approximate
                && a.end == b.first;
        a.count += b.count;
        a.end = b.end;
        a.offsets = null;
        a.approximate = !consecutive;
    }
}
