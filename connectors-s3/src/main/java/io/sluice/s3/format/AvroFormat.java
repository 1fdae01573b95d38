package io.sluice.s3.format;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Avro object container files of record values, as Confluent's AvroFormat writes them, or of whole records
 * ({@link AvroEnvelope}). The file's schema is that of its first record; a record with another schema starts
 * a new object.
 */
final class AvroFormat implements RecordFormat {

    /** Accepted values of avro.codec. */
    static final List<String> CODECS = List.of("null", "deflate", "snappy", "bzip2", "zstandard");

    private final String codec;
    private final boolean envelope;

    AvroFormat(String codec, boolean envelope) {
        this.codec = codec;
        this.envelope = envelope;
    }

    @Override
    public String extension() {
        return envelope ? ".records.avro" : ".avro";
    }

    @Override
    public boolean compressible() {
        return false;
    }

    @Override
    public RecordWriter open(OutputStream out) {
        return new SchemaFileWriter(envelope) {
            private DataFileWriter<Object> file;

            @Override
            protected void start(SinkRecord first, org.apache.avro.Schema fileSchema) throws IOException {
                file = new DataFileWriter<>(new GenericDatumWriter<>(fileSchema));
                file.setCodec(CodecFactory.fromString(codec));
                file.create(fileSchema, out);
            }

            @Override
            protected void append(SinkRecord record, Object datum) throws IOException {
                file.append(datum);
            }

            @Override
            public void finish() throws IOException {
                if (started()) {
                    file.close(); // flushes the last block; closing the object's stream is a no-op
                }
            }
        };
    }
}
