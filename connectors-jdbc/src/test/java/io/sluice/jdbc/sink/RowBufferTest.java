package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** When buffered rows are written: gathered while the consumer has a backlog, at once when it caught up. */
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
    void aConsumerWithABacklogGathersRowsUntilABatchIsFullThenWritesItBehind() {
        RowBuffer buffer = new RowBuffer(300, NEVER);
        buffer.add(rows(200));
        assertEquals(RowBuffer.Decision.KEEP, buffer.decide(200));
        buffer.add(rows(200));
        assertEquals(RowBuffer.Decision.WRITE_BEHIND, buffer.decide(200));
        assertEquals(400, buffer.take().size());
        assertEquals(0, buffer.size());
    }

    @Test
    void aSmallPutMeansTheConsumerCaughtUpSoItsRowsAreWrittenNow() {
        RowBuffer buffer = new RowBuffer(300, NEVER);
        buffer.add(rows(3));
        assertEquals(RowBuffer.Decision.WRITE_NOW, buffer.decide(3));
        assertEquals(RowBuffer.Decision.KEEP, new RowBuffer(300, NEVER).decide(0), "nothing buffered, nothing to write");
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
