package io.sluice.runtime.converters.avro;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.io.BinaryDecoder;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.storage.Converter;
import io.sluice.runtime.converters.RecordBuffer;
import io.sluice.runtime.schemaregistry.compatibility.CompatibilityChecker;

/**
 * Avro through a Confluent-compatible schema registry, in Confluent's wire format (magic byte 0, the schema's
 * 4-byte id, Avro binary) and with Confluent's keys; configs written for io.confluent.connect.avro.AvroConverter
 * (an alias of this class) work unchanged, and records written by either converter are read by the other.
 */
public final class AvroConverter implements Converter {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(AvroConverter.class);
    private static final byte MAGIC = 0;

    private AvroConverterConfig config;
    private RegistryClient registry;
    private boolean isKey;
    private SubjectNameStrategy strategy;
    private Map<Schema, Own> ownSchemas;
    private volatile Writing lastWriting;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();
    private final RecordBuffer.Spare<Scratch> spare = new RecordBuffer.Spare<>();
    private BinaryDecoder decoder;

    /** A Connect schema's own Avro schema, its text (what is registered) and the plan that writes its values. */
    private record Own(org.apache.avro.Schema avro, String text, AvroWritePlan plan) {
    }

    /** What writing records of one schema to one topic needs: the id, the writer schema and the plan writing it. */
    private record Writing(String topic, Schema schema, int id, org.apache.avro.Schema writer, AvroWritePlan plan) {
    }

    /** A record's output and the Avro encoder writing into it, reused from record to record. */
    private static final class Scratch {
        final RecordBuffer buffer = new RecordBuffer();
        final BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(buffer, null);
    }

    /** What decoding an id in a topic needs: the writer's Avro schema, its Connect schema and a datum reader. */
    private record Reading(org.apache.avro.Schema avro, Schema connect, GenericDatumReader<Object> datumReader) {
    }

    @Override
    public void configure(Map<String, ?> configs, boolean isKey) {
        this.config = new AvroConverterConfig(configs);
        ConfluentOnlyKeys.warnIgnored(configs, log, isKey);
        this.isKey = isKey;
        this.strategy = config.strategy(isKey);
        this.registry = new RegistryClient(config.urls(), config.userInfo(), config.sslContext(), config.retries());
        int cacheSize = config.getInt(AvroConverterConfig.CACHE_SIZE);
        this.ownSchemas = Collections.synchronizedMap(new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Schema, Own> eldest) {
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
            Writing writing = lastWriting;
            if (writing == null || writing.schema() != schema || !writing.topic().equals(topic)) {
                // records of one topic usually share one schema instance: found again without hashing it
                writing = writing(topic, schema);
                lastWriting = writing;
            }
            return encode(writing, value);
        } catch (RuntimeException e) {
            throw new DataException("Failed to serialize Avro data from topic " + topic + ": " + reason(e), e);
        }
    }

    /** The id and writer schema for records of schema in topic: registered, looked up or the latest version. */
    private Writing writing(String topic, Schema schema) {
        Own own = ownSchemas.computeIfAbsent(schema, s -> {
            org.apache.avro.Schema avro = AvroSchemaMapper.toAvro(s, config.getBoolean(AvroConverterConfig.SCRUB_INVALID_NAMES));
            return new Own(avro, avro.toString(), AvroWritePlan.of(s, avro));
        });
        String subject = strategy.subject(topic, isKey, own.avro());
        if (config.getBoolean(AvroConverterConfig.USE_LATEST_VERSION)) {
            RegistryClient.Registered latest = registry.latest(subject, config.getLong(AvroConverterConfig.LATEST_CACHE_TTL_SEC));
            org.apache.avro.Schema writer = new org.apache.avro.Schema.Parser().parse(latest.schema());
            if (config.getBoolean(AvroConverterConfig.LATEST_COMPATIBILITY_STRICT) && !CompatibilityChecker.canRead(writer, own.avro())) {
                throw new DataException("The latest version " + latest.version() + " of subject " + subject
                        + " cannot stand in for the record's schema (latest.compatibility.strict=true)");
            }
            return new Writing(topic, schema, latest.id(), writer, AvroWritePlan.of(schema, writer));
        }
        int id = config.getBoolean(AvroConverterConfig.AUTO_REGISTER)
                ? registry.register(subject, own.text()) : registry.idOf(subject, own.text());
        return new Writing(topic, schema, id, own.avro(), own.plan());
    }

    private byte[] encode(Writing writing, Object value) {
        Scratch scratch = spare.take();
        if (scratch == null) {
            scratch = new Scratch();
        }
        RecordBuffer out = scratch.buffer;
        try {
            out.reset();
            out.write(MAGIC);
            int id = writing.id();
            out.write(id >>> 24);
            out.write(id >>> 16);
            out.write(id >>> 8);
            out.write(id);
            writing.plan().write(value, scratch.encoder);
            return out.toBytes();
        } catch (DataException e) {
            throw e; // the value does not fit its schema: said as toAvro says it
        } catch (IOException | RuntimeException e) {
            throw new DataException("Cannot write the value as Avro: " + reason(e), e);
        } finally {
            spare.give(scratch, out);
        }
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
            Reading reading = readings.computeIfAbsent(topic + "\u0000" + id, key -> reading(topic, id));
            decoder = DecoderFactory.get().binaryDecoder(value, 5, value.length - 5, decoder);
            Object avroValue = reading.datumReader().read(null, decoder);
            return new SchemaAndValue(reading.connect(), AvroValueMapper.toConnect(avroValue, reading.avro(), reading.connect()));
        } catch (IOException | RuntimeException e) {
            throw new DataException("Failed to deserialize Avro data from topic " + topic + ": " + reason(e), e);
        }
    }

    private Reading reading(String topic, int id) {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse(registry.schemaById(id));
        Integer version = avro.getObjectProp(AvroSchemaMapper.CONNECT_VERSION) == null
                ? registry.versionOf(strategy.subject(topic, isKey, avro), id) : null;
        return new Reading(avro, AvroSchemaMapper.toConnect(avro, version), new GenericDatumReader<>(avro));
    }

    /**
     * Why e happened, in words: its message or its causes' first one; for the JDK's exceptions that carry none
     * (a cut-off record's EOFException, HttpClient's refused connection) what they mean, never "null".
     */
    static String reason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t.getMessage() != null && !t.getMessage().isBlank()) {
                return t.getMessage();
            }
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            String meaning = meaning(t);
            if (meaning != null) {
                return meaning;
            }
        }
        return "no reason given (" + e.getClass().getSimpleName() + ")";
    }

    private static String meaning(Throwable t) {
        if (t instanceof java.io.EOFException) {
            return "the data ends before the Avro value does (a cut-off record, or not written with this schema)";
        }
        if (t instanceof java.net.http.HttpConnectTimeoutException) {
            return "connecting timed out";
        }
        if (t instanceof java.net.http.HttpTimeoutException) {
            return "no answer in time";
        }
        if (t instanceof java.net.ConnectException) {
            return "connection refused";
        }
        if (t instanceof java.net.UnknownHostException || t instanceof java.nio.channels.UnresolvedAddressException) {
            return "unknown host";
        }
        return t instanceof java.nio.channels.ClosedChannelException ? "the connection was closed" : null;
    }
}
