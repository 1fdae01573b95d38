package io.sluice.runtime.worker.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.api.Test;

class BackoffTest {

    private static final long FAR = Long.MAX_VALUE;

    @Test
    void delayStartsAt300msAndDoublesPerAttempt() {
        Backoff backoff = new Backoff(60_000, bound -> -1);
        assertEquals(300, backoff.delay(1, 0, FAR));
        assertEquals(600, backoff.delay(2, 0, FAR));
        assertEquals(1200, backoff.delay(3, 0, FAR));
        assertEquals(38_400, backoff.delay(8, 0, FAR));
    }

    @Test
    void delayPastTheMaximumIsARandomValueBelowTheMaximum() {
        Backoff backoff = new Backoff(1_000, bound -> bound - 1);
        assertEquals(600, backoff.delay(2, 0, FAR));
        assertEquals(999, backoff.delay(3, 0, FAR), "1200 > max, so jitter below 1000");
        Backoff lowJitter = new Backoff(1_000, bound -> 17);
        assertEquals(17, lowJitter.delay(30, 0, FAR));
    }

    @Test
    void delayNeverPassesTheDeadline() {
        Backoff backoff = new Backoff(60_000, bound -> 0);
        assertEquals(250, backoff.delay(4, 10_000, 10_250));
        assertEquals(0, backoff.delay(1, 10_300, 10_250));
    }

    @Test
    void veryHighAttemptCountsDoNotOverflow() {
        Backoff backoff = new Backoff(60_000, bound -> 42);
        assertEquals(42, backoff.delay(Integer.MAX_VALUE, 0, FAR));
    }

    @Test
    void zeroMaximumMeansNoDelay() {
        assertEquals(0, new Backoff(0, bound -> { throw new AssertionError("no jitter"); }).delay(1, 0, FAR));
    }
}
