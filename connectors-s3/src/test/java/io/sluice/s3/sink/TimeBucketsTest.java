package io.sluice.s3.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.time.Instant;
import java.time.ZoneId;
import org.junit.jupiter.api.Test;

/** Time buckets start at local wall-clock boundaries, also on days the zone's offset changes. */
class TimeBucketsTest {

    private static final long HOUR = 3_600_000L;
    private static final long DAY = 24 * HOUR;
    private static final ZoneId NEW_YORK = ZoneId.of("America/New_York");

    private static long at(String instant) {
        return Instant.parse(instant).toEpochMilli();
    }

    @Test
    void aDayBucketOnTheDayClocksSpringForwardStartsAtLocalMidnightBeforeTheChange() {
        // 2024-03-10 03:08 EDT; that day's midnight was still EST (05:00Z), not 04:00Z
        assertEquals(at("2024-03-10T05:00:00Z"), TimeBuckets.start(at("2024-03-10T07:08:00Z"), DAY, NEW_YORK));
        assertEquals(at("2024-03-11T04:00:00Z"), TimeBuckets.next(at("2024-03-10T07:08:00Z"), DAY, NEW_YORK));
    }

    @Test
    void aDayBucketOnTheDayClocksFallBackStartsAtLocalMidnight() {
        assertEquals(at("2024-11-03T04:00:00Z"), TimeBuckets.start(at("2024-11-03T20:00:00Z"), DAY, NEW_YORK));
        assertEquals(at("2024-11-04T05:00:00Z"), TimeBuckets.next(at("2024-11-03T20:00:00Z"), DAY, NEW_YORK));
    }

    @Test
    void hourBucketsFollowAHalfHourOffset() {
        ZoneId kolkata = ZoneId.of("Asia/Kolkata");
        assertEquals(at("2024-03-10T19:30:00Z"), TimeBuckets.start(at("2024-03-10T20:00:00Z"), HOUR, kolkata));
        assertEquals(at("2024-03-10T20:30:00Z"), TimeBuckets.next(at("2024-03-10T20:00:00Z"), HOUR, kolkata));
        assertEquals(at("2024-03-10T20:00:00Z"), TimeBuckets.start(at("2024-03-10T20:59:59Z"), HOUR,
                ZoneId.of("UTC")));
    }
}
