package io.sluice.s3.format;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import io.sluice.s3.testing.BytesInputFile;
import org.junit.jupiter.api.Test;

/** Connect records through the Avro and Parquet writers and back through Avro's and Parquet's own readers. */
class AvroAndParquetFormatTest {

    static final Schema ADDRESS = SchemaBuilder.struct().name("com.example.Address")
            .field("city", Schema.STRING_SCHEMA).field("zip", Schema.OPTIONAL_STRING_SCHEMA).build();
    static final Schema ORDER = SchemaBuilder.struct().name("com.example.Order").version(3).doc("an order")
            .field("id", Schema.INT64_SCHEMA)
            .field("qty", Schema.INT16_SCHEMA)
            .field("flag", Schema.OPTIONAL_INT8_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("day", Date.SCHEMA)
            .field("at", Time.SCHEMA)
            .field("created", Timestamp.SCHEMA)
            .field("ratio", Schema.FLOAT64_SCHEMA)
            .field("weight", Schema.OPTIONAL_FLOAT32_SCHEMA)
            .field("ok", Schema.BOOLEAN_SCHEMA)
            .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).optional().build())
            .field("byId", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
            .field("ship", ADDRESS)
            .field("bill", SchemaBuilder.struct().field("city", Schema.STRING_SCHEMA).optional().build())
            .field("note", SchemaBuilder.string().defaultValue("none").build())
            .build();

    static Struct order(int i) {
        return new Struct(ORDER).put("id", (long) i).put("qty", (short) (i % 300)).put("flag", i % 2 == 0 ? null : (byte) 1)
                .put("price", i % 5 == 0 ? null : new BigDecimal("12.34").add(BigDecimal.valueOf(i, 2)))
                .put("day", new java.util.Date(86_400_000L * (19_000 + i)))
                .put("at", new java.util.Date(1000L * i))
                .put("created", new java.util.Date(1_700_000_000_000L + i))
                .put("ratio", i / 3.0).put("weight", i % 3 == 0 ? null : (float) i).put("ok", i % 2 == 0)
                .put("blob", new byte[] {(byte) i, 2, 3})
                .put("tags", List.of("t" + i, "x"))
                .put("attrs", i % 4 == 0 ? null : Map.of("a", i))
                .put("byId", Map.of(i, "v" + i))
                .put("ship", new Struct(ADDRESS).put("city", "c" + i))
                .put("bill", new Struct(ORDER.field("bill").schema()).put("city", "b" + i))
                .put("note", "n" + i);
    }

    static SinkRecord record(Schema schema, Object value, long offset) {
        return new SinkRecord("orders", 0, null, null, schema, value, offset);
    }

    @Test
    void avroFilesReadBackWithAvrosReaderToTheSameConnectSchemaAndValues() throws IOException {
        for (String codec : AvroFormat.CODECS) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordWriter writer = new AvroFormat(codec, false).open(out);
            for (int i = 0; i < 50; i++) {
                writer.write(record(ORDER, order(i), i));
            }
            writer.finish();

            AvroToConnect toConnect = new AvroToConnect();
            List<Struct> read = new ArrayList<>();
            try (DataFileStream<Object> in = new DataFileStream<>(new ByteArrayInputStream(out.toByteArray()),
                    new GenericDatumReader<>())) {
                assertEquals(codec, in.getMetaString("avro.codec"));
                Schema schema = toConnect.schema(in.getSchema());
                assertEquals(ORDER, schema, codec);
                in.forEach(datum -> read.add((Struct) AvroToConnect.value(datum, schema)));
            }
            assertEquals(50, read.size());
            for (int i = 0; i < 50; i++) {
                assertEquals(order(i), read.get(i), codec + " record " + i);
            }
        }
    }

    @Test
    void aRecordWithAnotherSchemaIsNotAcceptedIntoAnOpenFile() throws IOException {
        RecordWriter writer = new AvroFormat("null", false).open(new ByteArrayOutputStream());
        assertTrue(writer.accepts(record(ORDER, order(1), 0)));
        writer.write(record(ORDER, order(1), 0));
        assertTrue(writer.accepts(record(ORDER, order(2), 1)));
        Schema other = SchemaBuilder.struct().name("com.example.Order").field("id", Schema.INT64_SCHEMA).build();
        assertFalse(writer.accepts(record(other, new Struct(other).put("id", 1L), 2)));
        assertFalse(writer.accepts(record(Schema.STRING_SCHEMA, "x", 2)));
    }

    @Test
    void optionalPrimitiveValuesAndTombstonesFitAnAvroFile() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        RecordWriter writer = new AvroFormat("deflate", false).open(out);
        writer.write(record(Schema.OPTIONAL_STRING_SCHEMA, "a", 0));
        writer.write(record(Schema.OPTIONAL_STRING_SCHEMA, null, 1));
        writer.finish();
        List<Object> values = new ArrayList<>();
        try (DataFileStream<Object> in = new DataFileStream<>(new ByteArrayInputStream(out.toByteArray()),
                new GenericDatumReader<>())) {
            Schema schema = new AvroToConnect().schema(in.getSchema());
            assertEquals(Schema.OPTIONAL_STRING_SCHEMA, schema);
            in.forEach(d -> values.add(AvroToConnect.value(d, schema)));
        }
        assertEquals(java.util.Arrays.asList("a", null), values);
    }

    @Test
    void parquetFilesReadBackWithParquetsReaderForEveryCodec() throws IOException {
        for (String codec : ParquetCodecs.NAMES) {
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            RecordWriter writer = new ParquetFormat(codec, 64 * 1024).open(out);
            for (int i = 0; i < 2000; i++) {
                writer.write(record(ORDER, order(i), i));
            }
            assertTrue(writer.bufferedBytes() > 0, "the open row group is reported");
            writer.finish();
            byte[] file = out.toByteArray();
            assertEquals("PAR1", new String(file, file.length - 4, 4, java.nio.charset.StandardCharsets.US_ASCII));

            int n = 0;
            ParquetReadOptions options = new ParquetReadOptions.Builder(new PlainParquetConfiguration())
                    .withCodecFactory(new ParquetCodecs()).build();
            try (ParquetFileReader reader = new ParquetFileReader(new BytesInputFile(file), options)) {
                MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                assertEquals("com.example.Order", schema.getName());
                assertTrue(reader.getRowGroups().size() > 1, "small row groups: several per file");
                for (PageReadStore rows = reader.readNextRowGroup(); rows != null; rows = reader.readNextRowGroup()) {
                    RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                            .getRecordReader(rows, new GroupRecordConverter(schema));
                    for (long i = 0; i < rows.getRowCount(); i++, n++) {
                        Group g = records.read();
                        Struct expected = order(n);
                        assertEquals(expected.getInt64("id"), g.getLong("id", 0), codec);
                        assertEquals(expected.getStruct("ship").getString("city"),
                                g.getGroup("ship", 0).getString("city", 0), codec);
                        assertEquals(((java.util.Date) expected.get("created")).getTime(), g.getLong("created", 0));
                        assertEquals(expected.getString("note"), g.getString("note", 0));
                    }
                }
            }
            assertEquals(2000, n, codec);
        }
    }
}
