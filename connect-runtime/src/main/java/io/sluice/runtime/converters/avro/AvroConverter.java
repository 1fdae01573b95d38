package io.sluice.runtime.converters.avro;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import io.sluice.runtime.schemaregistry.compatibility.CompatibilityChecker;

/**
 * Avro through a Confluent-compatible schema registry, in Confluent's wire format (magic byte 0, the schema's
 * 4-byte id, Avro binary) and with Confluent's keys; configs written for io.confluent.connect.avro.AvroConverter
 * (an alias of this class) work unchanged, and records written by either converter are read by the other.
 */
public final class AvroConverter implements Converter {
    private static final byte MAGIC = 0;

    private AvroConverterConfig config;
    private RegistryClient registry;
    private boolean isKey;
    private SubjectNameStrategy strategy;
    private Map<Schema, org.apache.avro.Schema> avroSchemas;
    private final Map<Integer, Reading> readings = new ConcurrentHashMap<>();

    /** What decoding an id needs: the writer's Avro schema and its Connect schema. */
    private record Reading(org.apache.avro.Schema avro, Schema connect) {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = new AvroConverterConfig(configs);
        this.isKey = isKey;
        this.strategy = config.strategy(isKey);
        this.registry = new RegistryClient(config.urls(), config.userInfo(), config.sslContext());
        int cacheSize = config.getInt(AvroConverterConfig.CACHE_SIZE);
        this.avroSchemas = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Schema, org.apache.avro.Schema> eldest) {
                return size() > cacheSize;
            }
        });
    }

    @Override
    public ConfigDef config() {
        return AvroConverterConfig.CONFIG;
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (value == null) {
            return null; // a tombstone stays a tombstone
        }
        if (schema == null) {
            throw new DataException("The Avro converter needs records with a schema (topic " + topic + "); use a "
                    + "converter that gives one, e.g. JsonConverter with schemas.enable=true");
        }
        try {
            org.apache.avro.Schema own = avroSchemas.computeIfAbsent(schema, AvroSchemaMapper::toAvro);
            String subject = strategy.subject(topic, isKey, own);
            org.apache.avro.Schema writer = own;
            int id;
            if (config.getBoolean(AvroConverterConfig.USE_LATEST_VERSION)) {
                RegistryClient.Registered latest = registry.latest(subject);
                writer = new org.apache.avro.Schema.Parser().parse(latest.schema());
                if (config.getBoolean(AvroConverterConfig.LATEST_COMPATIBILITY_STRICT)
                        && !CompatibilityChecker.canRead(writer, own)) {
                    throw new DataException("The latest version " + latest.version() + " of subject " + subject
                            + " cannot stand in for the record's schema (latest.compatibility.strict=true)");
                }
                id = latest.id();
            } else if (config.getBoolean(AvroConverterConfig.AUTO_REGISTER)) {
                id = registry.register(subject, own.toString());
            } else {
                id = registry.idOf(subject, own.toString());
            }
            return encode(id, writer, AvroValueMapper.toAvro(value, schema, writer));
        } catch (RuntimeException e) {
            throw new DataException("Failed to serialize Avro data from topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private static byte[] encode(int id, org.apache.avro.Schema writer, Object avroValue) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(64);
        out.write(MAGIC);
        out.write(ByteBuffer.allocate(4).putInt(id).array(), 0, 4);
        try {
            BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
            new GenericDatumWriter<>(writer).write(avroValue, encoder);
            encoder.flush();
        } catch (IOException | RuntimeException e) {
            throw new DataException("Cannot write the value as Avro: " + e.getMessage(), e);
        }
        return out.toByteArray();
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (value == null) {
            return SchemaAndValue.NULL;
        }
        try {
            ByteBuffer buffer = ByteBuffer.wrap(value);
            if (value.length < 5 || buffer.get() != MAGIC) {
                throw new DataException("Unknown magic byte! The data in topic " + topic
                        + " is not in the schema registry's Avro wire format");
            }
            int id = buffer.getInt();
            Reading reading = readings.computeIfAbsent(id, i -> reading(topic, i));
            Object avroValue = new GenericDatumReader<>(reading.avro()).read(null,
                    DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, null));
            return new SchemaAndValue(reading.connect(), AvroValueMapper.toConnect(avroValue, reading.avro(), reading.connect()));
        } catch (IOException | RuntimeException e) {
            throw new DataException("Failed to deserialize Avro data from topic " + topic + ": " + e.getMessage(), e);
        }
    }

    private Reading reading(String topic, int id) {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(registry.schemaById(id));
        Integer version = avro.getObjectProp(AvroSchemaMapper.CONNECT_VERSION) == null
                ? registry.versionOf(strategy.subject(topic, isKey, avro), id) : null;
        return new Reading(avro, AvroSchemaMapper.toConnect(avro, version));
    }
}
