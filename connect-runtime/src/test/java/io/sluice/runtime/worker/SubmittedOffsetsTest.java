package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.Test;

class SubmittedOffsetsTest {

    private static final Map<String, Object> A = Map.of("file", "a");
    private static final Map<String, Object> B = Map.of("file", "b");

    private final SubmittedOffsets offsets = new SubmittedOffsets();

    private List<SubmittedOffsets.Submitted> send(Map<String, Object> partition, int from, int to) {
        List<SubmittedOffsets.Submitted> batch = new ArrayList<>();
        for (int i = from; i <= to; i++) {
            batch.add(offsets.track(new SourceRecord(partition, Map.of("pos", i), "t", null, "v" + i)));
        }
        offsets.enqueue(batch);
        return batch;
    }

    @Test
    void nothingIsCommittableBeforeAnyAck() {
        send(A, 0, 2);
        assertEquals(Map.of(), offsets.committableOffsets());
    }

    @Test
    void outOfOrderAcksCommitOnlyUpToTheFirstGap() {
        List<SubmittedOffsets.Submitted> a = send(A, 0, 4);
        offsets.ack(a.get(0));
        offsets.ack(a.get(1));
        offsets.ack(a.get(3));
        offsets.ack(a.get(4));

        assertEquals(Map.of(A, Map.of("pos", 1)), offsets.committableOffsets());

        offsets.ack(a.get(2));
        assertEquals(Map.of(A, Map.of("pos", 4)), offsets.committableOffsets());
    }

    @Test
    void partitionsAreTrackedIndependently() {
        List<SubmittedOffsets.Submitted> a = send(A, 0, 1);
        List<SubmittedOffsets.Submitted> b = send(B, 0, 1);
        offsets.ack(b.get(0));
        offsets.ack(b.get(1));
        offsets.ack(a.get(1));

        assertEquals(Map.of(B, Map.of("pos", 1)), offsets.committableOffsets());
    }

    @Test
    void acknowledgedRecordsAreDroppedBatchByBatchKeepingTheNewestCommittableOffset() {
        for (int batch = 0; batch < 100; batch++) {
            send(A, batch * 100, batch * 100 + 99).forEach(offsets::ack);
        }
        List<SubmittedOffsets.Submitted> last = send(A, 10_000, 10_009);
        offsets.ack(last.get(0));
        // only the last batch is held; the 10,000 acknowledged before it left just their newest offset
        assertEquals(10, offsets.queued());
        assertEquals(Map.of(A, Map.of("pos", 10_000)), offsets.committableOffsets());
        assertEquals(9, offsets.queued());
        assertEquals(Map.of(), offsets.committableOffsets());
    }

    @Test
    void anUnacknowledgedRecordHoldsBackLaterBatchesOfItsPartition() {
        List<SubmittedOffsets.Submitted> first = send(A, 0, 1);
        offsets.ack(first.get(0));
        send(A, 2, 3).forEach(offsets::ack);
        assertEquals(Map.of(A, Map.of("pos", 0)), offsets.committableOffsets());
        offsets.ack(first.get(1));
        send(A, 4, 4);
        assertEquals(Map.of(A, Map.of("pos", 3)), offsets.committableOffsets());
    }

    @Test
    void aCommittedOffsetIsNotReturnedAgain() {
        List<SubmittedOffsets.Submitted> a = send(A, 0, 0);
        offsets.ack(a.get(0));
        assertEquals(Map.of(A, Map.of("pos", 0)), offsets.committableOffsets());
        assertEquals(Map.of(), offsets.committableOffsets());
    }

    @Test
    void recordsWithoutSourcePartitionCountAsUnackedButHaveNoOffset() throws Exception {
        SubmittedOffsets.Submitted s = offsets.track(new SourceRecord(null, null, "t", null, "v"));
        offsets.enqueue(List.of(s));
        assertFalse(offsets.awaitAllAcked(1, TimeUnit.MILLISECONDS));
        offsets.ack(s);
        offsets.ack(s);
        assertEquals(0, offsets.unackedCount());
        assertTrue(offsets.awaitAllAcked(1, TimeUnit.MILLISECONDS));
        assertEquals(Map.of(), offsets.committableOffsets());
    }

    @Test
    void acksFromAnotherThreadWakeAWaiter() throws Exception {
        List<SubmittedOffsets.Submitted> a = send(A, 0, 99);
        Thread acker = new Thread(() -> a.forEach(offsets::ack), "test-acker");
        acker.start();
        assertTrue(offsets.awaitAllAcked(10, TimeUnit.SECONDS));
        acker.join();
        assertEquals(Map.of(A, Map.of("pos", 99)), offsets.committableOffsets());
    }
}
