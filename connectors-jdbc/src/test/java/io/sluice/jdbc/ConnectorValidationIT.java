package io.sluice.jdbc;

import static io.sluice.jdbc.testing.ValidationErrors.assertOnlyError;
import static io.sluice.jdbc.testing.ValidationErrors.errors;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.jdbc.sink.JdbcSinkConnector;
import io.sluice.jdbc.source.JdbcSourceConnector;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.connector.Connector;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Validation of both JDBC connectors answers what would otherwise fail at task start, on the key at fault: rules
 * across keys, and what the database says when validation connects (credentials, host, port, database, tables,
 * permissions, columns).
 */
class ConnectorValidationIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("validation");

    private static final String ROLE = "validation_user";

    @TempDir
    Path dir;

    @BeforeAll
    static void tables() {
        db.passwordRole(ROLE, "right");
        db.execute("CREATE TABLE orders (id bigint primary key, name text)",
                "CREATE TABLE secrets (id bigint primary key, name text)",
                "CREATE TABLE readonly_sink (id bigint primary key, name text)",
                "GRANT SELECT ON orders TO " + ROLE, "GRANT SELECT, INSERT, UPDATE, DELETE ON orders TO " + ROLE,
                "GRANT SELECT ON readonly_sink TO " + ROLE);
    }

    private static Map<String, String> connection(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put("name", "validated");
        config.put("connection.url", db.bareUrl());
        config.put("connection.user", ROLE);
        config.put("connection.password", "right");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static Map<String, String> sink(String... keyValues) {
        Map<String, String> config = connection("topics", "orders", "insert.mode", "upsert", "pk.mode", "record_key");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static Map<String, String> source(String... keyValues) {
        Map<String, String> config = connection("topic.prefix", "v-", "table.include.list", "public.orders",
                "mode", "incrementing", "incrementing.column.name", "id");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    @Test
    void validConfigurationsOfBothConnectorsHaveNoErrors() {
        assertEquals(Map.of(), errors(new JdbcSinkConnector(), sink()));
        assertEquals(Map.of(), errors(new JdbcSourceConnector(), source()));
        assertEquals(Map.of(), errors(new JdbcSinkConnector(), sink("topics", "brand_new", "auto.create", "true")));
    }

    @Test
    void sinkRulesAcrossKeysAreErrorsOnTheKeysInvolved() {
        Map<String, List<String>> deletes = errors(new JdbcSinkConnector(),
                sink("pk.mode", "record_value", "delete.enabled", "true"));
        assertEquals(List.of("delete.enabled", "pk.mode"), List.copyOf(deletes.keySet()));
        assertTrue(deletes.get("pk.mode").get(0).contains("pk.mode=record_key"), deletes.toString());
        assertOnlyError(errors(new JdbcSinkConnector(), sink("pk.mode", "none")), "pk.mode", "primary key");
        assertOnlyError(errors(new JdbcSinkConnector(), sink("pk.mode", "kafka", "pk.fields", "a,b")), "pk.fields",
                "three names");
    }

    @Test
    void credentialsHostPortAndDatabaseProblemsAreReportedOnTheKeyAtFault() {
        for (Connector connector : List.of(new JdbcSinkConnector(), new JdbcSourceConnector())) {
            Map<String, String> base = connector instanceof JdbcSinkConnector ? sink() : source();
            Map<String, String> wrongPassword = new HashMap<>(base);
            wrongPassword.put("connection.password", "wrong");
            assertOnlyError(errors(connector, wrongPassword), "connection.password", "password authentication failed");
            Map<String, String> unknownUser = new HashMap<>(base);
            unknownUser.put("connection.user", "nobody_here");
            assertOnlyError(errors(connector, unknownUser), "connection.user", "nobody_here");
            Map<String, String> unknownHost = new HashMap<>(base);
            unknownHost.put("connection.url", "jdbc:postgresql://no-such-host.invalid/" + db.name());
            assertOnlyError(errors(connector, unknownHost), "connection.url", "no-such-host.invalid");
            Map<String, String> closedPort = new HashMap<>(base);
            closedPort.put("connection.url", "jdbc:postgresql://127.0.0.1:" + WorkerLauncher.freePort() + "/x");
            assertOnlyError(errors(connector, closedPort), "connection.url", "refused");
            Map<String, String> noDatabase = new HashMap<>(base);
            noDatabase.put("connection.url", db.bareUrl() + "_missing");
            assertOnlyError(errors(connector, noDatabase), "connection.url", "does not exist");
        }
    }

    @Test
    void anUnknownUserOnAServerThatAsksForPasswordsIsToldAsTheDatabaseTellsIt() {
        // the server asks this name for a password (scram-sha-256) and has no such role: it answers as for a wrong
        // password, on purpose, so the error cannot honestly name only connection.user
        db.passwordRole("validation_gone", "pw");
        db.execute("DROP OWNED BY validation_gone", "DROP ROLE validation_gone");
        for (Connector connector : List.of(new JdbcSinkConnector(), new JdbcSourceConnector())) {
            Map<String, String> base = connector instanceof JdbcSinkConnector ? sink() : source();
            Map<String, String> gone = new HashMap<>(base);
            gone.put("connection.user", "validation_gone");
            assertOnlyError(errors(connector, gone), "connection.password",
                    "password authentication failed for user \"validation_gone\" (the database answers so both for an "
                    + "incorrect password and for a user that does not exist: check connection.user too)");
        }
    }

    @Test
    void sinkTablesThatAreMissingOrMayNotBeWrittenAreErrorsOnTheTableKey() {
        assertOnlyError(errors(new JdbcSinkConnector(), sink("topics", "nowhere")), "table.name.format",
                "auto.create=true");
        assertOnlyError(errors(new JdbcSinkConnector(), sink("topics", "readonly_sink")), "table.name.format",
                "may not INSERT, UPDATE");
    }

    @Test
    void sourceRulesTablesPermissionsAndColumnsAreErrorsOnTheKeysNamingThem() {
        assertOnlyError(errors(new JdbcSourceConnector(), source("incrementing.column.name", "")),
                "incrementing.column.name", "mode=incrementing");
        assertOnlyError(errors(new JdbcSourceConnector(), source("table.include.list", "public.ordres")),
                "table.include.list", "public.ordres does not exist");
        assertOnlyError(errors(new JdbcSourceConnector(), source("table.include.list", "",
                "table.whitelist", "orders,nothere")), "table.whitelist", "nothere does not exist");
        assertOnlyError(errors(new JdbcSourceConnector(), source("table.include.list", "public.secrets")),
                "table.include.list", "may not read table public.secrets");
        assertOnlyError(errors(new JdbcSourceConnector(), source("incrementing.column.name", "seq")),
                "incrementing.column.name", "\"seq\" is not in table public.orders");
        assertOnlyError(errors(new JdbcSourceConnector(), source("table.include.list", "",
                "query", "SELECT id FROM orderz")), "query", "orderz");
    }

    /**
     * tryout21: a table locked by a migration (ACCESS EXCLUSIVE for 30 s) held a PUT of the source's config until the
     * lock ended, 27 s, as validation's probe of the table waited for it. The probes now give up within 10 s and skip
     * the table: it exists, and the task reads it once it is free.
     */
    @Test
    void aTableLockedByAMigrationDoesNotHoldValidationBeyondItsTimeout() throws Exception {
        db.execute("CREATE TABLE migrating (id bigint primary key, name text)",
                "GRANT SELECT ON migrating TO " + ROLE);
        java.sql.Connection migration = db.connect();
        migration.setAutoCommit(false);
        try (var lock = migration.createStatement()) {
            lock.execute("LOCK TABLE migrating IN ACCESS EXCLUSIVE MODE");
        }
        // the migration ends after 20 s (the tester's, 30 s), or once validation answered: the old one did only then
        java.util.concurrent.CountDownLatch answered = new java.util.concurrent.CountDownLatch(1);
        Thread migrationEnds = new Thread(() -> {
            try (migration) {
                answered.await(20, java.util.concurrent.TimeUnit.SECONDS);
                migration.rollback();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        }, "migration");
        migrationEnds.start();
        long began = System.nanoTime();
        Map<String, List<String>> found = errors(new JdbcSourceConnector(),
                source("table.include.list", "public.orders,public.migrating"));
        long tookS = java.util.concurrent.TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - began);
        answered.countDown();
        assertEquals(Map.of(), found, "a locked table is no error");
        assertTrue(tookS <= 15, "validation answered after " + tookS + " s");
        migrationEnds.join();
        // the table is still checked once it is free: a wrong column is found
        assertOnlyError(errors(new JdbcSourceConnector(), source("table.include.list", "public.migrating",
                "incrementing.column.name", "seq")), "incrementing.column.name", "\"seq\" is not in table public.migrating");
    }

    @Test
    void theWorkersValidateEndpointAndCreateAnswerTheWrongPasswordOnItsKeyWithoutTheSecret() {
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            Map<String, String> config = sink("connection.password", "s3cr3t-wrong");
            config.put("connector.class", "io.sluice.jdbc.sink.JdbcSinkConnector");
            RestClient.Response validation = rest.put("/connector-plugins/JdbcSinkConnector/config/validate", config);
            assertEquals(200, validation.status(), validation.raw());
            assertEquals(1, validation.body().get("error_count").asInt(), validation.raw());
            for (JsonNode field : validation.body().get("configs")) {
                if (field.get("value").get("errors").size() > 0) {
                    assertEquals("connection.password", field.get("value").get("name").asText());
                    assertTrue(field.get("value").get("errors").get(0).asText()
                            .contains("password authentication failed"), validation.raw());
                }
            }
            assertFalse(validation.raw().contains("s3cr3t-wrong"), "the password is never echoed");
            RestClient.Response create = rest.createConnector("validated", config);
            assertEquals(400, create.status(), create.raw());
            assertTrue(create.raw().contains("password authentication failed") && !create.raw().contains("s3cr3t"),
                    create.raw());
        }
    }

    @Test
    void anUnparsableUrlIsReportedWithoutThePasswordItHoldsByValidateAndCreateOfBothConnectors() {
        String url = "jdbc:postgresql://127.0.0.1:notaport/shop?user=spyurl&password=LeakA_1q";
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            for (Map<String, String> config : List.of(source("mode", "bulk"), sink())) {
                config.put("connection.url", url);
                config.remove("connection.password");
                boolean isSource = config.containsKey("topic.prefix");
                config.put("connector.class", isSource ? "io.sluice.jdbc.source.JdbcSourceConnector"
                        : "io.sluice.jdbc.sink.JdbcSinkConnector");
                RestClient.Response validation = rest.put("/connector-plugins/"
                        + (isSource ? "JdbcSourceConnector" : "JdbcSinkConnector") + "/config/validate", config);
                assertEquals(200, validation.status(), validation.raw());
                assertTrue(validation.raw().contains("Unable to parse URL jdbc:postgresql://127.0.0.1:notaport/shop"),
                        validation.raw());
                assertFalse(validation.raw().contains("LeakA_1q"), "the URL's password is never echoed: " + validation.raw());
                RestClient.Response create = rest.createConnector("validated", config);
                assertEquals(400, create.status(), create.raw());
                assertTrue(create.raw().contains("Unable to parse URL") && !create.raw().contains("LeakA_1q"), create.raw());
            }
        }
    }
}
