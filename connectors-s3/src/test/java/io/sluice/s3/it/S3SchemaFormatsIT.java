package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.s3.format.AvroToConnect;
import io.sluice.s3.ObjectNames;
import io.sluice.s3.ObjectNames.StoredObject;
import io.sluice.s3.format.ParquetCodecs;
import io.sluice.s3.testing.BytesInputFile;
import io.sluice.s3.testing.S3Plugin;
import io.sluice.s3.testing.S3TestServer;
import io.sluice.s3.testing.SchemaRecords;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.avro.file.DataFileStream;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.parquet.ParquetReadOptions;
import org.apache.parquet.column.page.PageReadStore;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.convert.GroupRecordConverter;
import org.apache.parquet.hadoop.ParquetFileReader;
import org.apache.parquet.io.ColumnIOFactory;
import org.apache.parquet.io.RecordReader;
import org.apache.parquet.schema.MessageType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Avro and Parquet objects written by the sink in a real worker, read back with Avro's and Parquet's readers. */
class S3SchemaFormatsIT {

    private static final int RECORDS = 300;
    private static final int SWITCH = 150;

    @TempDir
    Path dir;

    private static Map<String, String> sink(String bucket, String topic, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.put("connector.class", "io.sluice.s3.sink.S3SinkConnector");
        config.put("topics", topic);
        config.put("value.converter", SchemaRecords.CONVERTER);
        config.put("value.converter.schemas.enable", "true");
        config.putAll(extra);
        return config;
    }

    @Test
    void avroAndParquetObjectsHoldEveryRecordOnceWithOneSchemaPerObject() {
        String bucket = S3TestServer.newBucket();
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-schema"), 2);
        KafkaTestBroker.produce(topic, SchemaRecords.json(0, RECORDS, SWITCH, 10));

        try (TestWorker worker = S3Plugin.worker(S3Plugin.install(dir)).start()) {
            RestClient rest = worker.rest();
            // flush.size 60 does not divide the records of a schema: objects end at the schema change too
            assertEquals(201, rest.createConnector("avro", sink(bucket, topic, Map.of("topics.dir", "avro",
                    "format.class", "io.confluent.connect.s3.format.avro.AvroFormat", "avro.codec", "deflate",
                    "flush.size", "60", "rotate.schedule.interval.ms", "2000"))).status());
            assertEquals(201, rest.createConnector("avro-snappy", sink(bucket, topic, Map.of("topics.dir", "avro-snappy",
                    "format.class", "avro", "avro.codec", "snappy", "flush.size", "1000",
                    "rotate.schedule.interval.ms", "2000"))).status());
            assertEquals(201, rest.createConnector("parquet", sink(bucket, topic, Map.of("topics.dir", "parquet",
                    "format.class", "parquet", "parquet.codec", "snappy", "flush.size", "60",
                    "rotate.schedule.interval.ms", "2000"))).status());
            assertEquals(201, rest.createConnector("parquet-zstd", sink(bucket, topic, Map.of("topics.dir", "pq-zstd",
                    "format.class", "io.confluent.connect.s3.format.parquet.ParquetFormat", "parquet.codec", "zstd",
                    "flush.size", "1000", "rotate.schedule.interval.ms", "2000"))).status());

            for (String prefix : List.of("avro/", "avro-snappy/", "parquet/", "pq-zstd/")) {
                Await.until(() -> S3SinkIT.storedCount(bucket, prefix) == RECORDS, Duration.ofSeconds(90),
                        prefix + " objects stored: " + S3TestServer.keys(bucket) + " " + rest.get("/connectors?expand=status").raw());
            }
        }

        assertEquals(RECORDS, readAvro(bucket, "avro/", ".avro"));
        assertEquals(RECORDS, readAvro(bucket, "avro-snappy/", ".avro"));
        assertEquals(RECORDS, readParquet(bucket, "parquet/", ".snappy.parquet"));
        assertEquals(RECORDS, readParquet(bucket, "pq-zstd/", ".zstd.parquet"));
    }

    @Test
    void avroRecordsReadThroughTheRegistryBecomeAvroAndParquetObjects() throws Exception {
        String bucket = S3TestServer.newBucket();
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-avro-topic"), 1);
        TestWorker.Builder withRegistry = S3Plugin.worker(S3Plugin.install(dir))
                .with("schema.registry.listeners", "http://127.0.0.1:0")
                .with("schema.registry.topic", KafkaTestBroker.uniqueTopic("_schemas"));
        try (TestWorker worker = withRegistry.start()) {
            String registry = worker.schemaRegistryUrl().toString();
            RestClient rest = worker.rest();
            // V2 adds a required field: this subject lets every change through
            assertEquals(200, new RestClient(worker.schemaRegistryUrl()).put("/config/" + topic + "-value",
                    Map.of("compatibility", "NONE")).status());
            io.sluice.runtime.converters.avro.AvroConverter avro = new io.sluice.runtime.converters.avro.AvroConverter();
            avro.configure(Map.of("schema.registry.url", registry), false);
            try (var producer = new org.apache.kafka.clients.producer.KafkaProducer<byte[], byte[]>(
                    Map.<String, Object>of("bootstrap.servers", KafkaTestBroker.bootstrapServers()),
                    new org.apache.kafka.common.serialization.ByteArraySerializer(),
                    new org.apache.kafka.common.serialization.ByteArraySerializer())) {
                for (long id = 0; id < RECORDS; id++) {
                    Struct order = SchemaRecords.order(id, SWITCH);
                    producer.send(new org.apache.kafka.clients.producer.ProducerRecord<>(topic, null,
                            avro.fromConnectData(topic, order.schema(), order))).get();
                }
            }
            for (String format : List.of("avro", "parquet")) {
                Map<String, String> config = new HashMap<>(sink(bucket, topic, Map.of("topics.dir", "from-avro-" + format,
                        "format.class", format, "flush.size", "1000", "rotate.schedule.interval.ms", "2000")));
                config.put("value.converter", "io.confluent.connect.avro.AvroConverter");
                config.put("value.converter.schema.registry.url", registry);
                assertEquals(201, rest.createConnector("from-avro-" + format, config).status());
            }
            for (String prefix : List.of("from-avro-avro/", "from-avro-parquet/")) {
                Await.until(() -> S3SinkIT.storedCount(bucket, prefix) == RECORDS, Duration.ofSeconds(90),
                        prefix + " objects stored: " + S3TestServer.keys(bucket) + " " + rest.get("/connectors?expand=status").raw());
            }
        }
        assertEquals(RECORDS, readAvro(bucket, "from-avro-avro/", ".avro"));
        assertEquals(RECORDS, readParquet(bucket, "from-avro-parquet/", ".parquet"));
    }

    /** Checks every Avro object under prefix and returns how many records they hold. */
    private static int readAvro(String bucket, String prefix, String extension) {
        Set<Long> ids = new HashSet<>();
        int count = 0;
        for (String key : keys(bucket, prefix)) {
            assertTrue(key.endsWith(extension), key);
            StoredObject name = ObjectNames.parse(key).orElseThrow();
            List<Struct> records = new ArrayList<>();
            try (DataFileStream<Object> in = new DataFileStream<>(
                    new ByteArrayInputStream(S3TestServer.read(bucket, key)), new GenericDatumReader<>())) {
                Schema schema = new AvroToConnect().schema(in.getSchema());
                in.forEach(d -> records.add((Struct) AvroToConnect.value(d, schema)));
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertEquals(name.end() - name.start() + 1, records.size(), "the name says how many records " + key);
            long first = records.get(0).getInt64("id");
            for (Struct record : records) {
                long id = record.getInt64("id");
                assertEquals(first < SWITCH, id < SWITCH, "one schema per object: " + key);
                assertEquals(SchemaRecords.order(id, SWITCH), record, "restored exactly, schema included");
                assertTrue(ids.add(id), "no record in two objects: " + id);
            }
            count += records.size();
        }
        return count;
    }

    private static int readParquet(String bucket, String prefix, String extension) {
        Set<Long> ids = new HashSet<>();
        int count = 0;
        for (String key : keys(bucket, prefix)) {
            assertTrue(key.endsWith(extension), key);
            StoredObject name = ObjectNames.parse(key).orElseThrow();
            byte[] file = S3TestServer.read(bucket, key);
            ParquetReadOptions options = new ParquetReadOptions.Builder(new PlainParquetConfiguration())
                    .withCodecFactory(new ParquetCodecs()).build();
            int inObject = 0;
            try (ParquetFileReader reader = new ParquetFileReader(new BytesInputFile(file), options)) {
                MessageType schema = reader.getFooter().getFileMetaData().getSchema();
                for (PageReadStore rows = reader.readNextRowGroup(); rows != null; rows = reader.readNextRowGroup()) {
                    RecordReader<Group> records = new ColumnIOFactory().getColumnIO(schema)
                            .getRecordReader(rows, new GroupRecordConverter(schema));
                    for (long i = 0; i < rows.getRowCount(); i++, inObject++) {
                        Group g = records.read();
                        long id = g.getLong("id", 0);
                        Struct expected = SchemaRecords.order(id, SWITCH);
                        assertEquals(id >= SWITCH, schema.containsField("channel"), "one schema per object: " + key);
                        assertEquals(((java.util.Date) expected.get("created")).getTime(), g.getLong("created", 0));
                        assertEquals(expected.getString("customer") == null ? 0 : 1, g.getFieldRepetitionCount("customer"));
                        assertTrue(ids.add(id), "no record in two objects: " + id);
                    }
                }
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
            assertEquals(name.end() - name.start() + 1, inObject, "the name says how many records " + key);
            count += inObject;
        }
        return count;
    }

    private static List<String> keys(String bucket, String prefix) {
        return S3TestServer.keys(bucket).stream().filter(k -> k.startsWith(prefix)).toList();
    }
}
