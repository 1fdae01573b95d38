package io.sluice.file;

import java.nio.charset.StandardCharsets;
import org.apache.kafka.connect.data.Schema;

/** Turns one line of a file (bytes without the line terminator) into a record key and value. */
interface LineParser {

    /**
     * Parses a line into out; returns false when the line yields no record (a CSV header row).
     *
     * @throws IllegalArgumentException when the line is malformed, saying what is wrong with it
     */
    boolean parse(byte[] buf, int off, int len, ParsedLine out);

    /** The key and value of one parsed line; one instance is reused for every line of a task. */
    final class ParsedLine {
        Schema keySchema;
        Object key;
        Schema valueSchema;
        Object value;

        void set(Schema keySchema, Object key, Schema valueSchema, Object value) {
            this.keySchema = keySchema;
            this.key = key;
            this.valueSchema = valueSchema;
            this.value = value;
        }
    }

    /** The line as a string: what Apache's FileStreamSource produces. */
    LineParser TEXT = (buf, off, len, out) -> {
        out.set(null, null, Schema.STRING_SCHEMA, new String(buf, off, len, StandardCharsets.UTF_8));
        return true;
    };
}
