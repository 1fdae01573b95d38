package io.sluice.s3.sink;

import java.time.Instant;
import java.time.ZoneId;
import java.time.format.DateTimeFormatter;
import java.util.Locale;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/** path.format of the record time floored to partition.duration.ms in timezone. */
final class TimeBasedPartitioner implements Partitioner {
    private final TimestampExtractor time;
    private final DateTimeFormatter format;
    private final ZoneId zone;
    private final long durationMs;

    private TimeBasedPartitioner(TimestampExtractor time, DateTimeFormatter format, ZoneId zone, long durationMs) {
        this.time = time;
        this.format = format;
        this.zone = zone;
        this.durationMs = durationMs;
    }

    static TimeBasedPartitioner create(S3SinkConfig config, TimestampExtractor time, String pathFormat, long durationMs) {
        if (pathFormat == null || pathFormat.isBlank()) {
            throw new IllegalArgumentException("The time partitioner needs path.format, e.g. 'dt'=YYYY-MM-dd");
        }
        if (durationMs <= 0) {
            throw new IllegalArgumentException("The time partitioner needs partition.duration.ms > 0");
        }
        ZoneId zone = ZoneId.of(config.getString(S3SinkConfig.TIMEZONE));
        Locale locale = Locale.forLanguageTag(config.getString(S3SinkConfig.LOCALE).replace('_', '-'));
        DateTimeFormatter format = DateTimeFormatter.ofPattern(jodaToJava(pathFormat), locale).withZone(zone);
        return new TimeBasedPartitioner(time, format, zone, durationMs);
    }

    /** Joda's Y is the year of era, Java's the week-based year: users write Confluent's (Joda) patterns. */
    static String jodaToJava(String pattern) {
        StringBuilder out = new StringBuilder();
        boolean quoted = false;
        for (char c : pattern.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            out.append(!quoted && c == 'Y' ? 'y' : c);
        }
        return out.toString();
    }

    @Override
    public String encode(SinkRecord record) {
        Long ts = time.extract(record);
        if (ts == null) {
            throw new DataException("Record " + record.topic() + "-" + record.kafkaPartition() + "@"
                    + record.kafkaOffset() + " has no timestamp for the time partitioner");
        }
        return format.format(Instant.ofEpochMilli(floor(ts)));
    }

    /** The start of ts's bucket, aligned to local time in the zone (so daily buckets start at local midnight). */
    long floor(long ts) {
        return TimeBuckets.start(ts, durationMs, zone);
    }

    @Override
    public Long timestamp(SinkRecord record) {
        return time.extract(record);
    }

    @Override
    public boolean timingDependent() {
        return time.wallClock();
    }
}
