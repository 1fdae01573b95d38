package io.sluice.runtime.converters;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.core.io.SerializedString;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.TextNode;
import io.sluice.runtime.converters.SchemaPlan.Declined;
import java.io.IOException;
import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.cache.Cache;
import org.apache.kafka.common.cache.LRUCache;
import org.apache.kafka.common.cache.SynchronizedCache;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;

/**
 * Streams a {"schema":…,"payload":…} envelope into Connect data, mirroring Apache's convertToConnect
 * value for value; anything it is not sure of throws {@link Declined} so Apache's code decides instead.
 */
final class JsonEnvelopeDecoder {
    /**
     * A JSON float as Apache reads it (BigDecimal.doubleValue() of its exact node) without a BigDecimal per value, a
     * sink's rows being full of doubles: Jackson's parse rounds as correctly. Zero is the exception: "-0.0" is
     * BigDecimal zero, so +0.0 in Apache, while an underflow such as "-1e-400" keeps its sign there.
     */
    private static double doubleToken(JsonParser p) throws IOException {
        double d = p.getDoubleValue();
        return d == 0 ? p.getDecimalValue().doubleValue() : d;
    }

    private static final SerializedString SCHEMA = new SerializedString("schema");
    private static final SerializedString PAYLOAD = new SerializedString("payload");

    private final JsonConverter converter;
    private final ObjectMapper mapper;
    /** Parses a payload on its own; one level shallower limit, as the envelope object is not around it. */
    private final JsonFactory payloadFactory;
    private final boolean replaceNullWithDefault;
    /** Tasks send one schema over and over, so the last one is compared before any hashing. */
    private volatile CachedSchema last;
    private final Cache<SchemaBytes, CachedSchema> cache;

    JsonEnvelopeDecoder(JsonConverter converter, ObjectMapper mapper, boolean replaceNullWithDefault, int cacheSize) {
        this.converter = converter;
        this.mapper = mapper;
        StreamReadConstraints constraints = mapper.getFactory().streamReadConstraints();
        this.payloadFactory = mapper.getFactory().rebuild()
                .streamReadConstraints(constraints.rebuild().maxNestingDepth(constraints.getMaxNestingDepth() - 1).build())
                .build();
        this.replaceNullWithDefault = replaceNullWithDefault;
        this.cache = new SynchronizedCache<>(new LRUCache<>(cacheSize));
    }

    SchemaAndValue decode(byte[] json) throws IOException {
        CachedSchema recent = last;
        if (recent != null) {
            SchemaAndValue quick = decodeAfterKnownPrefix(json, recent);
            if (quick != null) {
                return quick;
            }
        }
        try (JsonParser p = mapper.createParser(json)) {
            if (p.nextToken() != JsonToken.START_OBJECT || !p.nextFieldName(SCHEMA) || p.nextToken() != JsonToken.START_OBJECT) {
                throw Declined.INSTANCE;
            }
            long from = p.currentTokenLocation().getByteOffset();
            p.skipChildren();
            long to = p.currentLocation().getByteOffset();
            // Guards against inputs Jackson decodes as UTF-16/32, where offsets are not byte offsets into json.
            if (from < 0 || to <= from || to > json.length || json[(int) from] != '{' || json[(int) to - 1] != '}') {
                throw Declined.INSTANCE;
            }
            CachedSchema schema = schemaFor(json, (int) from, (int) to);
            if (!p.nextFieldName(PAYLOAD)) {
                throw Declined.INSTANCE;
            }
            Object value = read(p, p.nextToken(), schema.plan);
            if (p.nextToken() != JsonToken.END_OBJECT) {
                throw Declined.INSTANCE;
            }
            return new SchemaAndValue(schema.plan.schema, value);
        }
    }

    /**
     * A record that starts with the exact bytes {"schema":<last schema>,"payload": needs only its payload
     * parsed, which spares tokenizing the schema (half the decode time). Only payloads opening with { [ or "
     * qualify: Jackson rejects a root-level number followed by '}', and the guard against zero bytes keeps its
     * encoding detection on UTF-8. Returns null when the full parse must decide.
     */
    private SchemaAndValue decodeAfterKnownPrefix(byte[] json, CachedSchema recent) {
        byte[] prefix = recent.envelopePrefix;
        int start = prefix.length;
        if (json.length <= start || !Arrays.equals(prefix, 0, start, json, 0, start)) {
            return null;
        }
        byte close = switch (json[start]) {
            case '{' -> '}';
            case '[' -> ']';
            case '"' -> '"';
            default -> 0;
        };
        for (int i = start; i < Math.min(start + 4, json.length); i++) {
            if (json[i] == 0) {
                return null;
            }
        }
        if (close == 0) {
            return null;
        }
        if (recent.plan.flat && close == '}') {
            Struct row = FlatPayloadReader.read(json, start, recent.plan, replaceNullWithDefault);
            if (row != null) {
                return new SchemaAndValue(recent.plan.schema, row);
            }
        }
        try (JsonParser p = payloadFactory.createParser(json, start, json.length - start)) {
            Object value = read(p, p.nextToken(), recent.plan);
            int end = start + (int) p.currentLocation().getByteOffset();
            if (end <= start || end > json.length || json[end - 1] != close) {
                return null;
            }
            while (end < json.length && (json[end] == ' ' || json[end] == '\n' || json[end] == '\r' || json[end] == '\t')) {
                end++;
            }
            return end < json.length && json[end] == '}' ? new SchemaAndValue(recent.plan.schema, value) : null;
        } catch (Exception declined) {
            return null;
        }
    }

    /** Schemas are built by Apache's own asConnectSchema from the same tree Apache would have parsed. */
    private CachedSchema schemaFor(byte[] json, int from, int to) throws IOException {
        CachedSchema recent = last;
        if (recent != null && Arrays.equals(recent.key.bytes, 0, recent.key.bytes.length, json, from, to)) {
            return recent;
        }
        SchemaBytes probe = new SchemaBytes(json, from, to);
        CachedSchema found = cache.get(probe);
        if (found == null) {
            Schema schema = converter.asConnectSchema(mapper.readTree(json, from, to - from));
            byte[] bytes = Arrays.copyOfRange(json, from, to);
            found = new CachedSchema(new SchemaBytes(bytes, 0, bytes.length), JsonEnvelopeEncoder.envelopePrefix(bytes),
                    new SchemaPlan(schema));
            cache.put(found.key, found);
        }
        last = found;
        return found;
    }

    private Object read(JsonParser p, JsonToken t, SchemaPlan plan) throws IOException {
        if (t == JsonToken.VALUE_NULL) {
            return plan.forNull(replaceNullWithDefault);
        }
        switch (plan.logical) {
            case SchemaPlan.DECIMAL:
                return readDecimal(p, t, plan.schema);
            case SchemaPlan.DATE:
                return Date.toLogical(plan.schema, intToken(p, t));
            case SchemaPlan.TIME:
                return Time.toLogical(plan.schema, intToken(p, t));
            case SchemaPlan.TIMESTAMP:
                return Timestamp.toLogical(plan.schema, longToken(p, t));
            default:
                break;
        }
        switch (plan.type) {
            case BOOLEAN:
                if (t == JsonToken.VALUE_TRUE || t == JsonToken.VALUE_FALSE) {
                    return t == JsonToken.VALUE_TRUE;
                }
                throw Declined.INSTANCE;
            case INT8:
                return (byte) intToken(p, t);
            case INT16:
                return (short) intToken(p, t);
            case INT32:
                return intToken(p, t);
            case INT64:
                return longToken(p, t);
            case FLOAT32:
                return t == JsonToken.VALUE_NUMBER_FLOAT ? p.getDecimalValue().floatValue() : (float) longToken(p, t);
            case FLOAT64:
                return t == JsonToken.VALUE_NUMBER_FLOAT ? doubleToken(p) : (double) longToken(p, t);
            case STRING:
                return stringToken(p, t);
            case BYTES:
                return new TextNode(stringToken(p, t)).binaryValue();
            case ARRAY:
                return readArray(p, t, plan.value);
            case MAP:
                return plan.stringKeys ? readObjectMap(p, t, plan.value) : readPairMap(p, t, plan);
            case STRUCT:
                return readStruct(p, t, plan);
            default:
                throw Declined.INSTANCE;
        }
    }

    /** The BigDecimal Jackson's tree node would hold: IntNode, LongNode, BigIntegerNode or an exact DecimalNode. */
    private static BigDecimal readDecimal(JsonParser p, JsonToken t, Schema schema) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_FLOAT) {
            return p.getDecimalValue();
        }
        if (t == JsonToken.VALUE_NUMBER_INT) {
            return switch (p.getNumberType()) {
                case INT -> BigDecimal.valueOf(p.getIntValue());
                case LONG -> BigDecimal.valueOf(p.getLongValue());
                default -> new BigDecimal(p.getBigIntegerValue());
            };
        }
        return Decimal.toLogical(schema, new TextNode(stringToken(p, t)).binaryValue());
    }

    /** Only an IntNode passes Apache's isInt(); wider numbers would meet its truncating casts. */
    private static int intToken(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() == JsonParser.NumberType.INT) {
            return p.getIntValue();
        }
        throw Declined.INSTANCE;
    }

    private static long longToken(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_NUMBER_INT && p.getNumberType() != JsonParser.NumberType.BIG_INTEGER) {
            return p.getLongValue();
        }
        throw Declined.INSTANCE;
    }

    private static String stringToken(JsonParser p, JsonToken t) throws IOException {
        if (t == JsonToken.VALUE_STRING) {
            return p.getText();
        }
        throw Declined.INSTANCE;
    }

    private List<Object> readArray(JsonParser p, JsonToken t, SchemaPlan elements) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw Declined.INSTANCE;
        }
        List<Object> result = new ArrayList<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            result.add(read(p, e, elements));
        }
        return result;
    }

    /** Duplicate keys: the last wins, as in Jackson's tree. */
    private Map<Object, Object> readObjectMap(JsonParser p, JsonToken t, SchemaPlan values) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw Declined.INSTANCE;
        }
        Map<Object, Object> result = new HashMap<>();
        for (String name = p.nextFieldName(); name != null; name = p.nextFieldName()) {
            result.put(name, read(p, p.nextToken(), values));
        }
        expect(p, JsonToken.END_OBJECT);
        return result;
    }

    private Map<Object, Object> readPairMap(JsonParser p, JsonToken t, SchemaPlan plan) throws IOException {
        if (t != JsonToken.START_ARRAY) {
            throw Declined.INSTANCE;
        }
        Map<Object, Object> result = new HashMap<>();
        for (JsonToken e = p.nextToken(); e != JsonToken.END_ARRAY; e = p.nextToken()) {
            if (e != JsonToken.START_ARRAY) {
                throw Declined.INSTANCE;
            }
            Object key = read(p, p.nextToken(), plan.key);
            Object value = read(p, p.nextToken(), plan.value);
            if (p.nextToken() != JsonToken.END_ARRAY) {
                throw Declined.INSTANCE;
            }
            result.put(key, value);
        }
        return result;
    }

    private Struct readStruct(JsonParser p, JsonToken t, SchemaPlan plan) throws IOException {
        if (t != JsonToken.START_OBJECT) {
            throw Declined.INSTANCE;
        }
        int n = plan.fields.length;
        Object[] values = new Object[n];
        boolean[] seen = new boolean[n];
        int expected = 0;
        while (true) {
            int i;
            if (expected < n && p.nextFieldName(plan.names[expected])) {
                i = expected;
            } else {
                if (expected >= n) {
                    p.nextToken();
                }
                if (p.currentToken() != JsonToken.FIELD_NAME) {
                    expect(p, JsonToken.END_OBJECT);
                    break;
                }
                Integer known = plan.index.get(p.currentName());
                if (known == null) {
                    skipAsTree(p, p.nextToken());
                    continue;
                }
                i = known;
            }
            values[i] = read(p, p.nextToken(), plan.fieldPlans[i]);
            seen[i] = true;
            expected = i + 1;
        }
        Struct struct = new Struct(plan.schema);
        for (int i = 0; i < n; i++) {
            struct.put(plan.fields[i], seen[i] ? values[i] : plan.fieldPlans[i].forNull(replaceNullWithDefault));
        }
        return struct;
    }

    /**
     * Skips an unknown field's value but still materializes its strings and numbers as Jackson's tree
     * would, so any read constraint Apache trips on (number or string length) fails here too.
     */
    private static void skipAsTree(JsonParser p, JsonToken t) throws IOException {
        int depth = 0;
        do {
            switch (t) {
                case START_OBJECT, START_ARRAY -> depth++;
                case END_OBJECT, END_ARRAY -> depth--;
                case VALUE_STRING -> p.getText();
                case VALUE_NUMBER_FLOAT -> p.getDecimalValue();
                case VALUE_NUMBER_INT -> {
                    switch (p.getNumberType()) {
                        case INT -> p.getIntValue();
                        case LONG -> p.getLongValue();
                        default -> p.getBigIntegerValue();
                    }
                }
                case FIELD_NAME, VALUE_TRUE, VALUE_FALSE, VALUE_NULL -> { }
                default -> throw Declined.INSTANCE;
            }
            if (depth == 0) {
                return;
            }
            t = p.nextToken();
        } while (t != null);
        throw Declined.INSTANCE;
    }

    private static void expect(JsonParser p, JsonToken token) {
        if (p.currentToken() != token) {
            throw Declined.INSTANCE;
        }
    }

    /** A schema's JSON bytes as a cache key; lookups wrap the record's own array without copying. */
    private static final class SchemaBytes {
        final byte[] bytes;
        final int from;
        final int to;
        final int hash;

        SchemaBytes(byte[] bytes, int from, int to) {
            this.bytes = bytes;
            this.from = from;
            this.to = to;
            int h = 1;
            for (int i = from; i < to; i++) {
                h = 31 * h + bytes[i];
            }
            this.hash = h;
        }

        @Override
        public int hashCode() {
            return hash;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof SchemaBytes other && other.hash == hash
                    && Arrays.equals(bytes, from, to, other.bytes, other.from, other.to);
        }
    }

    private record CachedSchema(SchemaBytes key, byte[] envelopePrefix, SchemaPlan plan) {
    }
}
