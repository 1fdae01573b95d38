package io.sluice.runtime.converters;

import com.fasterxml.jackson.core.JsonEncoding;
import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.converters.SchemaPlan.Declined;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Writes Connect data as the {"schema":…,"payload":…} bytes Apache's JsonConverter would produce, making the
 * same generator calls its tree's nodes make; anything unusual throws {@link Declined} so Apache's code decides.
 */
final class JsonEnvelopeEncoder {
    private static final byte[] SCHEMA_OPEN = "{\"schema\":".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PAYLOAD_OPEN = ",\"payload\":".getBytes(StandardCharsets.UTF_8);

    private final JsonConverter converter;
    private final ObjectMapper mapper;
    private final boolean replaceNullWithDefault;
    private final boolean numericDecimals;
    /** Tasks reuse one Schema instance, so the last one is compared by identity before any hashing. */
    private volatile CachedPrefix last;
    private final Cache<Schema, CachedPrefix> cache;
    private final RecordBuffer.Spare<RecordBuffer> spare = new RecordBuffer.Spare<>();

    JsonEnvelopeEncoder(JsonConverter converter, ObjectMapper mapper, boolean replaceNullWithDefault,
                        boolean numericDecimals, int cacheSize) {
        this.converter = converter;
        this.mapper = mapper;
        this.replaceNullWithDefault = replaceNullWithDefault;
        this.numericDecimals = numericDecimals;
        this.cache = new SynchronizedCache<>(new LRUCache<>(cacheSize));
    }

    byte[] encode(Schema schema, Object value) throws IOException {
        CachedPrefix prefix = prefixFor(schema);
        RecordBuffer buffer = spare.take();
        if (buffer == null) {
            buffer = new RecordBuffer();
        }
        try {
            buffer.reset();
            buffer.write(prefix.bytes);
            try (JsonGenerator g = mapper.createGenerator(buffer, JsonEncoding.UTF8)) {
                write(g, prefix.plan, value);
            }
            buffer.write('}');
            return buffer.toBytes();
        } finally {
            spare.give(buffer, buffer);
        }
    }

    /** The schema half is Apache's own asJsonSchema tree, serialized once per distinct schema. */
    private CachedPrefix prefixFor(Schema schema) throws IOException {
        CachedPrefix recent = last;
        if (recent != null && recent.plan.schema == schema) {
            return recent;
        }
        CachedPrefix found = cache.get(schema);
        if (found == null) {
            byte[] json = mapper.writeValueAsBytes(converter.asJsonSchema(schema));
            byte[] bytes = envelopePrefix(json);
            found = new CachedPrefix(bytes, new SchemaPlan(schema));
            cache.put(schema, found);
        }
        last = found;
        return found;
    }

    /** {"schema":<schema json>,"payload": as Apache's serializer writes the envelope before its payload. */
    static byte[] envelopePrefix(byte[] schemaJson) {
        byte[] bytes = new byte[SCHEMA_OPEN.length + schemaJson.length + PAYLOAD_OPEN.length];
        System.arraycopy(SCHEMA_OPEN, 0, bytes, 0, SCHEMA_OPEN.length);
        System.arraycopy(schemaJson, 0, bytes, SCHEMA_OPEN.length, schemaJson.length);
        System.arraycopy(PAYLOAD_OPEN, 0, bytes, SCHEMA_OPEN.length + schemaJson.length, PAYLOAD_OPEN.length);
        return bytes;
    }

    private void write(JsonGenerator g, SchemaPlan plan, Object value) throws IOException {
        if (value == null) {
            Object replacement = plan.forNull(replaceNullWithDefault);
            if (replacement == null) {
                g.writeNull();
            } else {
                write(g, plan, replacement);
            }
            return;
        }
        switch (plan.logical) {
            case SchemaPlan.DECIMAL -> {
                BigDecimal decimal = as(BigDecimal.class, value);
                if (numericDecimals) {
                    g.writeNumber(decimal);
                } else {
                    g.writeBinary(Decimal.fromLogical(plan.schema, decimal));
                }
                return;
            }
            case SchemaPlan.DATE -> {
                g.writeNumber(Date.fromLogical(plan.schema, as(java.util.Date.class, value)));
                return;
            }
            case SchemaPlan.TIME -> {
                g.writeNumber(Time.fromLogical(plan.schema, as(java.util.Date.class, value)));
                return;
            }
            case SchemaPlan.TIMESTAMP -> {
                g.writeNumber(Timestamp.fromLogical(plan.schema, as(java.util.Date.class, value)));
                return;
            }
            default -> { }
        }
        switch (plan.type) {
            case INT8 -> g.writeNumber((int) as(Byte.class, value));
            case INT16 -> g.writeNumber((short) as(Short.class, value));
            case INT32 -> g.writeNumber((int) as(Integer.class, value));
            case INT64 -> g.writeNumber((long) as(Long.class, value));
            case FLOAT32 -> g.writeNumber((float) as(Float.class, value));
            case FLOAT64 -> g.writeNumber((double) as(Double.class, value));
            case BOOLEAN -> g.writeBoolean(as(Boolean.class, value));
            case STRING -> g.writeString(as(String.class, value));
            case BYTES -> {
                if (value instanceof byte[] bytes) {
                    g.writeBinary(bytes);
                } else {
                    g.writeBinary(as(ByteBuffer.class, value).array());
                }
            }
            case ARRAY -> {
                g.writeStartArray();
                for (Object element : as(Collection.class, value)) {
                    write(g, plan.value, element);
                }
                g.writeEndArray();
            }
            case MAP -> writeMap(g, plan, as(Map.class, value));
            case STRUCT -> writeStruct(g, plan, as(Struct.class, value));
            default -> throw Declined.INSTANCE;
        }
    }

    private void writeMap(JsonGenerator g, SchemaPlan plan, Map<?, ?> map) throws IOException {
        if (plan.stringKeys) {
            // Apache writes the key's node asText(): only a plain String key is certain to come out as itself.
            if (plan.key.logical != SchemaPlan.NOT_LOGICAL) {
                throw Declined.INSTANCE;
            }
            g.writeStartObject();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeFieldName(as(String.class, entry.getKey()));
                write(g, plan.value, entry.getValue());
            }
            g.writeEndObject();
        } else {
            g.writeStartArray();
            for (Map.Entry<?, ?> entry : map.entrySet()) {
                g.writeStartArray();
                write(g, plan.key, entry.getKey());
                write(g, plan.value, entry.getValue());
                g.writeEndArray();
            }
            g.writeEndArray();
        }
    }

    private void writeStruct(JsonGenerator g, SchemaPlan plan, Struct struct) throws IOException {
        if (struct.schema() != plan.schema && !struct.schema().equals(plan.schema)) {
            throw Declined.INSTANCE;
        }
        RepeatedValues.Seen<SerializedString> seen = plan.repeated != null ? plan.repeated.match(struct) : null;
        if (seen != null) {
            SerializedString json = seen.written();
            if (json == null) {
                json = serialized(plan, struct);
                plan.repeated.remember(seen, json);
            }
            g.writeRawValue(json); // a SerializedString keeps its UTF-8 bytes: a copy per record
            return;
        }
        writeFields(g, plan, struct);
    }

    private void writeFields(JsonGenerator g, SchemaPlan plan, Struct struct) throws IOException {
        g.writeStartObject();
        for (int i = 0; i < plan.fields.length; i++) {
            if (plan.plainNames[i]) {
                g.writeFieldName(plan.names[i]);
            } else {
                g.writeFieldName(plan.fields[i].name());
            }
            write(g, plan.fieldPlans[i], SchemaPlan.withoutDefault(struct, plan.fields[i]));
        }
        g.writeEndObject();
    }

    /** A struct's JSON on its own, as writeFields writes it inside a record. */
    private SerializedString serialized(SchemaPlan plan, Struct struct) throws IOException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (JsonGenerator own = mapper.createGenerator(bytes, JsonEncoding.UTF8)) {
            writeFields(own, plan, struct);
        }
        return new SerializedString(bytes.toString(StandardCharsets.UTF_8));
    }

    /** Apache's casts would throw where this declines, so it never writes a value of an unexpected class. */
    private static <T> T as(Class<T> type, Object value) {
        if (type.isInstance(value)) {
            return type.cast(value);
        }
        throw Declined.INSTANCE;
    }

    private record CachedPrefix(byte[] bytes, SchemaPlan plan) {
    }
}
