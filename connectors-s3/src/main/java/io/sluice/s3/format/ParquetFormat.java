package io.sluice.s3.format;

import java.io.IOException;
import java.io.OutputStream;
import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import org.apache.avro.generic.GenericData;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.parquet.avro.AvroParquetWriter;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;

/**
 * Parquet files of Struct record values (through Parquet's Avro binding and {@link ConnectToAvro}), written
 * straight into the object's stream with no Hadoop file system. A file holds one schema; a record with
 * another starts a new object. Parquet holds a row group in memory; {@link RecordWriter#bufferedBytes} tells
 * the sink's buffer budget about it.
 */
final class ParquetFormat implements RecordFormat {

    private final CompressionCodecName codec;
    private final int rowGroupBytes;

    ParquetFormat(String codec, int rowGroupBytes) {
        this.codec = ParquetCodecs.codec(codec);
        this.rowGroupBytes = rowGroupBytes;
    }

    @Override
    public String extension() {
        return codec.getExtension() + ".parquet"; // Confluent's names: .snappy.parquet, .gz.parquet, ...
    }

    @Override
    public boolean compressible() {
        return false;
    }

    private static final MethodHandle BUILDER;
    private static final MethodHandle WITH_CONF;

    static {
        // Parquet overloads both with Hadoop types (Path, Configuration); looking up the non-Hadoop variants by
        // signature keeps Hadoop off the compile and plugin class paths
        try {
            MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            BUILDER = lookup.findStatic(AvroParquetWriter.class, "builder",
                    MethodType.methodType(AvroParquetWriter.Builder.class, OutputFile.class));
            WITH_CONF = lookup.findVirtual(ParquetWriter.Builder.class, "withConf",
                    MethodType.methodType(ParquetWriter.Builder.class, ParquetConfiguration.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    @SuppressWarnings("unchecked")
    private static AvroParquetWriter.Builder<Object> builder(OutputFile file, ParquetConfiguration conf) {
        try {
            AvroParquetWriter.Builder<Object> builder = (AvroParquetWriter.Builder<Object>) BUILDER.invoke(file);
            return (AvroParquetWriter.Builder<Object>) WITH_CONF.invoke(builder, conf);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public RecordWriter open(OutputStream out) {
        return new SchemaFileWriter(false) {
            private ParquetWriter<Object> file;

            @Override
            protected void start(SinkRecord first, org.apache.avro.Schema avro) throws IOException {
                Schema schema = first.valueSchema();
                if (schema == null || schema.type() != Schema.Type.STRUCT) {
                    throw new DataException("Parquet needs Struct values with a schema; record " + first.topic()
                            + "-" + first.kafkaPartition() + "@" + first.kafkaOffset() + " has "
                            + (schema == null ? "no schema" : "a " + schema.type() + " schema"));
                }
                org.apache.avro.Schema row = avro.getType() == org.apache.avro.Schema.Type.UNION
                        ? avro.getTypes().get(1) : avro; // an optional struct: rows themselves are never null
                PlainParquetConfiguration conf = new PlainParquetConfiguration();
                conf.set("parquet.avro.write-old-list-structure", "false"); // standard 3-level lists
                file = builder(new StreamFile(out), conf)
                        .withSchema(row)
                        .withDataModel(GenericData.get())
                        .withCodecFactory(new ParquetCodecs())
                        .withCompressionCodec(codec)
                        .withRowGroupSize((long) rowGroupBytes)
                        .withPageSize(Math.min(1024 * 1024, rowGroupBytes))
                        .build();
            }

            @Override
            protected void append(SinkRecord record, Object datum) throws IOException {
                if (datum == null) {
                    throw new DataException("Parquet rows cannot be null: record " + record.topic() + "-"
                            + record.kafkaPartition() + "@" + record.kafkaOffset()
                            + " is a tombstone (set behavior.on.null.values=ignore)");
                }
                file.write(datum);
            }

            @Override
            public long bufferedBytes() {
                return file == null ? 0 : Math.max(0, file.getDataSize() - written);
            }

            @Override
            public void finish() throws IOException {
                if (file != null) {
                    file.close(); // writes the last row group and the footer
                }
            }

            @Override
            public void abort() {
                if (file != null) {
                    try {
                        file.close();
                    } catch (IOException | RuntimeException e) {
                        // the object is dropped either way
                    }
                }
            }

            private long written;

            /** The object's stream as a Parquet output file; Parquet only appends, so the position is a count. */
            private final class StreamFile implements OutputFile {
                private final OutputStream target;

                StreamFile(OutputStream target) {
                    this.target = target;
                }

                @Override
                public PositionOutputStream create(long blockSizeHint) {
                    return new PositionOutputStream() {
                        @Override
                        public long getPos() {
                            return written;
                        }

                        @Override
                        public void write(int b) throws IOException {
                            target.write(b);
                            written++;
                        }

                        @Override
                        public void write(byte[] b, int off, int len) throws IOException {
                            target.write(b, off, len);
                            written += len;
                        }

                        @Override
                        public void close() {
                            // the sink completes or aborts the object itself
                        }
                    };
                }

                @Override
                public PositionOutputStream createOrOverwrite(long blockSizeHint) {
                    return create(blockSizeHint);
                }

                @Override
                public boolean supportsBlockSize() {
                    return false;
                }

                @Override
                public long defaultBlockSize() {
                    return 0;
                }

                @Override
                public String getPath() {
                    return "s3-object";
                }
            }
        };
    }
}
