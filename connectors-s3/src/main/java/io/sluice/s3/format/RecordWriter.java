package io.sluice.s3.format;

import java.io.IOException;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes the records of one object; finish() writes any trailer, without closing the underlying stream. */
public interface RecordWriter {

    void write(SinkRecord record) throws IOException;

    void finish() throws IOException;

    /**
     * Whether record may go into this object. Formats with one schema per file say no when the record's
     * schema differs from the file's: the sink then completes the object and opens a new one for it. The
     * answer depends only on the records, so a replay makes the same objects.
     */
    default boolean accepts(SinkRecord record) {
        return true;
    }

    /** Bytes the format holds in memory beyond what it wrote to the stream (e.g. a Parquet row group). */
    default long bufferedBytes() {
        return 0;
    }

    /** Frees what the format holds when the object is dropped unfinished. */
    default void abort() {
    }
}
