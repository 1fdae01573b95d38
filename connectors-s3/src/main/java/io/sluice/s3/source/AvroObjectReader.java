package io.sluice.s3.source;

import io.sluice.s3.format.AvroToConnect;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;

/** The values of an Avro object container file, with the Connect schema its Avro schema maps to. */
final class AvroObjectReader implements ObjectReader {

    private final DataFileStream<Object> file;
    private final Schema schema;
    private Object datum;

    AvroObjectReader(InputStream raw) throws IOException {
        this.file = new DataFileStream<>(new BufferedInputStream(raw, 64 * 1024), new GenericDatumReader<>());
        this.schema = new AvroToConnect().schema(file.getSchema());
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
        return new SourceRecord(t.sourcePartition(), t.sourceOffset(), t.topic(), t.partition(),
                null, null, schema, AvroToConnect.value(datum, schema));
    }

    @Override
    public void close() throws IOException {
        file.close();
    }
}
