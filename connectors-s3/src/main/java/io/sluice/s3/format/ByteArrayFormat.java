package io.sluice.s3.format;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/** Raw value bytes, each followed by a separator, as Confluent's ByteArrayFormat writes them. */
final class ByteArrayFormat implements RecordFormat {
    private final byte[] separator;

    ByteArrayFormat(String separator) {
        this.separator = separator.getBytes(StandardCharsets.UTF_8);
    }

    @Override
    public String extension() {
        return ".bin";
    }

    @Override
    public RecordWriter open(OutputStream out) {
        return new RecordWriter() {
            @Override
            public void write(SinkRecord record) throws IOException {
                out.write(bytes(record));
                out.write(separator);
            }

            @Override
            public void finish() {
                // nothing buffered
            }
        };
    }

    private static byte[] bytes(SinkRecord record) {
        Object value = record.value();
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] b = new byte[buffer.remaining()];
            buffer.duplicate().get(b);
            return b;
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw new DataException("The bytes format needs byte[] or String values (value.converter="
                + "org.apache.kafka.connect.converters.ByteArrayConverter); record " + record.topic() + "-"
                + record.kafkaPartition() + "@" + record.kafkaOffset() + " has "
                + (value == null ? "a null value" : value.getClass().getName()));
    }
}
