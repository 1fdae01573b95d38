package io.sluice.s3.format;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.apache.avro.SchemaBuilder;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Values;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Whole records in Avro files (avro.envelope=true): a KafkaRecord datum per record with offset, timestamp,
 * key, value and headers, so the source restores records exactly, as with the JSON envelope format. Keys and
 * values keep their Connect schemas; schemaless ones must be bytes or strings (stored as bytes). Header values
 * are stored as bytes when they are bytes, else as their string form.
 */
public final class AvroEnvelope {

    static final String RECORD = ConnectToAvro.NAMESPACE + ".KafkaRecord";
    private static final org.apache.avro.Schema HEADER = SchemaBuilder.record("KafkaHeader")
            .namespace(ConnectToAvro.NAMESPACE).fields()
            .requiredString("name")
            .name("value").type().unionOf().nullType().and().bytesType().and().stringType().endUnion().nullDefault()
            .endRecord();

    private AvroEnvelope() {
    }

    /** The file schema for records with these key and value schemas (null: schemaless bytes). */
    static org.apache.avro.Schema schema(Schema keySchema, Schema valueSchema) {
        ConnectToAvro names = new ConnectToAvro();
        return SchemaBuilder.record("KafkaRecord").namespace(ConnectToAvro.NAMESPACE).fields()
                .requiredLong("offset")
                .optionalLong("timestamp")
                .name("key").type(names.convert(orBytes(keySchema), true)).noDefault()
                .name("value").type(names.convert(orBytes(valueSchema), true)).noDefault()
                .name("headers").type().array().items(HEADER).noDefault()
                .endRecord();
    }

    private static Schema orBytes(Schema schema) {
        return schema == null ? Schema.OPTIONAL_BYTES_SCHEMA : schema;
    }

    /** The datum of record in the file schema avro. */
    static GenericRecord datum(SinkRecord record, org.apache.avro.Schema avro) {
        GenericData.Record out = new GenericData.Record(avro);
        out.put("offset", record.kafkaOffset());
        out.put("timestamp", record.timestamp());
        out.put("key", ConnectToAvro.value(schemaless(record.key(), record.keySchema()), orBytes(record.keySchema()),
                avro.getField("key").schema()));
        out.put("value", ConnectToAvro.value(schemaless(record.value(), record.valueSchema()),
                orBytes(record.valueSchema()), avro.getField("value").schema()));
        List<GenericRecord> headers = new ArrayList<>();
        for (Header header : record.headers()) {
            GenericData.Record h = new GenericData.Record(HEADER);
            h.put("name", header.key());
            Object v = header.value();
            h.put("value", v == null ? null : v instanceof byte[] b ? ByteBuffer.wrap(b)
                    : v instanceof ByteBuffer bb ? bb : Values.convertToString(header.schema(), v));
            headers.add(h);
        }
        out.put("headers", headers);
        return out;
    }

    /** A schemaless key or value as bytes. */
    private static Object schemaless(Object value, Schema schema) {
        if (schema != null || value == null || value instanceof byte[]) {
            return value;
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw new DataException("avro.envelope stores schemaless keys and values only as bytes or strings, not "
                + value.getClass().getName() + "; use a converter that gives schemas");
    }

    /** Whether a file's schema is this envelope. */
    public static boolean is(org.apache.avro.Schema fileSchema) {
        return fileSchema.getType() == org.apache.avro.Schema.Type.RECORD && RECORD.equals(fileSchema.getFullName());
    }

    /** The parts of an envelope datum, converted back to Connect. */
    public record Parts(Schema keySchema, Object key, Schema valueSchema, Object value, Long timestamp,
                        ConnectHeaders headers) {
    }

    /** A reader of one file's envelope data, with the key and value schemas converted once. */
    public static final class Reader {
        private final Schema keySchema;
        private final Schema valueSchema;

        public Reader(org.apache.avro.Schema fileSchema) {
            AvroToConnect toConnect = new AvroToConnect();
            this.keySchema = toConnect.schema(fileSchema.getField("key").schema());
            this.valueSchema = toConnect.schema(fileSchema.getField("value").schema());
        }

        public Parts parts(GenericRecord datum) {
            ConnectHeaders headers = new ConnectHeaders();
            for (Object item : (List<?>) datum.get("headers")) {
                GenericRecord h = (GenericRecord) item;
                Object v = h.get("value");
                String name = h.get("name").toString();
                if (v instanceof ByteBuffer buffer) {
                    byte[] b = new byte[buffer.remaining()];
                    buffer.duplicate().get(b);
                    headers.add(name, new SchemaAndValue(Schema.OPTIONAL_BYTES_SCHEMA, b));
                } else if (v != null) {
                    headers.add(name, new SchemaAndValue(Schema.OPTIONAL_STRING_SCHEMA, v.toString()));
                } else {
                    headers.add(name, new SchemaAndValue(null, null));
                }
            }
            return new Parts(keySchema, AvroToConnect.value(datum.get("key"), keySchema), valueSchema,
                    AvroToConnect.value(datum.get("value"), valueSchema), (Long) datum.get("timestamp"), headers);
        }
    }
}
