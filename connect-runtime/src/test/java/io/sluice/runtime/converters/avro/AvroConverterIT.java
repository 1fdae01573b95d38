package io.sluice.runtime.converters.avro;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.schemaregistry.TestRegistry;
import java.io.ByteArrayOutputStream;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericDatumReader;
import org.apache.avro.generic.GenericDatumWriter;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.DecoderFactory;
import org.apache.avro.io.EncoderFactory;
import org.apache.kafka.connect.data.Date;
import org.apache.kafka.connect.data.Decimal;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.data.Time;
import org.apache.kafka.connect.data.Timestamp;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The Avro converter against a running registry: Confluent-format bytes built here with Avro's own library decode
 * to the expected Connect values, and the converter's bytes decode with Avro's GenericDatumReader against the
 * schema it registered.
 */
class AvroConverterIT {
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static AvroConverter converter(boolean isKey, Map<String, String> extra) {
        AvroConverter converter = new AvroConverter();
        Map<String, Object> props = new java.util.HashMap<>(extra);
        props.put("schema.registry.url", registry.url().toString());
        converter.configure(props, isKey);
        return converter;
    }

    static final Schema ADDRESS = SchemaBuilder.struct().name("io.example.Address")
            .field("city", Schema.STRING_SCHEMA).build();
    static final Schema ORDER = SchemaBuilder.struct().name("io.example.Order").version(3).doc("an order")
            .field("id", Schema.INT64_SCHEMA)
            .field("tiny", Schema.INT8_SCHEMA)
            .field("small", Schema.INT16_SCHEMA)
            .field("qty", Schema.INT32_SCHEMA)
            .field("ratio", Schema.FLOAT32_SCHEMA)
            .field("score", Schema.FLOAT64_SCHEMA)
            .field("paid", Schema.BOOLEAN_SCHEMA)
            .field("note", Schema.OPTIONAL_STRING_SCHEMA)
            .field("status", SchemaBuilder.string().defaultValue("NEW").build())
            .field("blob", Schema.BYTES_SCHEMA)
            .field("price", Decimal.builder(2).build())
            .field("day", Date.SCHEMA)
            .field("at", Time.SCHEMA)
            .field("created", Timestamp.SCHEMA)
            .field("tags", SchemaBuilder.array(Schema.STRING_SCHEMA).build())
            .field("attrs", SchemaBuilder.map(Schema.STRING_SCHEMA, Schema.INT32_SCHEMA).build())
            .field("counts", SchemaBuilder.map(Schema.INT32_SCHEMA, Schema.STRING_SCHEMA).build())
            .field("address", ADDRESS)
            .field("extra", SchemaBuilder.struct().optional().field("x", Schema.INT32_SCHEMA).build())
            .build();

    static Struct order() {
        return new Struct(ORDER).put("id", 42L).put("tiny", (byte) 7).put("small", (short) 300).put("qty", 5)
                .put("ratio", 0.5f).put("score", 2.25).put("paid", true).put("note", null).put("status", "SHIPPED")
                .put("blob", new byte[] {1, 2, 3}).put("price", new BigDecimal("12.34"))
                .put("day", new java.util.Date(19_000L * 86_400_000L)).put("at", new java.util.Date(3_600_000L))
                .put("created", new java.util.Date(1_700_000_000_123L)).put("tags", List.of("a", "b"))
                .put("attrs", Map.of("k", 1)).put("counts", Map.of(1, "one"))
                .put("address", new Struct(ADDRESS).put("city", "Oslo"))
                .put("extra", new Struct(ORDER.field("extra").schema()).put("x", 9));
    }

    @Test
    void sluicesBytesDecodeWithAvrosGenericDatumReaderAgainstTheRegisteredSchema() throws Exception {
        String topic = "orders-" + System.nanoTime();
        byte[] bytes = converter(false, Map.of()).fromConnectData(topic, ORDER, order());
        assertEquals(0, bytes[0], "magic byte");
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        assertEquals(id, registry.get("/subjects/" + topic + "-value/versions/latest").body().path("id").asInt());
        String registered = registry.get("/schemas/ids/" + id + "/schema").raw();
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(registered);
        GenericRecord record = (GenericRecord) new GenericDatumReader<>(schema).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertEquals("io.example.Order", schema.getFullName());
        assertEquals("io.example.Order", schema.getProp("connect.name"));
        assertEquals(3, ((Number) schema.getObjectProp("connect.version")).intValue());
        assertEquals("int8", schema.getField("tiny").schema().getProp("connect.type"));
        assertEquals("[\"null\",\"string\"]", schema.getField("note").schema().toString());
        assertTrue(schema.getField("note").hasDefaultValue());
        assertEquals("decimal", schema.getField("price").schema().getLogicalType().getName());
        assertEquals("io.confluent.connect.avro.MapEntry", schema.getField("counts").schema().getElementType().getFullName());
        assertEquals(42L, record.get("id"));
        assertEquals(7, record.get("tiny"));
        assertEquals(300, record.get("small"));
        assertNull(record.get("note"));
        assertEquals("SHIPPED", record.get("status").toString());
        assertEquals(new BigDecimal("12.34").unscaledValue(),
                new java.math.BigInteger(((ByteBuffer) record.get("price")).array()));
        assertEquals(19_000, record.get("day"));
        assertEquals(3_600_000, record.get("at"));
        assertEquals(1_700_000_000_123L, record.get("created"));
        assertEquals("Oslo", ((GenericRecord) record.get("address")).get("city").toString());
        GenericRecord entry = (GenericRecord) ((List<?>) record.get("counts")).get(0);
        assertEquals(1, entry.get("key"));
        assertEquals("one", entry.get("value").toString());
    }

    @Test
    void aRecordWrittenByTheConverterReadsBackAsTheSameConnectRecord() {
        String topic = "roundtrip-" + System.nanoTime();
        AvroConverter converter = converter(false, Map.of());
        SchemaAndValue back = converter.toConnectData(topic, converter.fromConnectData(topic, ORDER, order()));
        assertEquals(ORDER, back.schema());
        Struct value = (Struct) back.value();
        Struct expected = order();
        for (org.apache.kafka.connect.data.Field f : ORDER.fields()) {
            Object want = expected.get(f);
            Object got = value.get(f);
            if (want instanceof byte[] w) {
                assertArrayEquals(w, (byte[]) got, f.name());
            } else {
                assertEquals(want, got, f.name());
            }
        }
        assertNull(converter.fromConnectData(topic, ORDER, null), "a tombstone stays a tombstone");
        assertEquals(SchemaAndValue.NULL, converter.toConnectData(topic, null));
    }

    @Test
    void confluentFormatBytesBuiltWithAvrosOwnLibraryDecodeToTheExpectedConnectValues() throws Exception {
        String schemaText = "{\"type\":\"record\",\"name\":\"Payment\",\"namespace\":\"io.pay\",\"fields\":["
                + "{\"name\":\"id\",\"type\":\"long\"},"
                + "{\"name\":\"amount\",\"type\":{\"type\":\"bytes\",\"logicalType\":\"decimal\",\"precision\":10,\"scale\":2}},"
                + "{\"name\":\"when\",\"type\":{\"type\":\"long\",\"logicalType\":\"timestamp-millis\"}},"
                + "{\"name\":\"day\",\"type\":{\"type\":\"int\",\"logicalType\":\"date\"}},"
                + "{\"name\":\"memo\",\"type\":[\"null\",\"string\"],\"default\":null},"
                + "{\"name\":\"kind\",\"type\":{\"type\":\"enum\",\"name\":\"Kind\",\"symbols\":[\"CARD\",\"CASH\"]}},"
                + "{\"name\":\"either\",\"type\":[\"int\",\"string\"]},"
                + "{\"name\":\"counts\",\"type\":{\"type\":\"array\",\"items\":{\"type\":\"record\","
                + "\"name\":\"MapEntry\",\"namespace\":\"io.confluent.connect.avro\",\"fields\":["
                + "{\"name\":\"key\",\"type\":\"int\"},{\"name\":\"value\",\"type\":\"string\"}]}}},"
                + "{\"name\":\"small\",\"type\":{\"type\":\"int\",\"connect.type\":\"int16\"}}]}";
        String topic = "payments-" + System.nanoTime();
        int id = registry.registerOk(topic + "-value", schemaText);
        org.apache.avro.Schema schema = new org.apache.avro.Schema.Parser().parse(schemaText);
        GenericData.Record record = new GenericData.Record(schema);
        record.put("id", 9L);
        record.put("amount", ByteBuffer.wrap(new BigDecimal("123.45").unscaledValue().toByteArray()));
        record.put("when", 1_700_000_000_000L);
        record.put("day", 19_500);
        record.put("memo", "thanks");
        record.put("kind", new GenericData.EnumSymbol(schema.getField("kind").schema(), "CASH"));
        record.put("either", "text");
        org.apache.avro.Schema entrySchema = schema.getField("counts").schema().getElementType();
        GenericData.Record entry = new GenericData.Record(entrySchema);
        entry.put("key", 3);
        entry.put("value", "three");
        record.put("counts", List.of(entry));
        record.put("small", 12);
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        out.write(0);
        out.write(ByteBuffer.allocate(4).putInt(id).array());
        BinaryEncoder encoder = EncoderFactory.get().binaryEncoder(out, null);
        new GenericDatumWriter<>(schema).write(record, encoder);
        encoder.flush();

        SchemaAndValue decoded = converter(false, Map.of()).toConnectData(topic, out.toByteArray());
        Struct value = (Struct) decoded.value();
        assertEquals("io.pay.Payment", decoded.schema().name());
        assertEquals(1, decoded.schema().version(), "the registry's version, as Confluent's converter sets it");
        assertEquals(9L, value.get("id"));
        assertEquals(new BigDecimal("123.45"), value.get("amount"));
        assertEquals(Decimal.LOGICAL_NAME, decoded.schema().field("amount").schema().name());
        assertEquals(new java.util.Date(1_700_000_000_000L), value.get("when"));
        assertEquals(new java.util.Date(19_500L * 86_400_000L), value.get("day"));
        assertEquals("thanks", value.get("memo"));
        assertTrue(decoded.schema().field("memo").schema().isOptional());
        assertEquals("CASH", value.get("kind"));
        assertEquals("io.pay.Kind", decoded.schema().field("kind").schema().parameters().get("io.confluent.connect.avro.Enum"));
        Struct either = value.getStruct("either");
        assertEquals("io.confluent.connect.avro.Union", either.schema().name());
        assertEquals("text", either.get("string"));
        assertEquals(Map.of(3, "three"), value.get("counts"));
        assertEquals(Schema.Type.INT16, decoded.schema().field("small").schema().type());
        assertEquals((short) 12, value.get("small"));
    }

    @Test
    void subjectNameStrategiesChooseTheSubjectAsConfluentsDo() {
        String topic = "strategies-" + System.nanoTime();
        converter(true, Map.of()).fromConnectData(topic, Schema.STRING_SCHEMA, "k");
        converter(false, Map.of("value.subject.name.strategy", "io.confluent.kafka.serializers.subject.RecordNameStrategy"))
                .fromConnectData(topic, ADDRESS, new Struct(ADDRESS).put("city", "Rome"));
        converter(false, Map.of("value.subject.name.strategy", "TopicRecordNameStrategy"))
                .fromConnectData(topic, ADDRESS, new Struct(ADDRESS).put("city", "Rome"));
        String subjects = registry.get("/subjects").raw();
        assertTrue(subjects.contains("\"" + topic + "-key\""), subjects);
        assertTrue(subjects.contains("\"io.example.Address\""), subjects);
        assertTrue(subjects.contains("\"" + topic + "-io.example.Address\""), subjects);
        assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> converter(false, Map.of("value.subject.name.strategy", "NoSuchStrategy")));
    }

    @Test
    void withoutAutoRegistrationAnUnknownSchemaFailsTheRecordAndAKnownOneIsUsed() {
        String topic = "noauto-" + System.nanoTime();
        AvroConverter converter = converter(false, Map.of("auto.register.schemas", "false"));
        DataException refused = assertThrows(DataException.class,
                () -> converter.fromConnectData(topic, ADDRESS, new Struct(ADDRESS).put("city", "Lima")));
        assertTrue(refused.getMessage().contains("40401"), refused.getMessage());
        int id = registry.registerOk(topic + "-value", AvroSchemaMapper.toAvro(ADDRESS).toString());
        byte[] bytes = converter.fromConnectData(topic, ADDRESS, new Struct(ADDRESS).put("city", "Lima"));
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
    }

    @Test
    void useLatestVersionWritesWithTheSubjectsLatestSchema() {
        String topic = "latest-" + System.nanoTime();
        String latest = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"io.example\",\"fields\":["
                + "{\"name\":\"city\",\"type\":\"string\"},{\"name\":\"zip\",\"type\":\"string\",\"default\":\"-\"}]}";
        int id = registry.registerOk(topic + "-value", latest);
        byte[] bytes = converter(false, Map.of("use.latest.version", "true", "auto.register.schemas", "false"))
                .fromConnectData(topic, ADDRESS, new Struct(ADDRESS).put("city", "Kyiv"));
        assertEquals(id, ByteBuffer.wrap(bytes, 1, 4).getInt());
        Struct back = (Struct) converter(false, Map.of()).toConnectData(topic, bytes).value();
        assertEquals("Kyiv", back.get("city"));
        assertEquals("-", back.get("zip"));
    }

    @Test
    void anIncompatibleSchemaChangeFailsTheRecordWithTheRegistrysMessage() {
        String topic = "evolve-" + System.nanoTime();
        AvroConverter converter = converter(false, Map.of());
        converter.fromConnectData(topic, ADDRESS, new Struct(ADDRESS).put("city", "Baku"));
        Schema required = SchemaBuilder.struct().name("io.example.Address").field("city", Schema.STRING_SCHEMA)
                .field("zip", Schema.STRING_SCHEMA).build();
        DataException refused = assertThrows(DataException.class, () -> converter.fromConnectData(topic, required,
                new Struct(required).put("city", "Baku").put("zip", "1000")));
        assertTrue(refused.getMessage().contains("incompatible") && refused.getMessage().contains("error code: 409"),
                refused.getMessage());
        // what to do next (tryout17)
        String message = refused.getMessage();
        assertTrue(message.contains("The compatibility level of subject " + topic + "-value refuses")
                && message.indexOf("PUT /config/" + topic + "-value") < message.indexOf("oldSchema"), message);
    }

    @Test
    void aRecordWaitsOutARegistryThatIsNotUpYet() throws Exception {
        int port = io.sluice.runtime.testing.WorkerLauncher.freePort();
        AvroConverter converter = new AvroConverter();
        converter.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + port), false);
        java.util.concurrent.CompletableFuture<byte[]> written = java.util.concurrent.CompletableFuture.supplyAsync(
                () -> converter.fromConnectData("late", Schema.STRING_SCHEMA, "patient"));
        try (TestRegistry late = TestRegistry.on(io.sluice.runtime.testing.KafkaTestBroker.uniqueTopic("_schemas"),
                Map.of("schema.registry.listeners", "http://127.0.0.1:" + port))) {
            byte[] bytes = written.get(60, java.util.concurrent.TimeUnit.SECONDS);
            assertEquals("patient", converter.toConnectData("late", bytes).value());
            assertEquals("[1]", late.get("/subjects/late-value/versions").raw());
        }
    }

    @Test
    void bytesNotInTheWireFormatAreRefusedClearly() {
        DataException bad = assertThrows(DataException.class,
                () -> converter(false, Map.of()).toConnectData("t", "plain text".getBytes(StandardCharsets.UTF_8)));
        assertTrue(bad.getMessage().contains("Unknown magic byte"), bad.getMessage());
        DataException unknownId = assertThrows(DataException.class,
                () -> converter(false, Map.of()).toConnectData("t", new byte[] {0, 0, 0x7f, 0, 1, 2}));
        assertTrue(unknownId.getMessage().contains("40403"), unknownId.getMessage());
    }

    static final Schema PRICED = SchemaBuilder.struct().name("io.example.Priced")
            .field("id", Schema.INT64_SCHEMA).field("unit-price", Schema.FLOAT64_SCHEMA).field("1st", Schema.STRING_SCHEMA)
            .build();

    @Test
    void withScrubInvalidNamesFieldNamesAvroRefusesAreWrittenAsConfluentScrubsThem() throws Exception {
        String topic = "priced-" + System.nanoTime();
        Struct priced = new Struct(PRICED).put("id", 1L).put("unit-price", 2.5).put("1st", "a");
        byte[] bytes = converter(false, Map.of("scrub.invalid.names", "true")).fromConnectData(topic, PRICED, priced);
        int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
        org.apache.avro.Schema registered = new org.apache.avro.Schema.Parser()
                .parse(registry.get("/schemas/ids/" + id + "/schema").raw());
        assertEquals(List.of("id", "unit_price", "x1st"), registered.getFields().stream().map(f -> f.name()).toList());
        GenericRecord record = (GenericRecord) new GenericDatumReader<>(registered).read(null,
                DecoderFactory.get().binaryDecoder(bytes, 5, bytes.length - 5, null));
        assertEquals(2.5, record.get("unit_price"));
        assertEquals("a", record.get("x1st").toString());
    }

    @Test
    void withoutScrubInvalidNamesAnInvalidFieldNameFailsNamingTheFieldAndTheKeyToSet() {
        String topic = "priced-" + System.nanoTime();
        Struct priced = new Struct(PRICED).put("id", 1L).put("unit-price", 2.5).put("1st", "a");
        DataException e = assertThrows(DataException.class,
                () -> converter(false, Map.of()).fromConnectData(topic, PRICED, priced));
        assertTrue(e.getMessage().contains("Field name 'unit-price' of io.example.Priced is no valid Avro name"), e.getMessage());
        assertTrue(e.getMessage().contains("scrub.invalid.names=true"), e.getMessage());
    }

    @Test
    void aRegistryThatCannotBeReachedIsReportedWithItsCauseOnceTheConfiguredRetriesAreSpent() throws Exception {
        int closedPort;
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        AvroConverter converter = new AvroConverter();
        // Confluent's retry keys, honoured: two retries after 200 and 400 ms (not the 30 s used when none is set)
        converter.configure(Map.of("schema.registry.url", "http://127.0.0.1:" + closedPort, "max.retries", "2",
                "retries.wait.ms", "200"), false);
        long began = System.nanoTime();
        DataException e = assertThrows(DataException.class,
                () -> converter.toConnectData("orders-avro", new byte[] {0, 0, 0, 0, 102, 2}));
        long tookMs = (System.nanoTime() - began) / 1_000_000;
        assertTrue(e.getMessage().endsWith("Schema registry http://127.0.0.1:" + closedPort
                + "/ cannot be reached: connection refused"), e.getMessage());
        assertTrue(tookMs >= 600 && tookMs < 20_000, "failed after " + tookMs + " ms: both retries waited, no more");
    }

    @Test
    void aRegistryUrlWithoutSchemeIsRefusedInWordsNotWithAUriException() {
        org.apache.kafka.common.config.ConfigException e = assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> new AvroConverter().configure(Map.of("schema.registry.url", "127.0.0.1:20381"), false));
        assertTrue(e.getMessage().contains("the scheme is missing: http://127.0.0.1:20381?"), e.getMessage());
    }

    @Test
    void confluentKeysSluiceDoesNotImplementAreRefusedUnlessSetToConfluentsDefault() {
        org.apache.kafka.common.config.ConfigException e = assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> converter(false, Map.of("enhanced.avro.schema.support", "true")));
        assertTrue(e.getMessage().contains("Confluent's converter key enhanced.avro.schema.support is not supported"),
                e.getMessage());
        assertTrue(e.getMessage().contains("remove it or set false"), e.getMessage());
        org.apache.kafka.common.config.ConfigException bearer = assertThrows(org.apache.kafka.common.config.ConfigException.class,
                () -> converter(false, Map.of("bearer.auth.token", "secret-token")));
        assertTrue(bearer.getMessage().contains("use basic.auth.*"), bearer.getMessage());
        // Confluent's defaults, written out, and keys without effect are accepted
        String topic = "defaults-" + System.nanoTime();
        AvroConverter converter = converter(false, Map.of("connect.meta.data", "true",
                "enhanced.avro.schema.support", "false", "max.schemas.per.subject", "10"));
        Object back = converter.toConnectData(topic, converter.fromConnectData(topic, ADDRESS,
                new Struct(ADDRESS).put("city", "Oslo"))).value();
        assertEquals("Oslo", ((Struct) back).getString("city"));
    }
}
