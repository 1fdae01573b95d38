package io.sluice.s3.format;

import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import org.apache.avro.file.CodecFactory;
import org.apache.avro.file.DataFileWriter;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Avro object container files of record values, as Confluent's AvroFormat writes them. The file's schema
 * is that of its first record; a record with another schema starts a new object.
 */
final class AvroFormat implements RecordFormat {

    /** Accepted values of avro.codec. */
    static final List<String> CODECS = List.of("null", "deflate", "snappy", "bzip2", "zstandard");

    private final String codec;

    AvroFormat(String codec) {
        this.codec = codec;
    }

    @Override
    public String extension() {
        return ".avro";
    }

    @Override
    public boolean compressible() {
        return false;
    }

    @Override
    public RecordWriter open(OutputStream out) {
        return new SchemaFileWriter() {
            private DataFileWriter<Object> file;

            @Override
            protected org.apache.avro.Schema start(SinkRecord first) throws IOException {
                org.apache.avro.Schema avro = ConnectToAvro.schema(first.valueSchema());
                file = new DataFileWriter<>(new GenericDatumWriter<>(avro));
                file.setCodec(CodecFactory.fromString(codec));
                file.create(avro, out);
                return avro;
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
