package io.sluice.s3.format;

import java.io.IOException;
import org.apache.kafka.connect.sink.SinkRecord;

/** Writes the records of one object; finish() writes any trailer, without closing the underlying stream. */
public interface RecordWriter {

    void write(SinkRecord record) throws IOException;

    void finish() throws IOException;
}
