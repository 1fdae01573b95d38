package io.sluice.s3.source;

import io.sluice.s3.format.AvroEnvelope;
import io.sluice.s3.format.AvroToConnect;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * An Avro object container file: values with the Connect schema the file's Avro schema maps to, or whole
 * records (key, value, timestamp, headers) from files the sink wrote with avro.envelope=true.
 */
final class AvroObjectReader implements ObjectReader {

    private final DataFileStream<Object> file;
    private final Schema schema;
    private final AvroEnvelope.Reader envelope;
    private Object datum;

    AvroObjectReader(InputStream raw) throws IOException {
        this.file = new DataFileStream<>(new BufferedInputStream(raw, 64 * 1024), new GenericDatumReader<>());
        boolean whole = AvroEnvelope.is(file.getSchema());
        this.envelope = whole ? new AvroEnvelope.Reader(file.getSchema()) : null;
        this.schema = whole ? null : new AvroToConnect().schema(file.getSchema());
    }

    @Override
    public boolean advance() throws IOException {
        if (!file.hasNext()) {
            return false;
        }
        datum = file.next();
        return true;
    }

    @Override
    public SourceRecord record(RecordParser.Target t) {
        if (envelope == null) {
            return new SourceRecord(t.sourcePartition(), t.sourceOffset(), t.topic(), t.partition(),
                    null, null, schema, AvroToConnect.value(datum, schema));
        }
        AvroEnvelope.Parts r = envelope.parts((GenericRecord) datum);
        return new SourceRecord(t.sourcePartition(), t.sourceOffset(), t.topic(), t.partition(),
                r.keySchema(), r.key(), r.valueSchema(), r.value(), r.timestamp(), r.headers());
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
