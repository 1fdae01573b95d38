package io.sluice.s3.sink;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/** <field>=<value> for each of partition.field.name, from a Struct or Map value. */
final class FieldPartitioner implements Partitioner {
    private final List<String> fields;
    private final TimestampExtractor time;

    FieldPartitioner(List<String> fields, TimestampExtractor time) {
        if (fields.isEmpty()) {
            throw new IllegalArgumentException("The field partitioner needs partition.field.name");
        }
        this.fields = List.copyOf(fields);
        this.time = time;
    }

    @Override
    public String encode(SinkRecord record) {
        StringBuilder path = new StringBuilder();
        for (String field : fields) {
            if (path.length() > 0) {
                path.append('/');
            }
            path.append(field).append('=').append(sanitize(String.valueOf(fieldValue(record, field))));
        }
        return path.toString();
    }

    static Object fieldValue(SinkRecord record, String field) {
        Object value = record.value();
        if (value instanceof Struct struct) {
            return struct.get(field);
        }
        if (value instanceof Map<?, ?> map) {
            return map.get(field);
        }
        throw new DataException("Field " + field + " of record " + record.topic() + "-" + record.kafkaPartition()
                + "@" + record.kafkaOffset() + " cannot be read: its value is not a Struct or Map");
    }

    /** Keeps a value from adding path levels. */
    private static String sanitize(String value) {
        return value.replace('/', '_');
    }

    @Override
    public Long timestamp(SinkRecord record) {
        return time.extract(record);
    }
}
