package io.sluice.jdbc.cdc;

import static io.sluice.jdbc.testing.ValidationErrors.assertOnlyError;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.ValidationErrors;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Validation of the CDC source connects and answers, on the key a user would change, what would otherwise fail the
 * task: the credentials, the REPLICATION attribute, SELECT on the tables, tables that match nothing or
 * have no key, a publication that is missing or lacks tables, a slot that decodes with another plugin, the signal
 * table. Nothing it checks is created: validation leaves the database as it found it.
 */
class CdcValidationIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("cdcvalidation");

    private static final String PLAIN = "cdc_plain_user";
    private static final String REPLICATOR = "cdc_replicator";
    private static final String FOREIGN_SLOT = "cdc_validation_test_decoding";

    @BeforeAll
    static void database() {
        db.passwordRole(PLAIN, "right");
        db.passwordRole(REPLICATOR, "right");
        db.execute("ALTER ROLE " + REPLICATOR + " WITH REPLICATION",
                "CREATE TABLE orders (id bigint PRIMARY KEY, name text)",
                "CREATE TABLE unkeyed (name text)",
                "CREATE TABLE unkeyed_full (name text)", "ALTER TABLE unkeyed_full REPLICA IDENTITY FULL",
                "CREATE TABLE hidden (id bigint PRIMARY KEY)",
                "GRANT SELECT ON orders, unkeyed, unkeyed_full TO " + PLAIN + ", " + REPLICATOR,
                "CREATE PUBLICATION other_tables_only FOR TABLE hidden",
                "CREATE PUBLICATION orders_by_dba FOR TABLE orders",
                // the replicator's own table, in a publication a DBA owns: it may not ALTER that publication
                "SET ROLE " + REPLICATOR, "CREATE TABLE own_items (id bigint PRIMARY KEY)", "RESET ROLE",
                "CREATE PUBLICATION dba_publication FOR TABLE hidden",
                "CREATE PUBLICATION dba_own_items FOR TABLE own_items",
                "SELECT pg_create_logical_replication_slot('" + FOREIGN_SLOT + "', 'test_decoding')");
    }

    @AfterAll
    static void dropSlot() {
        db.execute("SELECT pg_drop_replication_slot('" + FOREIGN_SLOT + "')");
    }

    private static Map<String, String> config(String... keyValues) {
        Map<String, String> config = new HashMap<>();
        config.put("name", "cdc-validated");
        config.put("connection.url", db.url());
        config.put("topic.prefix", "validated");
        config.put("table.include.list", "public.orders");
        config.put("slot.name", "cdc_validation_unused");
        for (int i = 0; i < keyValues.length; i += 2) {
            config.put(keyValues[i], keyValues[i + 1]);
        }
        return config;
    }

    private static Map<String, List<String>> errors(Map<String, String> config) {
        return ValidationErrors.errors(new PostgresCdcConnector(), config);
    }

    @Test
    void aUserWhoGaveAnotherDatabasesUrlIsToldTheSourceNeedsAPostgresUrlNotNoSuitableDriver() {
        // tryout17: jdbc:mysql://x answered "Cannot connect to the database: No suitable driver"
        Map<String, List<String>> errors = errors(config("connection.url", "jdbc:mysql://x:3306/shop?password=wrong"));
        assertOnlyError(errors, "connection.url", "give a PostgreSQL JDBC URL (jdbc:postgresql://host:5432/database), "
                + "not jdbc:mysql:...");
        ConfigException e = assertThrows(ConfigException.class, () -> {
            PostgresCdcConnector connector = new PostgresCdcConnector();
            connector.start(config("connection.url", "jdbc:mysql://x:3306/shop?password=wrong"));
        });
        assertTrue(e.getMessage().contains("PostgreSQL JDBC URL") && !e.getMessage().contains("wrong"), e.getMessage());
    }

    @Test
    void aReplicationUserWithATableThatHasAKeyValidatesWithoutErrorsAndCreatesNothing() {
        assertEquals(Map.of(), errors(config()));
        // a user that owns no table cannot add one to a publication: a DBA created it
        assertEquals(Map.of(), errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right", "publication.name", "orders_by_dba",
                "publication.autocreate.mode", "disabled")));
        // Debezium's default, all_tables, needs a superuser
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right")), "publication.autocreate.mode",
                "FOR ALL TABLES needs a superuser: use filtered");
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right", "publication.autocreate.mode", "filtered")),
                "publication.autocreate.mode", "may not create it: only the owner of [public.orders] can publish them. Run as the owner or a "
                        + "superuser: CREATE PUBLICATION \"sluice_publication\" FOR TABLE \"public\".\"orders\"");
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right", "publication.name", "other_tables_only")),
                "publication.name", "belongs to role postgres and lacks [public.orders]; only its owner or a "
                        + "superuser may add them. Run as postgres: ALTER PUBLICATION \"other_tables_only\" ADD "
                        + "TABLE \"public\".\"orders\"");
        assertEquals(0L, db.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cdc_validation_unused'"));
        assertEquals(0L, db.scalar("SELECT count(*) FROM pg_publication WHERE pubname = 'sluice_publication'"));
    }

    @Test
    void anotherRolesPublicationThatLacksTheTablesIsAnErrorOnThePublicationNameAndFailsTheTaskWithTheFix()
            throws Exception {
        String mine = "public.own_items";
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right", "table.include.list", mine, "publication.name", "dba_publication")),
                "publication.name", "Publication dba_publication belongs to role postgres and lacks "
                        + "[public.own_items]; only its owner or a superuser may add them. Run as postgres: ALTER "
                        + "PUBLICATION \"dba_publication\" ADD TABLE \"public\".\"own_items\", or set "
                        + "publication.name to a publication this connector may create or extend");
        // one that already covers exactly the captured tables needs no change: nothing to own
        assertEquals(Map.of(), errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right", "table.include.list", mine, "publication.name", "dba_own_items")));

        // the task, started anyway (or after the owner changed), fails with the same fix instead of "must be owner"
        PostgresCdcTask task = new PostgresCdcTask();
        task.initialize(new RecordingSourceContext());
        task.start(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR, "connection.password",
                "right", "table.include.list", mine, "publication.name", "dba_publication"));
        try {
            ConnectException failure = assertThrows(ConnectException.class, () -> {
                long deadline = System.currentTimeMillis() + 30_000;
                while (System.currentTimeMillis() < deadline) {
                    task.poll();
                }
            });
            assertTrue(failure.getMessage().contains("Run as postgres: ALTER PUBLICATION \"dba_publication\" ADD "
                    + "TABLE \"public\".\"own_items\""), failure.getMessage());
        } finally {
            task.stop();
        }
        assertEquals(0L, db.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'cdc_validation_unused'"));
    }

    @Test
    void wrongPasswordIsReportedOnThePasswordWithoutEchoingIt() {
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "wrong")), "connection.password", "password authentication failed");
    }

    @Test
    void anOwnerOfTheTablesWithoutCreateOnTheDatabaseIsToldToGrantItOrHaveThePublicationCreated() {
        // the task would fail on CREATE PUBLICATION with "permission denied for database"
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right", "table.include.list", "public.own_items",
                "publication.name", "own_items_publication", "publication.autocreate.mode", "filtered")),
                "publication.autocreate.mode",
                "that needs CREATE on database " + db.name() + ". GRANT CREATE ON DATABASE \"" + db.name()
                        + "\" TO \"" + REPLICATOR + "\", or have it created: CREATE PUBLICATION "
                        + "\"own_items_publication\" FOR TABLE \"public\".\"own_items\"");
    }

    @Test
    void aUserWithoutTheReplicationAttributeIsToldHowToGrantIt() {
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", PLAIN,
                "connection.password", "right")), "connection.user", "WITH REPLICATION");
    }

    @Test
    void aTableTheUserMayNotReadIsAnErrorOnTheUser() {
        assertOnlyError(errors(config("connection.url", db.bareUrl(), "connection.user", REPLICATOR,
                "connection.password", "right", "table.include.list", "public.hidden",
                "publication.name", "other_tables_only", "publication.autocreate.mode", "disabled")),
                "connection.user", "GRANT SELECT ON");
    }

    @Test
    void includeListsThatMatchNothingOrATableWithoutKeyAreErrorsOnTheList() {
        assertOnlyError(errors(config("table.include.list", "public.ordres")), "table.include.list",
                "No table matches 'public.ordres'");
        assertOnlyError(errors(config("table.include.list", "public.unkeyed")), "table.include.list",
                "REPLICA IDENTITY FULL");
    }

    @Test
    void aTableWithReplicaIdentityFullButNoPrimaryKeyIsRefusedNamingItWhenItsRowsAreForAReplica() {
        assertEquals(Map.of(), errors(config("table.include.list", "public.unkeyed_full")),
                "Debezium's envelope streams it without a key, as Debezium");
        assertOnlyError(errors(config("table.include.list", "public.orders,public.unkeyed_full",
                "output.format", "flat")), "table.include.list", "Table public.unkeyed_full has no primary key");
    }

    @Test
    void aPublicationThatMustExistButIsMissingOrLacksTablesIsReportedOnThePublicationKeys() {
        assertOnlyError(errors(config("publication.autocreate.mode", "disabled", "publication.name", "nowhere_pub")),
                "publication.autocreate.mode", "does not exist");
        assertOnlyError(errors(config("publication.autocreate.mode", "disabled", "publication.name",
                "other_tables_only")), "publication.name", "lacks the captured tables [public.orders]");
    }

    @Test
    void aSlotDecodingWithAnotherPluginIsAnErrorOnTheSlotName() {
        assertOnlyError(errors(config("slot.name", FOREIGN_SLOT)), "slot.name", "decodes with test_decoding");
    }

    @Test
    void aSlotAnotherConnectorIsReadingIsAnErrorOnTheSlotNameThatSaysWhoReadsIt() throws Exception {
        String slot = "cdc_validation_busy";
        db.execute("SELECT pg_create_logical_replication_slot('" + slot + "', 'pgoutput')");
        Map<String, String> owner = config("name", "cdc-owner", "slot.name", slot, "publication.name", "orders_by_dba");
        CdcConfig ownerConfig = new CdcConfig(owner);
        try (java.sql.Connection replication = new CdcSessions(ownerConfig,
                io.sluice.jdbc.ConnectionKeys.dialect(ownerConfig)).replication();
             org.postgresql.replication.PGReplicationStream stream = replication
                     .unwrap(org.postgresql.PGConnection.class).getReplicationAPI().replicationStream().logical()
                     .withSlotName(slot).withSlotOption("proto_version", "1")
                     .withSlotOption("publication_names", "orders_by_dba").start()) {
            io.sluice.runtime.testing.Await.until(() -> Boolean.TRUE.equals(db.scalar(
                    "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")),
                    java.time.Duration.ofSeconds(10), "the owner reads the slot");
            assertOnlyError(errors(config("slot.name", slot, "publication.name", "orders_by_dba")), "slot.name",
                    "is being read by PID");
            String error = errors(config("slot.name", slot, "publication.name", "orders_by_dba")).get("slot.name")
                    .get(0);
            assertTrue(error.contains("application 'sluice-cdc:cdc-owner'"), error);
            // the owner's own configuration, validated again (an update while it runs), is fine
            assertEquals(Map.of(), errors(owner));
        } finally {
            io.sluice.runtime.testing.Await.until(() -> Boolean.FALSE.equals(db.scalar(
                    "SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")),
                    java.time.Duration.ofSeconds(10), "the owner let go of the slot");
            db.execute("SELECT pg_drop_replication_slot('" + slot + "')");
        }
    }

    @Test
    void aMissingSignalTableIsAnErrorOnItsKeyWithTheStatementThatCreatesIt() {
        assertOnlyError(errors(config("signal.data.collection", "public.dbz_signal")), "signal.data.collection",
                "CREATE TABLE public.dbz_signal");
        assertOnlyError(errors(config("signal.data.collection", "dbz_signal")), "signal.data.collection",
                "with its schema");
    }
}
