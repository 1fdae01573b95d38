package io.sluice.file.source;

import org.apache.kafka.connect.data.Schema;

/** Turns one line of a file (bytes without the line terminator) into a record key and value. */
interface LineParser {

    /**
     * Parses a line into out; returns false when the line yields no record (a CSV header row).
     *
     * @throws IllegalArgumentException when the line is malformed, saying what is wrong with it
     */
    boolean parse(byte[] buf, int off, int len, ParsedLine out);

    /** The file is read again from its start (truncated or rewritten in place): its first line comes again. */
    default void fileStartsOver() {
    }

    /** The key and value of one parsed line; one instance is reused for every line of a task. */
    final class ParsedLine {
        Schema keySchema;
        Object key;
        Schema valueSchema;
        Object value;
        /** Set when encoding.errors=replace put U+FFFD in place of bytes that are not UTF-8; reset per line. */
        boolean replacedInvalidBytes;

        void set(Schema keySchema, Object key, Schema valueSchema, Object value) {
            this.keySchema = keySchema;
            this.key = key;
            this.valueSchema = valueSchema;
            this.value = value;
        }
    }

    /**
     * format=text: the line as a string, what Apache's FileStreamSource produces (bytes that are not UTF-8 are an
     * error, or U+FFFD with encoding.errors=replace); with encoding.errors=keep the line's bytes as they are.
     */
    static LineParser text(FileSourceConfig.EncodingErrors encodingErrors) {
        if (encodingErrors == FileSourceConfig.EncodingErrors.KEEP) {
            return (buf, off, len, out) -> {
                out.set(null, null, Schema.BYTES_SCHEMA, java.util.Arrays.copyOfRange(buf, off, off + len));
                return true;
            };
        }
        boolean replace = encodingErrors == FileSourceConfig.EncodingErrors.REPLACE;
        return (buf, off, len, out) -> {
            out.set(null, null, Schema.STRING_SCHEMA, Utf8Text.decode(buf, off, len, replace, out));
            return true;
        };
    }
}
