package io.sluice.s3.sink;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/** Where a record's time comes from: its Kafka timestamp, a value field, or the wall clock. */
public abstract class TimestampExtractor {

    /** The record's time in epoch millis, or null if it has none. */
    public abstract Long extract(SinkRecord record);

    /** True for the wall clock: the time is not a property of the record. */
    public boolean wallClock() {
        return false;
    }

    static TimestampExtractor create(S3SinkConfig config) {
        String kind = config.getString(S3SinkConfig.TIMESTAMP_EXTRACTOR).trim();
        if (kind.equalsIgnoreCase("Wallclock")) {
            return new TimestampExtractor() {
                @Override
                public Long extract(SinkRecord record) {
                    return System.currentTimeMillis();
                }

                @Override
                public boolean wallClock() {
                    return true;
                }
            };
        }
        if (kind.equalsIgnoreCase("RecordField")) {
            String field = config.getString(S3SinkConfig.TIMESTAMP_FIELD);
            return new TimestampExtractor() {
                @Override
                public Long extract(SinkRecord record) {
                    return toMillis(FieldPartitioner.fieldValue(record, field), field, record);
                }
            };
        }
        return new TimestampExtractor() {
            @Override
            public Long extract(SinkRecord record) {
                return record.timestamp();
            }
        };
    }

    private static Long toMillis(Object value, String field, SinkRecord record) {
        if (value == null) {
            return null;
        }
        if (value instanceof Number n) {
            return n.longValue();
        }
        if (value instanceof java.util.Date d) {
            return d.getTime();
        }
        try {
            return Instant.parse(value.toString()).toEpochMilli();
        } catch (DateTimeParseException e) {
            throw new DataException("timestamp.field " + field + " of record " + record.topic() + "-"
                    + record.kafkaPartition() + "@" + record.kafkaOffset() + " is neither epoch millis nor ISO-8601: "
                    + value, e);
        }
    }
}
