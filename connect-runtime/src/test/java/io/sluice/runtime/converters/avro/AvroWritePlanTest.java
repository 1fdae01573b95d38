package io.sluice.runtime.converters.avro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** The Avro converter's direct writer writes exactly the bytes of a GenericRecord through Avro's generic writer. */
class AvroWritePlanTest {
    private static final Schema ENUM = SchemaBuilder.string().name("io.example.Suit")
            .parameter(AvroSchemaMapper.ENUM, "io.example.Suit")
            .parameter(AvroSchemaMapper.ENUM + ".hearts", "hearts")
            .parameter(AvroSchemaMapper.ENUM + ".spades", "spades").optional().build();
    private static final Schema FIXED = SchemaBuilder.bytes().name("io.example.Hash")
            .parameter(AvroSchemaMapper.FIXED_SIZE, "4").build();
    private static final Schema ADDRESS = SchemaBuilder.struct().name("io.example.Address")
            .field("street", Schema.STRING_SCHEMA)
            .field("zip", Schema.OPTIONAL_INT32_SCHEMA).optional().build();
    private static final Schema EVERYTHING = SchemaBuilder.struct().name("io.example.Everything").version(3)
            .field("int8", Schema.INT8_SCHEMA)
            .field("int16", Schema.OPTIONAL_INT16_SCHEMA)
            .field("int32", Schema.INT32_SCHEMA)
            .field("int64", Schema.OPTIONAL_INT64_SCHEMA)
            .field("float32", Schema.FLOAT32_SCHEMA)
            .field("float64", Schema.OPTIONAL_FLOAT64_SCHEMA)
            .field("flag", Schema.OPTIONAL_BOOLEAN_SCHEMA)
            .field("text", Schema.STRING_SCHEMA)
            .field("maybe_text", Schema.OPTIONAL_STRING_SCHEMA)
            .field("bytes", Schema.OPTIONAL_BYTES_SCHEMA)
            .field("price", Decimal.builder(2).optional().build())
            .field("amount", Decimal.builder(5).parameter(AvroSchemaMapper.DECIMAL_PRECISION, "20").build())
            .field("day", Date.builder().optional().build())
            .field("time", Time.SCHEMA)
            .field("at", Timestamp.builder().optional().build())
            .field("with_default", SchemaBuilder.int32().defaultValue(42).build())
            .field("optional_with_default", SchemaBuilder.string().optional().defaultValue("none").build())
            .field("suit", ENUM)
            .field("hash", FIXED)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).optional().build())
            .field("scores", SchemaBuilder.array(Schema.OPTIONAL_FLOAT64_SCHEMA).build())
            .field("labels", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.OPTIONAL_INT64_SCHEMA).optional().build())
            .field("by_id", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
            .field("by_key", SchemaBuilder.map(Schema.OPTIONAL_STRING_SCHEMA, ADDRESS).optional().build())
            .field("home", ADDRESS)
            .field("anonymous", SchemaBuilder.struct().field("a", Schema.INT32_SCHEMA).optional().build())
            .field("addresses", SchemaBuilder.array(ADDRESS).optional().build())
            .build();

    @Test
    void everyConnectTypeTheMapperSupportsIsWrittenAsTheGenericWriterWritesIt() throws IOException {
        Random random = new Random(19);
        for (int i = 0; i < 500; i++) {
            assertSameBytes(EVERYTHING, randomStruct(random), AvroSchemaMapper.toAvro(EVERYTHING));
        }
    }

    private static final Schema ROW = SchemaBuilder.struct().name("bench.public.orders.Value")
            .field("id", Schema.INT64_SCHEMA).field("item", Schema.OPTIONAL_STRING_SCHEMA)
            .field("qty", Schema.OPTIONAL_INT32_SCHEMA).field("price", Decimal.builder(2).optional().build())
            .field("placed", Timestamp.builder().optional().build()).optional().build();
    private static final Schema SOURCE = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source")
            .field("version", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
            .field("snapshot", SchemaBuilder.string().optional().defaultValue("false").build())
            .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("bench.public.orders.Envelope").version(2)
            .field("before", ROW).field("after", ROW).field("source", SOURCE)
            .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA).build();

    @Test
    void aCdcEnvelopeIsWrittenAsTheGenericWriterWritesIt() throws IOException {
        Struct src = new Struct(SOURCE).put("version", "1").put("ts_ms", 1_700_000_000_000L).put("lsn", 77L);
        for (int i = 0; i < 100; i++) {
            assertSameBytes(ENVELOPE, envelope(i, src), AvroSchemaMapper.toAvro(ENVELOPE));
        }
    }

    /**
     * One plan writes every record, as the converter's does: a source block shared by hundreds of records (whose
     * bytes the plan remembers), then one block per record (it stops remembering), then shared again (it finds it
     * again), and a shared block changed in place.
     */
    @Test
    void sourceBlocksSharedOrNotAreWrittenAsTheGenericWriterWritesEachRecord() throws IOException {
        org.apache.avro.Schema avro = AvroSchemaMapper.toAvro(ENVELOPE);
        AvroWritePlan plan = AvroWritePlan.of(ENVELOPE, avro);
        Struct src = null;
        for (int i = 0; i < 6_000; i++) {
            int blockEvery = i < 1_000 ? 700 : i < 3_500 ? 1 : 300;
            if (i % blockEvery == 0) {
                src = new Struct(SOURCE).put("version", "1").put("ts_ms", (long) i).put("lsn", i % 2 == 0 ? 77L : null);
            }
            if (i == 750 || i == 5_000) {
                src.put("snapshot", "last" + i);
            }
            Struct value = envelope(i, src);
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            plan.write(value, EncoderFactory.get().directBinaryEncoder(out, null));
            assertArrayEquals(generic(ENVELOPE, value, avro), out.toByteArray(), "record " + i);
        }
    }

    private static Struct envelope(int i, Struct source) {
        Struct after = new Struct(ROW).put("id", (long) i).put("item", i % 3 == 0 ? null : "tea " + i)
                .put("qty", i).put("price", new BigDecimal(i * 7).movePointLeft(2))
                .put("placed", new java.util.Date(1_700_000_000_000L + i));
        return new Struct(ENVELOPE).put("after", after).put("source", source).put("op", "r")
                .put("ts_ms", i % 2 == 0 ? null : 5L);
    }

    @Test
    void aLatestRegisteredSchemaIsWrittenByFieldNameWithItsDefaultsAndWidenings() throws IOException {
        Schema connect = SchemaBuilder.struct().name("io.example.Order")
                .field("qty", Schema.INT32_SCHEMA).field("item", Schema.STRING_SCHEMA)
                .field("time", Time.SCHEMA).field("day", Date.SCHEMA).field("at", Timestamp.SCHEMA).build();
        org.apache.avro.Schema latest = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Order","namespace":"io.example","fields":[
                 {"name":"note","type":"string","default":"n/a"},
                 {"name":"item","type":["null","string"],"default":null},
                 {"name":"qty","type":"long"},
                 {"name":"time","type":"long"},
                 {"name":"day","type":"long"},
                 {"name":"at","type":"int"},
                 {"name":"tags","type":{"type":"array","items":"int"},"default":[1,2]}]}""");
        Struct value = new Struct(connect).put("qty", 5).put("item", "tea")
                .put("time", new java.util.Date(3_600_000L)).put("day", new java.util.Date(86_400_000L * 400))
                .put("at", new java.util.Date(5_000_000_000L));
        assertSameBytes(connect, value, latest);
    }

    @Test
    void aGeneralUnionIsWrittenByTheBranchTheValueSets() throws IOException {
        org.apache.avro.Schema avro = new org.apache.avro.Schema.Parser().parse("""
                {"type":"record","name":"Shape","fields":[
                 {"name":"size","type":["null","int","string"]}]}""");
        Schema connect = AvroSchemaMapper.toConnect(avro, null);
        Schema union = connect.field("size").schema();
        assertSameBytes(connect, new Struct(connect).put("size", new Struct(union).put("int", 7)), avro);
        assertSameBytes(connect, new Struct(connect).put("size", new Struct(union).put("string", "big")), avro);
    }

    @Test
    void aStructOfAnEqualSchemaInstanceIsWrittenTheSameAsOfTheSameInstance() throws IOException {
        Schema copy = SchemaBuilder.struct().name("io.example.Address")
                .field("street", Schema.STRING_SCHEMA).field("zip", Schema.OPTIONAL_INT32_SCHEMA).optional().build();
        Struct value = new Struct(copy).put("street", "Main").put("zip", 1);
        assertSameBytes(ADDRESS, value, AvroSchemaMapper.toAvro(ADDRESS));
    }

    @Test
    void aMissingRequiredValueIsRefusedAsTheMapperRefusesIt() {
        Struct value = new Struct(ADDRESS);
        DataException e = assertThrows(DataException.class, () -> write(ADDRESS, value, AvroSchemaMapper.toAvro(ADDRESS)));
        assertEquals("Found null value for non-optional schema STRING", e.getMessage());
        assertThrows(DataException.class, () -> generic(ADDRESS, value, AvroSchemaMapper.toAvro(ADDRESS)));
    }

    private static Struct randomStruct(Random random) {
        Struct s = new Struct(EVERYTHING)
                .put("int8", (byte) random.nextInt())
                .put("int16", maybe(random, (short) random.nextInt()))
                .put("int32", random.nextInt())
                .put("int64", maybe(random, random.nextLong()))
                .put("float32", random.nextBoolean() ? Float.NaN : random.nextFloat() * 1e6f - 5e5f)
                .put("float64", maybe(random, random.nextBoolean() ? -0.0 : random.nextGaussian() * 1e12))
                .put("flag", maybe(random, random.nextBoolean()))
                .put("text", random.nextBoolean() ? "" : text(random))
                .put("maybe_text", maybe(random, text(random)))
                .put("bytes", maybe(random, random.nextBoolean() ? bytes(random) : ByteBuffer.wrap(bytes(random))))
                .put("price", maybe(random, BigDecimal.valueOf(random.nextLong(), 2)))
                .put("amount", new BigDecimal(random.nextGaussian() * 1e9).setScale(5, java.math.RoundingMode.HALF_UP))
                .put("day", maybe(random, new java.util.Date(Math.floorDiv(random.nextLong() % 4_000_000_000_000L,
                        86_400_000L) * 86_400_000L)))
                .put("time", new java.util.Date(random.nextInt(86_400_000)))
                .put("at", maybe(random, new java.util.Date(random.nextLong() % 4_000_000_000_000L)))
                .put("optional_with_default", maybe(random, text(random)))
                .put("suit", maybe(random, random.nextBoolean() ? "hearts" : "spades"))
                .put("hash", random.nextBoolean() ? new byte[] {1, 2, 3, 4} : ByteBuffer.wrap(new byte[] {9, 8, 7, 6}))
                .put("tags", maybe(random, List.of(text(random), text(random))))
                .put("scores", Arrays.asList(1.5, null, random.nextDouble()))
                .put("by_id", Map.of(random.nextInt(), text(random)))
                .put("home", address(random));
        if (random.nextBoolean()) {
            s.put("with_default", random.nextInt()); // unset, it is written as its default
        }
        Map<String, Long> labels = new LinkedHashMap<>();
        for (int i = random.nextInt(4); i > 0; i--) {
            labels.put(text(random), random.nextBoolean() ? null : random.nextLong());
        }
        s.put("labels", maybe(random, labels));
        Map<String, Struct> byKey = new LinkedHashMap<>();
        byKey.put(text(random), address(random));
        byKey.put(null, null);
        s.put("by_key", maybe(random, byKey));
        s.put("anonymous", maybe(random, new Struct(EVERYTHING.field("anonymous").schema()).put("a", random.nextInt())));
        List<Struct> addresses = new ArrayList<>();
        for (int i = random.nextInt(3); i > 0; i--) {
            addresses.add(address(random));
        }
        return s.put("addresses", maybe(random, addresses));
    }

    private static Struct address(Random random) {
        return random.nextInt(4) == 0 ? null
                : new Struct(ADDRESS).put("street", text(random)).put("zip", maybe(random, random.nextInt(99999)));
    }

    private static <T> T maybe(Random random, T value) {
        return random.nextInt(3) == 0 ? null : value;
    }

    /** Letters, an umlaut, a CJK character and an emoji (a surrogate pair): UTF-8 of one to four bytes. */
    private static String text(Random random) {
        String[] parts = {"tea", "Grüße", "茶", "\uD83C\uDF75", "x"};
        StringBuilder sb = new StringBuilder();
        for (int i = random.nextInt(5); i >= 0; i--) {
            sb.append(parts[random.nextInt(parts.length)]);
        }
        return sb.toString();
    }

    private static byte[] bytes(Random random) {
        byte[] b = new byte[random.nextInt(6)];
        random.nextBytes(b);
        return b;
    }

    private static void assertSameBytes(Schema schema, Object value, org.apache.avro.Schema avro) throws IOException {
        assertArrayEquals(generic(schema, value, avro), write(schema, value, avro), String.valueOf(value));
    }

    /** What the converter wrote before the plan: a GenericRecord through Avro's generic writer. */
    private static byte[] generic(Schema schema, Object value, org.apache.avro.Schema avro) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
        new GenericDatumWriter<>(avro).write(AvroValueMapper.toAvro(value, schema, avro), encoder);
        return out.toByteArray();
    }

    private static byte[] write(Schema schema, Object value, org.apache.avro.Schema avro) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        AvroWritePlan.of(schema, avro).write(value, EncoderFactory.get().directBinaryEncoder(out, null));
        return out.toByteArray();
    }
}
