package io.sluice.runtime.converters;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.Supplier;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.json.JsonConverter;
import org.junit.jupiter.api.Test;

/** StreamingJsonConverter against Apache's JsonConverter: same bytes, same values, same exceptions. */
class StreamingJsonConverterTest {

    /** Apache's converter and ours, configured alike. */
    private record Pair(JsonConverter apache, StreamingJsonConverter ours, String label) {
    }

    private final List<Pair> pairs = new ArrayList<>();
    /** When set, each encoded record is also decoded once more with one byte of its payload changed. */
    private Random mutations;

    StreamingJsonConverterTest() {
        for (boolean isKey : new boolean[] {false, true}) {
            for (String format : List.of("BASE64", "NUMERIC")) {
                for (String replace : List.of("true", "false")) {
                    pairs.add(pair(Map.of("decimal.format", format, "replace.null.with.default", replace), isKey));
                }
            }
        }
    }

    private static Pair pair(Map<String, String> config, boolean isKey) {
        JsonConverter apache = new JsonConverter();
        StreamingJsonConverter ours = new StreamingJsonConverter();
        apache.configure(config, isKey);
        ours.configure(config, isKey);
        return new Pair(apache, ours, config + (isKey ? " key" : " value"));
    }

    // ---- comparison helpers ----

    /** Runs both sides; equal exceptions (class and message) or results compared by the caller. */
    private static <T> List<T> both(Supplier<T> apache, Supplier<T> ours, String what) {
        T a = null;
        T b = null;
        Exception ea = null;
        Exception eb = null;
        try {
            a = apache.get();
        } catch (Exception e) {
            ea = e;
        }
        try {
            b = ours.get();
        } catch (Exception e) {
            eb = e;
        }
        if (ea != null || eb != null) {
            assertNotNull(ea, () -> what + ": only ours threw " + ours);
            assertNotNull(eb, () -> what + ": only Apache threw");
            assertEquals(ea.getClass(), eb.getClass(), what);
            assertEquals(ea.getMessage(), eb.getMessage(), what);
            return null;
        }
        return Arrays.asList(a, b);
    }

    /** Encodes with every pair, compares bytes, then decodes what was written. Returns how many declined. */
    private long roundTrip(Schema schema, Object value) {
        long declined = 0;
        for (Pair p : pairs) {
            long before = p.ours.deferredToApache();
            List<byte[]> out = both(() -> p.apache.fromConnectData("t", schema, value),
                    () -> p.ours.fromConnectData("t", schema, value), p.label + " encode " + schema + " " + value);
            if (out != null) {
                assertArrayEquals(out.get(0), out.get(1), () -> p.label + " encode " + str(out.get(0)) + " vs " + str(out.get(1)));
                if (out.get(0) != null) {
                    decode(p, out.get(0));
                    decode(p, out.get(0)); // now with this schema as the last one seen
                }
            }
            declined += p.ours.deferredToApache() - before;
            if (mutations != null && out != null && out.get(0) != null) {
                decode(p, mutate(out.get(0), mutations)); // mostly Apache's errors, so not counted
            }
        }
        return declined;
    }

    private void assertFast(Schema schema, Object value) {
        assertEquals(0, roundTrip(schema, value), () -> "fast path declined " + schema + " " + value);
    }

    private void decode(Pair p, byte[] json) {
        List<SchemaAndValue> out = both(() -> p.apache.toConnectData("t", json), () -> p.ours.toConnectData("t", json),
                p.label + " decode " + str(json));
        if (out != null) {
            assertEquals(out.get(0).schema(), out.get(1).schema(), () -> p.label + " schema of " + str(json));
            assertEquals(normalize(out.get(0).value()), normalize(out.get(1).value()), () -> p.label + " value of " + str(json));
        }
    }

    private long decodeAll(byte[] json) {
        long declined = 0;
        for (Pair p : pairs) {
            long before = p.ours.deferredToApache();
            decode(p, json);
            declined += p.ours.deferredToApache() - before;
        }
        return declined;
    }

    private long decodeAll(String json) {
        return decodeAll(json.getBytes(StandardCharsets.UTF_8));
    }

    private static final byte[] MUTANTS = "01-.e\"{}[],:nt\0 \\x".getBytes(StandardCharsets.UTF_8);

    private static byte[] mutate(byte[] json, Random r) {
        byte[] copy = json.clone();
        int from = new String(json, StandardCharsets.UTF_8).indexOf(",\"payload\":") + 11;
        if (r.nextInt(4) == 0) {
            return Arrays.copyOf(copy, from + r.nextInt(copy.length - from));
        }
        copy[from + r.nextInt(copy.length - from)] = MUTANTS[r.nextInt(MUTANTS.length)];
        return copy;
    }

    private static String str(byte[] b) {
        return b == null ? "null" : new String(b, StandardCharsets.UTF_8);
    }

    /** byte[] compares by identity inside Lists, Maps and SchemaAndValue; ByteBuffer compares by content. */
    private static Object normalize(Object v) {
        if (v instanceof byte[] bytes) {
            return ByteBuffer.wrap(bytes);
        }
        if (v instanceof List<?> list) {
            return list.stream().map(StreamingJsonConverterTest::normalize).toList();
        }
        if (v instanceof Map<?, ?> map) {
            Map<Object, Object> result = new HashMap<>();
            map.forEach((k, x) -> result.put(normalize(k), normalize(x)));
            return result;
        }
        if (v instanceof Struct struct) {
            List<Object> result = new ArrayList<>();
            result.add(struct.schema());
            for (Field f : struct.schema().fields()) {
                result.add(normalize(struct.getWithoutDefault(f.name())));
            }
            return result;
        }
        return v;
    }

    // ---- hand-written cases ----

    private static final Schema[] PRIMITIVES = {
        Schema.INT8_SCHEMA, Schema.INT16_SCHEMA, Schema.INT32_SCHEMA, Schema.INT64_SCHEMA, Schema.FLOAT32_SCHEMA,
        Schema.FLOAT64_SCHEMA, Schema.BOOLEAN_SCHEMA, Schema.STRING_SCHEMA, Schema.BYTES_SCHEMA,
        Schema.OPTIONAL_INT8_SCHEMA, Schema.OPTIONAL_INT16_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA,
        Schema.OPTIONAL_INT64_SCHEMA, Schema.OPTIONAL_FLOAT32_SCHEMA, Schema.OPTIONAL_FLOAT64_SCHEMA,
        Schema.OPTIONAL_BOOLEAN_SCHEMA, Schema.OPTIONAL_STRING_SCHEMA, Schema.OPTIONAL_BYTES_SCHEMA,
    };

    private static Object sample(Schema.Type type) {
        return switch (type) {
            case INT8 -> (byte) -7;
            case INT16 -> (short) 30000;
            case INT32 -> Integer.MIN_VALUE;
            case INT64 -> Long.MAX_VALUE;
            case FLOAT32 -> 0.1f;
            case FLOAT64 -> 1e-7;
            case BOOLEAN -> true;
            case STRING -> "h\u00e9llo \"\\ \n\t\u0001 \ud83d\ude00 \u2028";
            case BYTES -> new byte[] {0, 1, -1, 127, -128};
            default -> throw new IllegalArgumentException();
        };
    }

    @Test
    void primitivesOptionalAndRequiredWithAndWithoutValues() {
        for (Schema s : PRIMITIVES) {
            assertFast(s, sample(s.type()));
            roundTrip(s, null);
            Schema withDefault = new SchemaBuilder(s.type()).optional().defaultValue(sample(s.type())).build();
            assertFast(withDefault, sample(s.type()));
            roundTrip(withDefault, null);
            Schema requiredDefault = new SchemaBuilder(s.type()).defaultValue(sample(s.type())).build();
            roundTrip(requiredDefault, null);
        }
        assertFast(Schema.BYTES_SCHEMA, ByteBuffer.wrap(new byte[] {9, 8, 7}));
        assertFast(Schema.STRING_SCHEMA, "");
    }

    @Test
    void floatsAsJacksonWritesThem() {
        for (float f : new float[] {1e-7f, 0.1f, 3.4028235E38f, Float.MIN_VALUE, -0.0f, 16777217f, Float.NaN,
            Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}) {
            roundTrip(Schema.FLOAT32_SCHEMA, f);
        }
        for (double d : new double[] {1e-7, 0.1, 3.4028235E38, Double.MAX_VALUE, Double.MIN_VALUE, -0.0, 1e300,
            Double.NaN, Double.POSITIVE_INFINITY}) {
            roundTrip(Schema.FLOAT64_SCHEMA, d);
        }
        assertFast(Schema.FLOAT64_SCHEMA, 0.1);
    }

    @Test
    void logicalTypes() {
        Schema money = Decimal.schema(2);
        assertFast(money, new BigDecimal("12345.67"));
        assertFast(Decimal.schema(-3), new BigDecimal("1.23E+5"));
        assertFast(Decimal.schema(40), new BigDecimal(new BigInteger("1234567890123456789012345678901234567890123456789"), 40));
        assertFast(Decimal.builder(0).optional().build(), new BigDecimal("-98765432109876543210"));
        roundTrip(Decimal.builder(2).optional().build(), null);
        roundTrip(Decimal.builder(2).optional().defaultValue(new BigDecimal("1.00")).build(), null);
        roundTrip(money, new BigDecimal("1.5")); // wrong scale: Apache's error in BASE64, fine in NUMERIC
        roundTrip(money, 12);
        assertFast(Date.SCHEMA, new java.util.Date(86_400_000L * 19_000));
        roundTrip(Date.SCHEMA, new java.util.Date(5)); // not midnight
        assertFast(Time.SCHEMA, new java.util.Date(45_296_789L));
        assertFast(Timestamp.SCHEMA, new java.util.Date(1_733_000_000_123L));
        assertFast(Timestamp.SCHEMA, new java.util.Date(-5L));
        roundTrip(Timestamp.builder().optional().defaultValue(new java.util.Date(7)).build(), null);
        roundTrip(Timestamp.SCHEMA, "not a date");
        // Apache looks at the logical name whatever the type.
        roundTrip(SchemaBuilder.string().name(Decimal.LOGICAL_NAME).parameter("scale", "1").build(), new BigDecimal("2.5"));
        roundTrip(SchemaBuilder.int64().name(Date.LOGICAL_NAME).build(), new java.util.Date(0));
    }

    private static final Schema ADDRESS = SchemaBuilder.struct().name("Address").doc("d\u00f6c \ud83c\udfe0")
            .field("street", Schema.STRING_SCHEMA)
            .field("zip", SchemaBuilder.int32().optional().defaultValue(12345).build())
            .build();
    private static final Schema PERSON = SchemaBuilder.struct().name("na\u00efve.Person").version(3)
            .parameter("p\u00e4ram", "v\u00e2lue")
            .field("id", Schema.INT64_SCHEMA)
            .field("n\u00e4me", Schema.OPTIONAL_STRING_SCHEMA)
            .field("amount", Decimal.builder(2).optional().build())
            .field("created", Timestamp.SCHEMA)
            .field("home", ADDRESS)
            .field("previous", SchemaBuilder.array(ADDRESS).optional().build())
            .field("tags", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT32_SCHEMA).optional().build())
            .field("scores", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.FLOAT64_SCHEMA).optional().build())
            .field("blob", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("flag", SchemaBuilder.bool().defaultValue(true).build())
            .build();

    private static Struct person() {
        Map<String, Integer> tags = new LinkedHashMap<>();
        tags.put("a", 1);
        tags.put("\u00fc\ud83d\ude00", null);
        Map<Integer, Double> scores = new LinkedHashMap<>();
        scores.put(3, 0.5);
        scores.put(-1, 1e-7);
        return new Struct(PERSON).put("id", 42L).put("n\u00e4me", "Zo\u00eb \ud83d\ude00")
                .put("amount", new BigDecimal("-0.05")).put("created", new java.util.Date(1_700_000_000_000L))
                .put("home", new Struct(ADDRESS).put("street", "Main"))
                .put("previous", List.of(new Struct(ADDRESS).put("street", "Old").put("zip", 1)))
                .put("tags", tags).put("scores", scores).put("blob", ByteBuffer.wrap(new byte[] {1, 2})).put("flag", false);
    }

    @Test
    void nestedStructsArraysAndMaps() {
        assertFast(PERSON, person());
        assertFast(SchemaBuilder.array(Schema.OPTIONAL_STRING_SCHEMA).build(), Arrays.asList("x", null, "y"));
        assertFast(SchemaBuilder.array(Schema.STRING_SCHEMA).build(), List.of());
        assertFast(SchemaBuilder.map(Schema.INT64_SCHEMA, Schema.BYTES_SCHEMA).build(), Map.of(1L, new byte[] {3}));
        assertFast(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(), Map.of());
        Struct bare = new Struct(PERSON).put("id", 1L).put("created", new java.util.Date(0))
                .put("home", new Struct(ADDRESS).put("street", ""));
        // Nulls for optional fields, defaults for flag / zip, or Apache's error when not replacing nulls.
        assertEquals(4, roundTrip(PERSON, bare));
        // An equal but different Schema instance is accepted like Apache does.
        Schema copy = SchemaBuilder.struct().name("Address").doc("d\u00f6c \ud83c\udfe0")
                .field("street", Schema.STRING_SCHEMA)
                .field("zip", SchemaBuilder.int32().optional().defaultValue(12345).build()).build();
        assertFast(copy, new Struct(ADDRESS).put("street", "s"));
    }

    /**
     * Each pair's converter writes every record, as a task's does: a block shared by hundreds of records (whose JSON
     * the encoder remembers), then one block per record (it stops remembering), then shared again; a shared block
     * changed in place, and its default-valued field set to the default object itself (Apache writes it, not null).
     */
    @Test
    void blocksSharedByManyRecordsAreWrittenAsApacheWritesEachRecord() {
        Schema record = SchemaBuilder.struct().name("Change").field("id", Schema.INT64_SCHEMA)
                .field("source", ADDRESS).field("op", Schema.STRING_SCHEMA).build();
        Struct block = null;
        for (int i = 0; i < 2_800; i++) {
            int blockEvery = i < 1_000 ? 500 : i < 2_200 ? 1 : 200;
            if (i % blockEvery == 0) {
                block = new Struct(ADDRESS).put("street", "Main " + i);
            }
            if (i == 600) {
                block.put("street", "Changed in place");
            }
            if (i == 2_500) {
                block.put("zip", ADDRESS.field("zip").schema().defaultValue());
            }
            assertFast(record, new Struct(record).put("id", (long) i).put("source", block).put("op", "r"));
        }
    }

    @Test
    void encodeErrorsAreApaches() {
        roundTrip(Schema.STRING_SCHEMA, 5);
        roundTrip(Schema.INT32_SCHEMA, 5L);
        roundTrip(Schema.BYTES_SCHEMA, "x");
        roundTrip(Schema.BYTES_SCHEMA, ByteBuffer.allocateDirect(3));
        roundTrip(Schema.STRING_SCHEMA, new StringBuilder("sb"));
        roundTrip(Schema.INT32_SCHEMA, null);
        roundTrip(null, "schemaless");
        roundTrip(null, null);
        roundTrip(ADDRESS, new Struct(SchemaBuilder.struct().field("street", Schema.STRING_SCHEMA).build()).put("street", "x"));
        roundTrip(ADDRESS, new Struct(ADDRESS)); // required street missing
        roundTrip(SchemaBuilder.array(Schema.INT32_SCHEMA).build(), Arrays.asList(1, null));
        roundTrip(SchemaBuilder.array(Schema.INT32_SCHEMA).build(), Map.of());
        Map<String, String> nullKey = new HashMap<>();
        nullKey.put(null, "v");
        roundTrip(SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, Schema.STRING_SCHEMA).build(), nullKey);
        roundTrip(SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.STRING_SCHEMA).build(), Map.of(1, "v"));
    }

    private static final String INT32 = "{\"type\":\"int32\",\"optional\":false}";
    private static final String ADDRESS_JSON = "{\"type\":\"struct\",\"fields\":[{\"type\":\"string\",\"optional\":false,"
            + "\"field\":\"street\"},{\"type\":\"int32\",\"optional\":true,\"default\":12345,\"field\":\"zip\"}],"
            + "\"optional\":false,\"name\":\"Addr\u00e9ss \ud83d\ude00\"}";

    private static String env(String schema, String payload) {
        return "{\"schema\":" + schema + ",\"payload\":" + payload + "}";
    }

    @Test
    void decodeNumbersAsApacheCastsThem() {
        for (String n : List.of("1", "-0", "007", "2147483647", "2147483648", "300", "-129", "1.0", "1e2", "9223372036854775808",
                "123456789012345678901234567890", "0.1", "3.4028235E38", "1E400", "\"5\"", "true", "null", "[1]", "{}")) {
            for (String type : List.of("int8", "int16", "int32", "int64", "float", "double", "boolean", "string", "bytes")) {
                decodeAll(env("{\"type\":\"" + type + "\",\"optional\":true}", n));
                decodeAll(env("{\"type\":\"" + type + "\",\"optional\":false}", n));
            }
            for (String logical : List.of(
                    "{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"}}",
                    "{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Date\"}",
                    "{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Time\"}",
                    "{\"type\":\"int64\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Timestamp\"}")) {
                decodeAll(env(logical, n));
            }
        }
        assertEquals(0, decodeAll(env("{\"type\":\"int8\",\"optional\":false}", "300")));
        assertEquals(0, decodeAll(env("{\"type\":\"float\",\"optional\":false}", "0.1")));
        assertEquals(0, decodeAll(env("{\"type\":\"double\",\"optional\":false}", "9223372036854775807")));
        // doubles hard to round, each read as Apache's exact decimal reads it
        for (String hard : List.of("2.2250738585072011e-308", "2.2250738585072012e-308", "4.9e-324", "2.4703282292062327e-324",
                "1.00000000000000011102230246251565404236316680908203125", "9007199254740993.0", "1.7976931348623159e308",
                "0.1000000000000000055511151231257827021181583404541015625", "123456.7890123456789", "-0.0", "1e-400")) {
            assertEquals(0, decodeAll(env("{\"type\":\"double\",\"optional\":false}", hard)), hard);
        }
        assertEquals(0, decodeAll(env("{\"type\":\"int32\",\"optional\":false}", "007")));
        String decimal = "{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"2\"}}";
        assertEquals(0, decodeAll(env(decimal, "1.50")));
        assertEquals(0, decodeAll(env(decimal, "1.5E+3")));
        assertEquals(0, decodeAll(env(decimal, "123456789012345678901234567890")));
        assertEquals(0, decodeAll(env(decimal, "\"AN4=\"")));
        decodeAll(env(decimal, "\"not base64!\""));
        decodeAll(env("{\"type\":\"bytes\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Decimal\"}", "\"AN4=\""));
        decodeAll(env("{\"type\":\"bytes\",\"optional\":false}", "\"@@@\""));
        decodeAll(env("{\"type\":\"int32\",\"optional\":false,\"name\":\"org.apache.kafka.connect.data.Time\"}", "86400001"));
    }

    private static final String ROW = "{\"type\":\"struct\",\"optional\":false,\"fields\":["
            + "{\"field\":\"id\",\"type\":\"int64\",\"optional\":false},"
            + "{\"field\":\"n\",\"type\":\"int32\",\"optional\":true},"
            + "{\"field\":\"s\",\"type\":\"int16\",\"optional\":true,\"default\":3},"
            + "{\"field\":\"b\",\"type\":\"int8\",\"optional\":true},"
            + "{\"field\":\"d\",\"type\":\"double\",\"optional\":true},"
            + "{\"field\":\"ok\",\"type\":\"boolean\",\"optional\":true},"
            + "{\"field\":\"name\",\"type\":\"string\",\"optional\":true}]}";

    @Test
    void flatRowsReadStraightFromTheirBytesDecodeAsApache() throws Exception {
        String plain = "{\"id\":7,\"n\":-2147483648,\"s\":300,\"b\":-7,\"d\":1234.5678,\"ok\":true,\"name\":\"x y~\"}";
        JsonConverter apache = new JsonConverter();
        apache.configure(Map.of(), false);
        SchemaPlan plan = new SchemaPlan(apache.asConnectSchema(new com.fasterxml.jackson.databind.ObjectMapper().readTree(ROW)));
        assertTrue(plan.flat);
        Struct read = FlatPayloadReader.read(env(ROW, plain).getBytes(StandardCharsets.UTF_8), env(ROW, plain).indexOf(plain),
                plan, true);
        assertNotNull(read, "a plain row is read without Jackson");
        assertEquals(1234.5678, read.get("d"));
        read.validate(); // its values went in without Struct.put's check: each is one that check accepts
        for (String payload : List.of(plain, " { \"name\" : \"n\" , \"id\" : 1 } ", "{\"id\":1}", "{}",
                "{\"id\":1,\"d\":-0.0}", "{\"id\":1,\"d\":-0}", "{\"id\":1,\"d\":0.1}", "{\"id\":1,\"d\":1e-400}",
                "{\"id\":1,\"d\":-1e-400}", "{\"id\":1,\"d\":1E400}", "{\"id\":1,\"d\":123456789012345.6}",
                "{\"id\":1,\"d\":9007199254740993.0}", "{\"id\":1,\"d\":2.2250738585072011e-308}",
                "{\"id\":1,\"d\":12345678901234567890}", "{\"id\":1,\"d\":1.}", "{\"id\":1,\"d\":.5}",
                "{\"id\":1,\"d\":007.5}", "{\"id\":007}", "{\"id\":1.0}", "{\"id\":1e2}", "{\"id\":-0}",
                "{\"id\":9223372036854775807}", "{\"id\":-9223372036854775808}", "{\"id\":1,\"n\":2147483648}",
                "{\"id\":1,\"b\":300}", "{\"id\":1,\"s\":null}", "{\"id\":null}", "{\"n\":1}",
                "{\"id\":1,\"ok\":false}", "{\"id\":1,\"ok\":tru}", "{\"id\":1,\"ok\":1}",
                "{\"id\":1,\"name\":\"\u00e9\"}", "{\"id\":1,\"name\":\"é\"}", "{\"id\":1,\"name\":\"a\\\"b\"}",
                "{\"id\":1,\"name\":\"tab\there\"}", "{\"id\":1,\"name\":5}", "{\"id\":1,\"name\":null}",
                "{\"id\":1,\"id\":2}", "{\"id\":1,\"other\":[1]}", "{\"id\":1,}", "{\"id\":1", "{\"id\" 1}",
                "{\"id\":1}x", "{\"id\":1} ", "{\"id\":1,\"name\":\"\u0000\"}", "{\"i\\u0064\":1}")) {
            decodeAll(env(ROW, payload));
            decodeAll(env(ROW, payload)); // the second time after the known schema prefix, where the flat reader runs
            decodeAll("{\"schema\":" + ROW + ",\"payload\":" + payload);
        }
    }

    @Test
    void decodeEnvelopesApacheTreatsSpecially() {
        String ok = env(ADDRESS_JSON, "{\"street\":\"s\",\"zip\":5}");
        assertEquals(0, decodeAll(ok));
        assertEquals(0, decodeAll(ok + " trailing garbage {"));
        assertEquals(0, decodeAll(ok + "}"));
        assertEquals(0, decodeAll("  \n" + ok.replace(",", " ,\n ").replace(":", " : ") + "\n"));
        assertEquals(0, decodeAll(env(ADDRESS_JSON, "{\"zip\":5,\"street\":\"s\"}")));
        assertEquals(0, decodeAll(env(ADDRESS_JSON, "{\"street\":\"a\",\"street\":\"b\"}")));
        assertEquals(0, decodeAll(env(ADDRESS_JSON, "{\"x\":{\"y\":[1,2.5,\"z\",null,true,{}]},\"street\":\"s\",\"w\":1}")));
        assertEquals(0, decodeAll(env(ADDRESS_JSON, "{\"street\":\"s\",\"zip\":null}")));
        decodeAll(env(ADDRESS_JSON, "null")); // required struct: Apache's error
        decodeAll(env(ADDRESS_JSON, "{\"zip\":5}"));
        decodeAll(env(ADDRESS_JSON, "{\"street\":null,\"street\":\"s\"}"));
        decodeAll(env(ADDRESS_JSON, "{\"street\":\"s\",\"x\":" + "1".repeat(1500) + "}"));
        decodeAll(env(ADDRESS_JSON, "[\"s\"]"));
        decodeAll("{\"payload\":5,\"schema\":" + INT32 + "}");
        decodeAll("{\"schema\":" + INT32 + ",\"payload\":5,\"extra\":1}");
        decodeAll("{\"schema\":" + INT32 + ",\"payload\":5,\"schema\":" + INT32 + "}");
        decodeAll("{\"schema\":" + INT32 + "}");
        decodeAll("{\"schema\":null,\"payload\":{\"a\":[1,2.5]}}");
        decodeAll("{\"schema\":\"int32\",\"payload\":1}");
        decodeAll("{\"schema\":{},\"payload\":1}");
        decodeAll("{\"schema\":{\"type\":\"nope\"},\"payload\":1}");
        decodeAll(env(INT32, "5"));
        decodeAll("");
        decodeAll("   ");
        decodeAll("[]");
        decodeAll("\"str\"");
        decodeAll("{");
        decodeAll(env(INT32, "5").substring(0, 30));
        decodeAll("\ufeff" + env(INT32, "5"));
        decodeAll(env(INT32, "5").getBytes(StandardCharsets.UTF_16BE));
        decodeAll(env(INT32, "5").getBytes(StandardCharsets.UTF_16LE));
        decodeAll(env("{\"type\":\"map\",\"keys\":" + INT32 + ",\"values\":" + INT32 + ",\"optional\":false}", "[[1,2],[3,4],[1,5]]"));
        decodeAll(env("{\"type\":\"map\",\"keys\":" + INT32 + ",\"values\":" + INT32 + ",\"optional\":false}", "[[1,2,3]]"));
        decodeAll(env("{\"type\":\"map\",\"keys\":" + INT32 + ",\"values\":" + INT32 + ",\"optional\":false}", "{\"1\":2}"));
        decodeAll(env("{\"type\":\"map\",\"keys\":{\"type\":\"string\",\"optional\":false},\"values\":" + INT32 + ",\"optional\":false}",
                "{\"k\":1,\"k\":2}"));
        decodeAll(env("{\"type\":\"array\",\"items\":" + INT32 + ",\"optional\":false}", "{\"a\":1}"));
        decodeAll(env("{\"type\":\"array\",\"items\":" + INT32 + ",\"optional\":false}", "7"));
    }

    @Test
    void payloadAfterTheLastSchemasExactBytesDecodesLikeTheWholeEnvelope() {
        String array = "{\"type\":\"array\",\"items\":{\"type\":\"array\",\"items\":" + INT32 + ",\"optional\":true},\"optional\":false}";
        for (String schema : List.of(ADDRESS_JSON, array, "{\"type\":\"string\",\"optional\":true}", INT32)) {
            assertEquals(0, decodeAll(env(schema, schema.equals(ADDRESS_JSON) ? "{\"street\":\"s\"}"
                    : schema.equals(INT32) ? "5" : schema.equals(array) ? "[[1],null]" : "\"v\"")));
            for (String payload : List.of("{\"street\":\"t\"} \n\t\r", "{\"street\":\"t\"},\"x\":1", "{\"street\":\"t\"}",
                    "{\"street\":\"t\"}garbage", "[[1]] ", "\"w\"", "\"w\" x", "[[1]]]", "[[1]]", "\"\u0000\"", "[\u0000[1]]",
                    "{\"street\":\"s\",\"street\":1}", "5 ", "5", "-1", "null", "nul", "\"a", "[")) {
                decodeAll("{\"schema\":" + schema + ",\"payload\":" + payload + "}");
                decodeAll("{\"schema\":" + schema + ",\"payload\":" + payload);
            }
            decodeAll(("{\"schema\":" + schema + ",\"payload\":{\"street\":\"s\"}}").getBytes(StandardCharsets.UTF_16LE));
        }
        // Jackson allows 1000 levels: the envelope is one, so a payload 999 deep passes and 1000 deep fails.
        for (int depth : new int[] {1, 998, 999, 1000}) {
            decodeAll(env(array, "[".repeat(depth) + "]".repeat(depth)));
        }
        for (int depth : new int[] {1, 998, 999, 1000}) {
            decodeAll(env(ADDRESS_JSON, "{\"street\":\"s\",\"x\":" + "[".repeat(depth - 1) + "]".repeat(depth - 1) + "}"));
        }
    }

    @Test
    void schemaOffsetsSurviveMultiByteNamesAndDocs() {
        String schema = "{ \"type\" : \"struct\", \"doc\":\"\u00e9\u00e8 \ud83d\ude00 \\u00e9 \\\"\" , \"fields\":[{\"type\":\"string\","
                + "\"optional\":false,\"field\":\"\u65e5\u672c\"}],\"optional\":false}";
        for (String payload : List.of("{\"\u65e5\u672c\":\"\u00e9\"}", "{\"\u65e5\u672c\":\"x\"}")) {
            assertEquals(0, decodeAll("\t" + env(schema, payload)));
        }
    }

    @Test
    void alternatingSchemasWithACacheOfOne() {
        Pair p = pair(Map.of("schemas.cache.size", "1"), false);
        pairs.clear();
        pairs.add(p);
        Schema other = SchemaBuilder.struct().field("street", Schema.INT32_SCHEMA).build();
        for (int i = 0; i < 5; i++) {
            assertFast(ADDRESS, new Struct(ADDRESS).put("street", "s" + i));
            assertFast(other, new Struct(other).put("street", i));
            assertFast(Schema.STRING_SCHEMA, "v" + i);
        }
    }

    // ---- randomized ----

    private static final String CHARS = "aZ09 \"\\/\n\t\r\u0000\u001f\u007f\u00e9\u00df\u4e2d\u2028\ud83d\ude00\ufffd";

    @Test
    void randomSchemasAndValues() {
        Random random = new Random(20261205L);
        mutations = new Random(7L);
        long declined = 0;
        int cases = 3000;
        for (int i = 0; i < cases; i++) {
            Schema schema = randomSchema(random, 0);
            Object value = randomValue(random, schema);
            declined += roundTrip(schema, value);
        }
        long total = (long) cases * pairs.size() * 3;
        long finalDeclined = declined;
        assertTrue(declined < total / 10, () -> "fast path declined " + finalDeclined + " of " + total);
    }

    private static Schema randomSchema(Random r, int depth) {
        int kind = r.nextInt(depth < 3 ? 17 : 13);
        SchemaBuilder b = switch (kind) {
            case 0 -> SchemaBuilder.int8();
            case 1 -> SchemaBuilder.int16();
            case 2 -> SchemaBuilder.int32();
            case 3 -> SchemaBuilder.int64();
            case 4 -> SchemaBuilder.float32();
            case 5 -> SchemaBuilder.float64();
            case 6 -> SchemaBuilder.bool();
            case 7 -> SchemaBuilder.string();
            case 8 -> SchemaBuilder.bytes();
            case 9 -> Decimal.builder(r.nextInt(12) - 3);
            case 10 -> Date.builder();
            case 11 -> Time.builder();
            case 12 -> Timestamp.builder();
            case 13 -> SchemaBuilder.array(randomSchema(r, depth + 1));
            case 14 -> SchemaBuilder.map(r.nextBoolean() ? Schema.STRING_SCHEMA : randomSchema(r, depth + 1), randomSchema(r, depth + 1));
            default -> {
                SchemaBuilder s = SchemaBuilder.struct();
                int n = r.nextInt(5);
                for (int f = 0; f < n; f++) {
                    s.field("f" + f + randomString(r, 2), randomSchema(r, depth + 1));
                }
                yield s;
            }
        };
        if (r.nextInt(3) == 0) {
            b.optional();
        }
        if (kind >= 13 && r.nextInt(4) == 0) {
            b.name("n" + randomString(r, 3)).doc(randomString(r, 4)).version(r.nextInt(5));
        }
        if (kind < 13 && r.nextInt(5) == 0) {
            b.defaultValue(randomValue(r, b.build()));
        }
        return b.build();
    }

    private static String randomString(Random r, int max) {
        StringBuilder s = new StringBuilder();
        int n = r.nextInt(max + 1);
        for (int i = 0; i < n; i++) {
            int c = r.nextInt(CHARS.length());
            s.append(Character.isHighSurrogate(CHARS.charAt(c)) ? CHARS.substring(c, c + 2) : Character.isLowSurrogate(CHARS.charAt(c)) ? "x" : CHARS.charAt(c));
        }
        return s.toString();
    }

    private static Object randomValue(Random r, Schema s) {
        if (s.isOptional() && r.nextInt(8) == 0) {
            return null;
        }
        if (s.name() != null) {
            switch (s.name()) {
                case Decimal.LOGICAL_NAME -> {
                    return new BigDecimal(new BigInteger(r.nextInt(100) + 1, r).subtract(BigInteger.ONE.shiftLeft(r.nextInt(90))),
                            Integer.parseInt(s.parameters().get(Decimal.SCALE_FIELD)));
                }
                case Date.LOGICAL_NAME -> {
                    return new java.util.Date(86_400_000L * (r.nextInt(100_000) - 50_000));
                }
                case Time.LOGICAL_NAME -> {
                    return new java.util.Date(r.nextInt(86_400_000));
                }
                case Timestamp.LOGICAL_NAME -> {
                    return new java.util.Date(r.nextLong() >> r.nextInt(40));
                }
                default -> { }
            }
        }
        return switch (s.type()) {
            case INT8 -> (byte) r.nextInt();
            case INT16 -> (short) r.nextInt();
            case INT32 -> r.nextInt() >> r.nextInt(32);
            case INT64 -> r.nextLong() >> r.nextInt(64);
            case FLOAT32 -> r.nextInt(4) == 0 ? Float.intBitsToFloat(r.nextInt()) : r.nextFloat() * (float) Math.pow(10, r.nextInt(60) - 30);
            case FLOAT64 -> r.nextInt(4) == 0 ? Double.longBitsToDouble(r.nextLong()) : r.nextDouble() * Math.pow(10, r.nextInt(600) - 300);
            case BOOLEAN -> r.nextBoolean();
            case STRING -> randomString(r, 12);
            case BYTES -> {
                byte[] b = new byte[r.nextInt(10)];
                r.nextBytes(b);
                yield r.nextBoolean() ? b : ByteBuffer.wrap(b);
            }
            case ARRAY -> {
                List<Object> list = new ArrayList<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    list.add(randomValue(r, s.valueSchema()));
                }
                yield list;
            }
            case MAP -> {
                Map<Object, Object> map = new LinkedHashMap<>();
                for (int i = r.nextInt(4); i > 0; i--) {
                    map.put(randomValue(r, s.keySchema()), randomValue(r, s.valueSchema()));
                }
                yield map;
            }
            case STRUCT -> {
                Struct struct = new Struct(s);
                for (Field f : s.fields()) {
                    if (!f.schema().isOptional() || r.nextBoolean()) {
                        struct.put(f, randomValue(r, f.schema()));
                    }
                }
                yield struct;
            }
        };
    }
}
