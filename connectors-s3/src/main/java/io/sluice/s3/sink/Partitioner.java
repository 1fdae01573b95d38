package io.sluice.s3.sink;

import java.util.List;
import java.util.Locale;
import org.apache.kafka.connect.sink.SinkRecord;

/** Maps a record to the path of its object below <topics.dir>/<topic>/, e.g. partition=3 or dt=2024-05-01. */
public interface Partitioner {

    /** Accepted values of partitioner.class: short names and Confluent's class names. */
    List<String> NAMES = List.of("default", "field", "time", "hourly", "daily",
            "io.confluent.connect.storage.partitioner.DefaultPartitioner",
            "io.confluent.connect.storage.partitioner.FieldPartitioner",
            "io.confluent.connect.storage.partitioner.TimeBasedPartitioner",
            "io.confluent.connect.storage.partitioner.HourlyPartitioner",
            "io.confluent.connect.storage.partitioner.DailyPartitioner");

    /** The path of record's object, without leading or trailing '/'. */
    String encode(SinkRecord record);

    /** The record's time for rotate.interval.ms, or null when it has none. */
    Long timestamp(SinkRecord record);

    /**
     * True when all records of one Kafka partition land in the path encode() gives for it alone, so the
     * writer can list just that path when it recovers.
     */
    default boolean pathPerKafkaPartition() {
        return false;
    }

    /**
     * True when encode() depends on when it runs (wall clock), so a replayed record may land in another
     * path: the writer then keeps one object open per Kafka partition at a time.
     */
    default boolean timingDependent() {
        return false;
    }

    static Partitioner create(S3SinkConfig config) {
        TimestampExtractor time = TimestampExtractor.create(config);
        String name = config.getString(S3SinkConfig.PARTITIONER).trim().toLowerCase(Locale.ROOT);
        if (name.endsWith("partitioner")) {
            name = name.substring(name.lastIndexOf('.') + 1).replace("partitioner", "");
            name = name.equals("timebased") ? "time" : name;
        }
        return switch (name) {
            case "default" -> new DefaultPartitioner(time);
            case "field" -> new FieldPartitioner(config.getList(S3SinkConfig.PARTITION_FIELD), time);
            case "time" -> TimeBasedPartitioner.create(config, time,
                    config.getString(S3SinkConfig.PATH_FORMAT), config.getLong(S3SinkConfig.PARTITION_DURATION_MS));
            case "hourly" -> TimeBasedPartitioner.create(config, time,
                    "'year'=YYYY/'month'=MM/'day'=dd/'hour'=HH", 3_600_000L);
            case "daily" -> TimeBasedPartitioner.create(config, time, "'year'=YYYY/'month'=MM/'day'=dd", 86_400_000L);
            default -> throw new IllegalArgumentException("Unknown partitioner " + name);
        };
    }
}
