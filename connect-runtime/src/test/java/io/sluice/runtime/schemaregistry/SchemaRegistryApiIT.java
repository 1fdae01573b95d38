package io.sluice.runtime.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.RestClient.Response;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Confluent Schema Registry's REST API over HTTP against a running registry on a real broker: every endpoint, and
 * the status and error codes Confluent documents for each failure.
 */
class SchemaRegistryApiIT {
    static final String USER_V1 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.example\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";
    static final String USER_V2 = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.example\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":\"string\",\"default\":\"\"}]}";
    /** Adds a field without a default: not BACKWARD compatible with USER_V1. */
    static final String USER_NO_DEFAULT = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.example\","
            + "\"fields\":[{\"name\":\"id\",\"type\":\"long\"},{\"name\":\"email\",\"type\":\"string\"}]}";
    private static final AtomicInteger SUBJECTS = new AtomicInteger();
    private static TestRegistry registry;

    @BeforeAll
    static void start() {
        registry = TestRegistry.start();
    }

    @AfterAll
    static void stop() {
        registry.close();
    }

    private static String subject() {
        return "subject-" + SUBJECTS.incrementAndGet() + "-value";
    }

    private static void assertError(Response r, int status, int errorCode) {
        assertEquals(status, r.status(), r.raw());
        assertEquals(errorCode, r.body().path("error_code").asInt(), r.raw());
        assertTrue(r.body().path("message").isTextual(), r.raw());
        assertFalse(r.raw().contains("Exception") || r.raw().contains("\tat "), "no Java class or trace: " + r.raw());
    }

    @Test
    void aRegisteredSchemaGetsAGlobalIdAndVersionOneAndRegisteringItAgainChangesNothing() {
        String subject = subject();
        Response first = registry.register(subject, USER_V1);
        assertEquals(200, first.status(), first.raw());
        assertEquals(TestRegistry.CONTENT_TYPE, first.headers().firstValue("Content-Type").orElse(""));
        int id = first.body().path("id").asInt();
        assertTrue(id > 0);
        assertEquals(id, registry.register(subject, USER_V1).body().path("id").asInt());
        assertEquals("[1]", registry.get("/subjects/" + subject + "/versions").raw());
        assertEquals(id, registry.registerOk(subject(), USER_V1), "the same schema keeps its id in any subject");
        assertNotEquals(id, registry.registerOk(subject, USER_V2));
        assertEquals("[1,2]", registry.get("/subjects/" + subject + "/versions").raw());
        assertTrue(registry.get("/subjects").as(new com.fasterxml.jackson.core.type.TypeReference<List<String>>() { })
                .contains(subject));
    }

    @Test
    void versionsAreReadByNumberLatestOrMinusOneWithTheSchemaAloneUnderSlashSchema() {
        String subject = subject();
        int id1 = registry.registerOk(subject, USER_V1);
        int id2 = registry.registerOk(subject, USER_V2);
        JsonNode v1 = registry.get("/subjects/" + subject + "/versions/1").body();
        assertEquals(subject, v1.path("subject").asText());
        assertEquals(1, v1.path("version").asInt());
        assertEquals(id1, v1.path("id").asInt());
        assertFalse(v1.has("schemaType"), "Avro is the default type and left out, as Confluent does");
        assertEquals(org.apache.avro.Schema.parse(USER_V1).toString(), v1.path("schema").asText());
        assertEquals(id2, registry.get("/subjects/" + subject + "/versions/latest").body().path("id").asInt());
        assertEquals(id2, registry.get("/subjects/" + subject + "/versions/-1").body().path("id").asInt());
        Response text = registry.get("/subjects/" + subject + "/versions/2/schema");
        assertEquals(200, text.status());
        assertEquals(org.apache.avro.Schema.parse(USER_V2).toString(), text.raw());
    }

    @Test
    void aSchemaIdOrOffsetThatIsNotANumberIsTheClientsMistakeNamedNotA404() {
        Response id = registry.get("/schemas/ids/abc");
        assertError(id, 400, 400);
        assertEquals("Path parameter id must be a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
                + ", not 'abc'", id.body().path("message").asText(), id.raw());
        assertError(registry.get("/schemas?offset=x"), 400, 400);
        assertEquals(200, registry.get("/schemas?deleted=maybe").status(), "a junk boolean is false, as in Confluent's");
    }

    @Test
    void unknownSubjectsVersionsAndSchemasAre404WithConfluentsCodes() {
        String subject = subject();
        assertError(registry.get("/subjects/nobody-" + subject + "/versions"), 404, 40401);
        assertError(registry.get("/subjects/nobody-" + subject + "/versions/1"), 404, 40401);
        registry.registerOk(subject, USER_V1);
        assertError(registry.get("/subjects/" + subject + "/versions/7"), 404, 40402);
        assertError(registry.get("/schemas/ids/987654"), 404, 40403);
        assertError(registry.get("/schemas/ids/987654/schema"), 404, 40403);
        assertError(registry.post("/subjects/" + subject, Map.of("schema", USER_V2)), 404, 40403);
        assertError(registry.post("/subjects/nobody-" + subject, Map.of("schema", USER_V2)), 404, 40401);
    }

    @Test
    void versionsThatAreNotNumbersOrLatestAre42202() {
        String subject = subject();
        registry.registerOk(subject, USER_V1);
        assertError(registry.get("/subjects/" + subject + "/versions/first"), 422, 42202);
        assertError(registry.get("/subjects/" + subject + "/versions/0"), 422, 42202);
        assertError(registry.delete("/subjects/" + subject + "/versions/-7"), 422, 42202);
    }

    @Test
    void invalidSchemasAre42201AndMalformedBodies400() {
        String subject = subject();
        assertError(registry.register(subject, "{\"type\":\"record\",\"name\":\"X\"}"), 422, 42201);
        assertError(registry.register(subject, "not json"), 422, 42201);
        assertError(registry.register(subject, "{\"type\":\"record\",\"name\":\"X\",\"fields\":"
                + "[{\"name\":\"a\",\"type\":\"int\",\"default\":\"text\"}]}"), 422, 42201);
        assertError(registry.post("/subjects/" + subject + "/versions", Map.of("schemaType", "AVRO")), 422, 42201);
        assertError(registry.post("/subjects/" + subject + "/versions",
                Map.of("schema", "syntax = \"proto3\";", "schemaType", "PROTOBUF")), 422, 42201);
        assertError(registry.post("/subjects/" + subject + "/versions", "{\"schema\": "), 400, 400);
        assertError(registry.get("/subjects/" + subject + "/versions"), 404, 40401);
    }

    @Test
    void aSchemaThatIsABareUndefinedNameIsRefusedNamingItWithoutAvrosInternalClass() {
        // tryout17: POST /compatibility with the schema "\"not json{\"" answered "Unknown schema:
        // org.apache.avro.compiler.UnresolvedSchema_0"
        String subject = subject();
        registry.registerOk(subject, USER_V1);
        for (Response r : List.of(registry.register(subject, "\"not json{\""),
                registry.post("/compatibility/subjects/" + subject + "/versions/latest",
                        Map.of("schema", "\"not json{\"")))) {
            assertError(r, 422, 42201);
            String message = r.body().path("message").asText();
            assertTrue(message.contains("Undefined schema: not json{"), r.raw());
            assertFalse(message.contains("org.apache") || message.contains("Unresolved"), r.raw());
        }
    }

    @Test
    void aSchemaTooLargeForAKafkaRecordIsRefusedWith42209AndTheRegistryKeepsWorking() {
        StringBuilder fields = new StringBuilder();
        for (int i = 0; i < 20_000; i++) {
            fields.append(i == 0 ? "" : ",").append("{\"name\":\"f").append(i).append("\",\"type\":\"string\",\"default\":\"\"}");
        }
        String subject = subject();
        assertError(registry.register(subject, "{\"type\":\"record\",\"name\":\"Big\",\"fields\":[" + fields + "]}"), 422, 42209);
        assertEquals(200, registry.register(subject, USER_V1).status());
        // tryout18: a compatibility check of 200,000 fields (8.7 MB) answered after 341 s; a schema no record can
        // hold is refused before it is parsed or checked
        for (int i = 20_000; i < 200_000; i++) {
            fields.append(",{\"name\":\"f").append(i).append("\",\"type\":\"string\",\"default\":\"\"}");
        }
        long began = System.nanoTime();
        assertError(registry.post("/compatibility/subjects/" + subject + "/versions/latest", Map.of("schema",
                "{\"type\":\"record\",\"name\":\"Big\",\"fields\":[" + fields + "]}")), 422, 42209);
        assertTrue(System.nanoTime() - began < java.util.concurrent.TimeUnit.SECONDS.toNanos(20),
                "refused without checking it");
    }

    @Test
    void aBodyNestedBeyondJacksonsLimitIsA400InJsonsTermsNotJacksons() {
        // tryout18: 100,000 '[' answered "... (1000, from `StreamReadConstraints.getMaxNestingDepth()`)"
        Response r = registry.post("/subjects/" + subject() + "/versions", "[".repeat(100_000));
        assertError(r, 400, 400);
        String message = r.body().path("message").asText();
        assertTrue(message.contains("nesting depth"), r.raw());
        assertFalse(message.contains("StreamReadConstraints") || message.contains("`"), r.raw());
    }

    @Test
    void aSchemaGivenAsJsonInsteadOfAStringIsRefusedWithAHint() {
        Response r = registry.post("/subjects/" + subject() + "/versions", Map.of("schema", Map.of("type", "string")));
        assertError(r, 422, 42201);
        assertTrue(r.body().path("message").asText().contains("must be a JSON string"), r.raw());
    }

    @Test
    void anIncompatibleSchemaIsRefusedWith409UnderTheDefaultBackwardLevel() {
        String subject = subject();
        registry.registerOk(subject, USER_V1);
        Response refused = registry.register(subject, USER_NO_DEFAULT);
        assertError(refused, 409, 409);
        assertTrue(refused.body().path("message").asText().contains("email"), refused.raw());
        assertEquals("[1]", registry.get("/subjects/" + subject + "/versions").raw(), "nothing was registered");
    }

    @Test
    void aSoftDeletedVersionIsHiddenUnlessAskedForAndOnlyThenPermanentlyDeleted() {
        String subject = subject();
        registry.registerOk(subject, USER_V1);
        registry.registerOk(subject, USER_V2);
        assertError(registry.delete("/subjects/" + subject + "/versions/1?permanent=true"), 404, 40407);
        Response deleted = registry.delete("/subjects/" + subject + "/versions/1");
        assertEquals(200, deleted.status(), deleted.raw());
        assertEquals("1", deleted.raw());
        assertError(registry.get("/subjects/" + subject + "/versions/1"), 404, 40402);
        assertEquals(1, registry.get("/subjects/" + subject + "/versions/1?deleted=true").body().path("version").asInt());
        assertEquals("[2]", registry.get("/subjects/" + subject + "/versions").raw());
        assertEquals("[1,2]", registry.get("/subjects/" + subject + "/versions?deleted=true").raw());
        assertError(registry.delete("/subjects/" + subject + "/versions/1"), 404, 40406);
        assertEquals("1", registry.delete("/subjects/" + subject + "/versions/1?permanent=true").raw());
        assertEquals("[2]", registry.get("/subjects/" + subject + "/versions?deleted=true").raw());
        assertError(registry.delete("/subjects/" + subject + "/versions/1?permanent=true"), 404, 40402);
    }

    @Test
    void aSoftDeletedSubjectIsListedOnlyWithDeletedAndOnlyThenPermanentlyDeleted() {
        String subject = subject();
        int id = registry.registerOk(subject, USER_V1);
        registry.registerOk(subject, USER_V2);
        assertError(registry.delete("/subjects/" + subject + "?permanent=true"), 404, 40405);
        assertEquals("[1,2]", registry.delete("/subjects/" + subject).raw());
        assertFalse(registry.get("/subjects").raw().contains("\"" + subject + "\""));
        assertTrue(registry.get("/subjects?deleted=true").raw().contains("\"" + subject + "\""));
        assertError(registry.get("/subjects/" + subject + "/versions"), 404, 40401);
        assertError(registry.delete("/subjects/" + subject), 404, 40404);
        assertEquals(200, registry.get("/schemas/ids/" + id).status(), "a soft-deleted schema is still readable by id");
        assertEquals("[1,2]", registry.delete("/subjects/" + subject + "?permanent=true").raw());
        assertError(registry.get("/subjects/" + subject + "/versions?deleted=true"), 404, 40401);
        assertError(registry.delete("/subjects/" + subject), 404, 40401);
        registry.registerOk(subject, USER_V2);
        assertEquals("[1]", registry.get("/subjects/" + subject + "/versions").raw(), "versions start again at 1");
    }

    @Test
    void schemasAreReadByIdWithTheirSubjectsAndVersions() {
        String a = subject();
        String b = subject();
        String only = USER_V1.replace("io.example", "io.byid");
        int id = registry.registerOk(a, only);
        registry.registerOk(b, only);
        JsonNode byId = registry.get("/schemas/ids/" + id).body();
        assertEquals(org.apache.avro.Schema.parse(only).toString(), byId.path("schema").asText());
        assertEquals(org.apache.avro.Schema.parse(only).toString(), registry.get("/schemas/ids/" + id + "/schema").raw());
        assertEquals("[\"" + a + "\",\"" + b + "\"]", registry.get("/schemas/ids/" + id + "/subjects").raw());
        assertEquals("[{\"subject\":\"" + a + "\",\"version\":1},{\"subject\":\"" + b + "\",\"version\":1}]",
                registry.get("/schemas/ids/" + id + "/versions").raw());
        assertEquals(org.apache.avro.Schema.parse(only).toString(),
                registry.get("/schemas/ids/" + id + "?subject=another-subject&fetchMaxId=false").body().path("schema").asText(),
                "the subject is a hint, as Confluent's deserializers send it: ids are global");
        assertEquals("[\"AVRO\"]", registry.get("/schemas/types").raw());
        assertEquals("{}", registry.get("/").raw());
        assertEquals("[\".\"]", registry.get("/contexts").raw());
    }

    @Test
    void lookupFindsTheVersionOfASchemaWrittenDifferently() {
        String subject = subject();
        int id = registry.registerOk(subject, USER_V1);
        String spaced = "{ \"type\": \"record\", \"namespace\": \"io.example\", \"name\": \"User\",\n"
                + "  \"fields\": [ { \"type\": \"long\", \"name\": \"id\" } ] }";
        JsonNode found = registry.post("/subjects/" + subject, Map.of("schema", spaced)).body();
        assertEquals(id, found.path("id").asInt());
        assertEquals(1, found.path("version").asInt());
        assertEquals(subject, found.path("subject").asText());
    }

    @Test
    void normalizeMakesSchemasThatDifferOnlyInHowTheyAreWrittenOneSchema() {
        String subject = subject();
        String namespaced = "{\"type\":\"record\",\"name\":\"Thing\",\"namespace\":\"io.n\","
                + "\"fields\":[{\"name\":\"a\",\"type\":{\"type\":\"string\"}}]}";
        String fullName = "{\"name\":\"io.n.Thing\",\"type\":\"record\",\"fields\":[{\"type\":\"string\",\"name\":\"a\"}]}";
        int id = registry.post("/subjects/" + subject + "/versions?normalize=true", Map.of("schema", namespaced))
                .body().path("id").asInt();
        Response again = registry.post("/subjects/" + subject + "/versions?normalize=true", Map.of("schema", fullName));
        assertEquals(id, again.body().path("id").asInt(), again.raw());
        assertEquals("[1]", registry.get("/subjects/" + subject + "/versions").raw());
        assertEquals(id, registry.post("/subjects/" + subject + "?normalize=true", Map.of("schema", fullName))
                .body().path("id").asInt());
    }

    @Test
    void referencesNameTypesOfOtherSubjectsAndKeepTheReferencedVersionFromDeletion() {
        String addressSubject = subject();
        String address = "{\"type\":\"record\",\"name\":\"Address\",\"namespace\":\"io.example\","
                + "\"fields\":[{\"name\":\"city\",\"type\":\"string\"}]}";
        registry.registerOk(addressSubject, address);
        String person = "{\"type\":\"record\",\"name\":\"Person\",\"namespace\":\"io.example\","
                + "\"fields\":[{\"name\":\"home\",\"type\":\"io.example.Address\"}]}";
        List<Map<String, Object>> refs = List.of(Map.of("name", "io.example.Address", "subject", addressSubject, "version", 1));
        String personSubject = subject();
        assertError(registry.register(personSubject, person), 422, 42201);
        Response registered = registry.register(personSubject, person, refs);
        assertEquals(200, registered.status(), registered.raw());
        int personId = registered.body().path("id").asInt();
        JsonNode version = registry.get("/subjects/" + personSubject + "/versions/1").body();
        assertEquals(addressSubject, version.path("references").path(0).path("subject").asText());
        assertFalse(version.path("schema").asText().contains("city"), "the referenced type is named, not inlined");
        assertEquals("[" + personId + "]", registry.get("/subjects/" + addressSubject + "/versions/1/referencedby").raw());
        assertEquals(addressSubject, registry.get("/schemas/ids/" + personId).body().path("references").path(0)
                .path("subject").asText());
        assertError(registry.delete("/subjects/" + addressSubject + "/versions/1"), 422, 42206);
        assertError(registry.register(subject(), person, List.of(Map.of("name", "io.example.Address",
                "subject", addressSubject, "version", 9))), 422, 42201);
    }

    @Test
    void theCompatibilityEndpointAnswersWithMessagesWhenVerbose() {
        String subject = subject();
        registry.registerOk(subject, USER_V1);
        JsonNode ok = registry.post("/compatibility/subjects/" + subject + "/versions/latest", Map.of("schema", USER_V2)).body();
        assertEquals("{\"is_compatible\":true}", ok.toString());
        JsonNode no = registry.post("/compatibility/subjects/" + subject + "/versions/1?verbose=true",
                Map.of("schema", USER_NO_DEFAULT)).body();
        assertFalse(no.path("is_compatible").asBoolean());
        assertTrue(no.path("messages").toString().contains("READER_FIELD_MISSING_DEFAULT_VALUE"), no.toString());
        assertTrue(registry.post("/compatibility/subjects/" + subject + "/versions", Map.of("schema", USER_V2))
                .body().path("is_compatible").asBoolean());
        assertError(registry.post("/compatibility/subjects/" + subject + "/versions/5", Map.of("schema", USER_V2)), 404, 40402);
        assertError(registry.post("/compatibility/subjects/nobody-" + subject + "/versions/1", Map.of("schema", USER_V2)),
                404, 40401);
        assertError(registry.post("/compatibility/subjects/" + subject + "/versions/1", Map.of("schema", "{")), 422, 42201);
    }

    @Test
    void compatibilityLevelsAreSetGloballyAndPerSubject() {
        try (TestRegistry own = TestRegistry.start()) {
            assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", own.get("/config").raw());
            assertEquals("{\"compatibility\":\"FULL\"}", own.put("/config", Map.of("compatibility", "FULL")).raw());
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", own.get("/config").raw());
            assertError(own.put("/config", Map.of("compatibility", "SIDEWAYS")), 422, 42203);
            assertError(own.get("/config/orders-value"), 404, 40408);
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", own.get("/config/orders-value?defaultToGlobal=true").raw());
            assertEquals("{\"compatibility\":\"NONE\"}", own.put("/config/orders-value", Map.of("compatibility", "none")).raw());
            assertEquals("{\"compatibilityLevel\":\"NONE\"}", own.get("/config/orders-value").raw());
            own.registerOk("orders-value", USER_V1);
            own.registerOk("orders-value", USER_NO_DEFAULT); // NONE: anything goes
            assertEquals("{\"compatibilityLevel\":\"NONE\"}", own.delete("/config/orders-value").raw());
            assertError(own.delete("/config/orders-value"), 404, 40401);
            String emailOnly = "{\"type\":\"record\",\"name\":\"User\",\"namespace\":\"io.example\","
                    + "\"fields\":[{\"name\":\"email\",\"type\":\"string\"}]}";
            // FULL again: the latest version (id without a default) cannot read data without an id
            assertError(own.register("orders-value", emailOnly), 409, 409);
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", own.delete("/config").raw());
            assertEquals("{\"compatibilityLevel\":\"BACKWARD\"}", own.get("/config").raw());
        }
    }

    @Test
    void readOnlyModeRefusesWritesAndImportModeKeepsTheCallersIds() {
        try (TestRegistry own = TestRegistry.start()) {
            assertEquals("{\"mode\":\"READWRITE\"}", own.get("/mode").raw());
            assertError(own.put("/mode", Map.of("mode", "SLEEPY")), 422, 42204);
            assertError(own.get("/mode/frozen-value"), 404, 40409);
            assertEquals("{\"mode\":\"READONLY\"}", own.put("/mode/frozen-value", Map.of("mode", "READONLY")).raw());
            assertEquals("{\"mode\":\"READONLY\"}", own.get("/mode/frozen-value").raw());
            assertError(own.register("frozen-value", USER_V1), 422, 42205);
            assertEquals("{\"mode\":\"READONLY\"}", own.delete("/mode/frozen-value").raw());
            assertEquals("{\"mode\":\"READWRITE\"}", own.get("/mode/frozen-value?defaultToGlobal=true").raw());
            own.registerOk("frozen-value", USER_V1);

            assertError(own.put("/mode", Map.of("mode", "IMPORT")), 422, 42205);
            assertEquals("{\"mode\":\"IMPORT\"}", own.put("/mode/imported-value", Map.of("mode", "IMPORT")).raw());
            Response imported = own.post("/subjects/imported-value/versions",
                    Map.of("schema", USER_V2, "id", 4242, "version", 7));
            assertEquals(4242, imported.body().path("id").asInt(), imported.raw());
            assertEquals("[7]", own.get("/subjects/imported-value/versions").raw());
            assertError(own.post("/subjects/imported-value/versions", Map.of("schema", USER_NO_DEFAULT)), 422, 42205);
            assertError(own.post("/subjects/imported-value/versions", Map.of("schema", USER_NO_DEFAULT, "id", 4242)),
                    422, 42207);
            own.delete("/mode/imported-value");
            assertEquals(4243, own.registerOk("next-value", USER_NO_DEFAULT), "new ids continue after imported ones");
        }
    }

    @Test
    void requestsAndAnswersSpeakConfluentsAndPlainJsonContentTypes() {
        String subject = subject();
        Response plain = registry.request("POST", "/subjects/" + subject + "/versions",
                TestRegistry.json(Map.of("schema", USER_V1)), "Content-Type", "application/json", "Accept", "application/json");
        assertEquals(200, plain.status(), plain.raw());
        assertEquals("application/json", plain.headers().firstValue("Content-Type").orElse(""));
        Response any = registry.request("GET", "/subjects/" + subject + "/versions", null);
        assertEquals(TestRegistry.CONTENT_TYPE, any.headers().firstValue("Content-Type").orElse(""));
        Response octet = registry.request("POST", "/subjects/" + subject, TestRegistry.json(Map.of("schema", USER_V1)),
                "Content-Type", "application/octet-stream");
        assertEquals(200, octet.status(), octet.raw());
        assertError(registry.request("GET", "/no/such/path", null), 404, 404);
    }

    @Test
    void getSchemasListsEveryVersionBySubjectFilteredDeletedLatestOnlyAndPagedAsConfluentDoes() {
        String prefix = "listed-" + SUBJECTS.incrementAndGet() + "-";
        int v1 = registry.registerOk(prefix + "a", USER_V1);
        int v2 = registry.registerOk(prefix + "a", USER_V2);
        int other = registry.registerOk(prefix + "b", "\"string\"");
        registry.registerOk(prefix + "c", "\"long\"");
        assertEquals("1", registry.delete("/subjects/" + prefix + "c/versions/1").raw(), "c's only version soft-deleted");
        Response all = registry.get("/schemas?subjectPrefix=" + prefix);
        assertEquals(200, all.status(), all.raw());
        assertEquals(List.of(prefix + "a/1/" + v1, prefix + "a/2/" + v2, prefix + "b/1/" + other), listed(all));
        JsonNode first = all.body().get(0);
        assertEquals(USER_V1, first.path("schema").asText());
        assertFalse(first.has("schemaType"), "AVRO is left out, as Confluent does: " + first);
        assertEquals(4, listed(registry.get("/schemas?subjectPrefix=" + prefix + "&deleted=true")).size());
        assertEquals(List.of(prefix + "a/2/" + v2, prefix + "b/1/" + other),
                listed(registry.get("/schemas?subjectPrefix=" + prefix + "&latestOnly=true")));
        assertEquals(List.of(prefix + "a/2/" + v2),
                listed(registry.get("/schemas?subjectPrefix=" + prefix + "&offset=1&limit=1")));
        assertEquals(List.of(prefix + "b/1/" + other),
                listed(registry.get("/schemas?subjectPrefix=" + prefix + "&offset=2&limit=0")));
        assertEquals("[]", registry.get("/schemas?subjectPrefix=nothing-starts-like-this").raw());
    }

    private static List<String> listed(Response r) {
        List<String> out = new java.util.ArrayList<>();
        r.body().forEach(v -> out.add(v.path("subject").asText() + "/" + v.path("version").asInt() + "/" + v.path("id").asInt()));
        return out;
    }
}
