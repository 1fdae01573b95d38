package io.sluice.s3.sink;

import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;

/**
 * Buckets of wall-clock time in a zone: a day bucket starts at local midnight even on days when the zone's
 * offset changes (DST), so the start is computed in local time and only then mapped back to an instant.
 */
public final class TimeBuckets {

    private TimeBuckets() {
    }

    /** The start of the bucket of durationMs holding ts, aligned to local time in zone. */
    public static long start(long ts, long durationMs, ZoneId zone) {
        return toInstant(localFloor(ts, durationMs, zone), zone);
    }

    /** The start of the bucket after the one holding ts. */
    public static long next(long ts, long durationMs, ZoneId zone) {
        return toInstant(localFloor(ts, durationMs, zone) + durationMs, zone);
    }

    private static long localFloor(long ts, long durationMs, ZoneId zone) {
        long offset = zone.getRules().getOffset(Instant.ofEpochMilli(ts)).getTotalSeconds() * 1000L;
        return Math.floorDiv(ts + offset, durationMs) * durationMs;
    }

    /** A local time (as epoch millis of the same wall-clock reading in UTC) as an instant in zone. */
    private static long toInstant(long localMillis, ZoneId zone) {
        LocalDateTime local = LocalDateTime.ofEpochSecond(Math.floorDiv(localMillis, 1000L),
                (int) Math.floorMod(localMillis, 1000L) * 1_000_000, ZoneOffset.UTC);
        return local.atZone(zone).toInstant().toEpochMilli(); // a time in a DST gap moves forward
    }
}
