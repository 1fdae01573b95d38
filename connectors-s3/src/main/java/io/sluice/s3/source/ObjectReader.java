package io.sluice.s3.source;

import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads one object position by position (a line, a chunk, an Avro datum, a CSV row). Positions are what
 * source offsets count, so a restarted task skips as many as it delivered.
 */
interface ObjectReader extends Closeable {

    /** Moves to the next position; false at the end of the object. */
    boolean advance() throws IOException;

    /** The record at the current position, or null when it holds none (a blank line). */
    SourceRecord record(RecordParser.Target target) throws IOException;

    /** A reader of the object's stream in the configured format. */
    static ObjectReader open(String format, InputStream raw, String key, String separator, CsvSettings csv)
            throws IOException {
        return switch (format) {
            case "avro" -> new AvroObjectReader(raw);
            case "csv" -> new CsvObjectReader(decompressed(raw, key), csv);
            default -> new LineObjectReader(new ObjectRecords(raw, key, separator), new RecordParser(format));
        };
    }

    /** The object's bytes, gunzipped when its key ends in .gz. */
    static InputStream decompressed(InputStream raw, String key) throws IOException {
        return key.endsWith(".gz") ? new GZIPInputStream(raw, 64 * 1024) : raw;
    }

    /** Lines or separated chunks parsed as envelope, json or bytes records. */
    final class LineObjectReader implements ObjectReader {
        private final ObjectRecords records;
        private final RecordParser parser;
        private byte[] current;

        LineObjectReader(ObjectRecords records, RecordParser parser) {
            this.records = records;
            this.parser = parser;
        }

        @Override
        public boolean advance() throws IOException {
            current = records.next();
            return current != null;
        }

        @Override
        public SourceRecord record(RecordParser.Target target) throws IOException {
            return parser.parse(current, target);
        }

        @Override
        public void close() throws IOException {
            records.close();
        }
    }
}
