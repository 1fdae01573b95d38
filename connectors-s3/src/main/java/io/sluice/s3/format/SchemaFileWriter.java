package io.sluice.s3.format;

import java.io.IOException;
import java.util.Objects;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * A writer of files holding one schema, that of their first record (Avro and Parquet): it refuses records
 * with another value schema (or key schema, for Avro envelopes), so the sink starts a new object for them.
 */
abstract class SchemaFileWriter implements RecordWriter {

    private final boolean envelope;
    private Schema keySchema;
    private Schema valueSchema;
    private org.apache.avro.Schema avro;
    private boolean started;

    /** envelope: whole records as {@link AvroEnvelope} data instead of values. */
    SchemaFileWriter(boolean envelope) {
        this.envelope = envelope;
    }

    /** Starts the file with the Avro schema made of first's schemas. */
    protected abstract void start(SinkRecord first, org.apache.avro.Schema fileSchema) throws IOException;

    /** Appends one converted record. */
    protected abstract void append(SinkRecord record, Object datum) throws IOException;

    protected final boolean started() {
        return started;
    }

    @Override
    public final boolean accepts(SinkRecord record) {
        return !started || same(valueSchema, record.valueSchema()) && (!envelope || same(keySchema, record.keySchema()));
    }

    /** Converters reuse schema objects between records: identity is the usual, cheap answer. */
    private static boolean same(Schema a, Schema b) {
        return a == b || Objects.equals(a, b);
    }

    @Override
    public final void write(SinkRecord record) throws IOException {
        if (!started) {
            avro = envelope ? AvroEnvelope.schema(record.keySchema(), record.valueSchema())
                    : ConnectToAvro.schema(record.valueSchema());
            start(record, avro);
            keySchema = record.keySchema();
            valueSchema = record.valueSchema();
            started = true;
        }
        append(record, envelope ? AvroEnvelope.datum(record, avro)
                : ConnectToAvro.value(record.value(), valueSchema, avro));
    }
}
