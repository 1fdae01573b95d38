package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When buffered rows are written: drained by the writer while the consumer has a backlog, at once when it caught up. */
class RowBufferTest {
    private static final long NEVER = TimeUnit.DAYS.toNanos(1);

    private static List<SinkRow> rows(int count) {
        List<SinkRow> rows = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            rows.add(new SinkRow(null, null, null, SinkRow.Kind.WRITE, null));
        }
        return rows;
    }

    @Test
    void aConsumerWithABacklogHandsEveryPutToTheWriterWhichDrainsTheBufferUntilItFindsItEmpty() {
        RowBuffer buffer = new RowBuffer(300, NEVER);
        buffer.add(rows(200));
        assertEquals(RowBuffer.Decision.WRITE_BEHIND, buffer.decide(200, false), "the database need not wait for a full batch");
        assertTrue(buffer.startDrain());
        assertEquals(200, buffer.takeForDrain().size());
        buffer.add(rows(150));
        assertFalse(buffer.startDrain(), "the running drain takes the rows put during its write");
        assertEquals(150, buffer.takeForDrain().size());
        assertTrue(buffer.takeForDrain().isEmpty());
        assertTrue(buffer.startDrain(), "a drain that found the buffer empty has ended");
        assertEquals(0, buffer.size());
    }

    @Test
    void whileTheWriterBacksOffABacklogsRowsAreKeptAndWrittenNowOnceABatchWaits() {
        RowBuffer buffer = new RowBuffer(300, NEVER);
        buffer.add(rows(200));
        assertEquals(RowBuffer.Decision.KEEP, buffer.decide(200, true));
        buffer.add(rows(200));
        assertEquals(RowBuffer.Decision.WRITE_NOW, buffer.decide(200, true));
    }

    @Test
    void aPutWaitsWhileABatchOfRowsWaitsForTheDrainingWriterAndGoesOnOnceItTookThem() throws Exception {
        RowBuffer buffer = new RowBuffer(300, NEVER);
        buffer.add(rows(299));
        assertTrue(buffer.startDrain());
        assertTrue(buffer.awaitRoom(0), "fewer than batch.size rows wait");
        buffer.add(rows(1));
        assertFalse(buffer.awaitRoom(TimeUnit.MILLISECONDS.toNanos(20)), "batch.size rows wait for the writer");
        Thread writer = new Thread(() -> {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            buffer.takeForDrain();
        });
        writer.start();
        assertTrue(buffer.awaitRoom(TimeUnit.SECONDS.toNanos(10)), "the writer took them");
        writer.join();
        buffer.endDrain();
        buffer.add(rows(500));
        assertTrue(buffer.awaitRoom(0), "no drain runs: nothing to wait for");
    }

    @Test
    void aSmallPutMeansTheConsumerCaughtUpSoItsRowsAreWrittenNow() {
        RowBuffer buffer = new RowBuffer(300, NEVER);
        buffer.add(rows(3));
        assertEquals(RowBuffer.Decision.WRITE_NOW, buffer.decide(3, false));
        assertEquals(RowBuffer.Decision.KEEP, new RowBuffer(300, NEVER).decide(0, false), "nothing buffered, nothing to write");
    }

    @Test
    void rowsPutBackAfterATransientFailureAreWrittenFirst() {
        RowBuffer buffer = new RowBuffer(300, NEVER);
        List<SinkRow> earlier = rows(2);
        buffer.add(rows(1));
        List<SinkRow> later = buffer.take();
        buffer.add(later);
        buffer.putBack(earlier);
        List<SinkRow> taken = buffer.take();
        assertEquals(3, taken.size());
        assertTrue(taken.get(0) == earlier.get(0) && taken.get(1) == earlier.get(1) && taken.get(2) == later.get(0));
    }

    @Test
    void onlyRowsOlderThanTheLingerAreTakenWithoutAPut() {
        RowBuffer lingering = new RowBuffer(300, 0);
        lingering.add(rows(5));
        assertEquals(5, lingering.takeLingering().size());
        RowBuffer fresh = new RowBuffer(300, NEVER);
        fresh.add(rows(5));
        assertTrue(fresh.takeLingering().isEmpty());
        assertEquals(5, fresh.size());
    }
}
