package io.sluice.runtime.converters.avro;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class RegistryRetriesTest {
    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

    @Test
    void withNoRetryKeySetACallIsRetriedForThirtySecondsBackingOffUpToTwoSeconds() {
        RegistryRetries retries = RegistryRetries.of(null, null, null);
        assertEquals(100, retries.waitBefore(1, 0));
        assertEquals(200, retries.waitBefore(2, SECOND));
        assertEquals(2_000, retries.waitBefore(20, 20 * SECOND));
        assertEquals(2_000, retries.waitBefore(1_000, 30 * SECOND));
        assertEquals(-1, retries.waitBefore(25, 30 * SECOND + 1));
    }

    @Test
    void confluentsRetryKeysAreHonouredWithConfluentsDefaultsForTheKeysLeftOut() {
        RegistryRetries onlyCount = RegistryRetries.of(2, null, null);
        assertEquals(1_000, onlyCount.waitBefore(1, 0));
        assertEquals(2_000, onlyCount.waitBefore(2, 0));
        assertEquals(-1, onlyCount.waitBefore(3, 0));

        RegistryRetries onlyWait = RegistryRetries.of(null, 5_000L, null);
        assertEquals(20_000, onlyWait.waitBefore(3, 0), "doubled, then capped at 20000 ms");
        assertEquals(-1, onlyWait.waitBefore(4, 0), "three retries, however long they took");
        assertEquals(5_000, onlyWait.waitBefore(1, 3600 * SECOND), "no time window with Confluent's keys");

        assertEquals(-1, RegistryRetries.of(0, null, null).waitBefore(1, 0), "max.retries=0: the first failure is final");
    }
}
