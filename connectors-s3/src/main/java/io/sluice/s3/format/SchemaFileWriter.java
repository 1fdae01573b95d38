package io.sluice.s3.format;

import java.io.IOException;
import java.util.Objects;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A writer of files holding one schema, that of their first record (Avro and Parquet): it refuses records
 * with another schema, so the sink starts a new object for them.
 */
abstract class SchemaFileWriter implements RecordWriter {

    private Schema schema;
    private org.apache.avro.Schema avro;
    private boolean started;

    /** Starts the file for first's value schema; returns the Avro schema its values are converted to. */
    protected abstract org.apache.avro.Schema start(SinkRecord first) throws IOException;

    /** Appends one converted value. */
    protected abstract void append(SinkRecord record, Object datum) throws IOException;

    protected final boolean started() {
        return started;
    }

    @Override
    public final boolean accepts(SinkRecord record) {
        // converters reuse schema objects between records: identity is the usual, cheap answer
        return !started || schema == record.valueSchema() || Objects.equals(schema, record.valueSchema());
    }

    @Override
    public final void write(SinkRecord record) throws IOException {
        if (!started) {
            avro = start(record);
            schema = record.valueSchema();
            started = true;
        }
        append(record, ConnectToAvro.value(record.value(), schema, avro));
    }
}
