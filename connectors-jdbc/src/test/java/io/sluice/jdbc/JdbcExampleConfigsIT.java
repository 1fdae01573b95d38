package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.config.ConnectorConfigFile;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The JDBC examples in config/, as shipped, against a real PostgreSQL and broker: only the database's address
 * (and the secrets file's path) differ. The incrementing source and the upsert sink are presented as a pair and
 * must work together: every order lands in the sink's table and nothing goes to the dead letter queue.
 */
class JdbcExampleConfigsIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("examples");

    private static final Path CONFIG = Path.of("..", "config");

    @TempDir
    Path dir;

    /** An example as shipped, pointed at the test database; its user "shop" has the example's password. */
    private Map<String, String> example(String file) throws Exception {
        Map<String, String> config = new HashMap<>(ConnectorConfigFile.load(CONFIG.resolve(file)).config());
        assertTrue(config.get("connection.url").startsWith("jdbc:postgresql://localhost:5432/shop"), file);
        config.put("connection.url", db.bareUrl());
        String password = config.get("connection.password");
        if (password.startsWith("${file:/etc/sluice/secrets.properties:")) {
            Path secrets = dir.resolve("secrets.properties");
            Files.writeString(secrets, "db.password=secret\n");
            config.put("connection.password", password.replace("/etc/sluice/secrets.properties", secrets.toString()));
        }
        return config;
    }

    @Test
    void theIncrementingSourceAndTheUpsertSinkExamplesMoveEveryOrderWithNothingInTheDeadLetterQueue() throws Exception {
        db.passwordRole("shop", "secret");
        db.execute("CREATE TABLE orders (id bigserial primary key, customer text NOT NULL, amount numeric(10,2))",
                "CREATE TABLE customers (id bigserial primary key, name text NOT NULL)",
                "CREATE TABLE order_lines (id bigserial primary key, order_id bigint, qty int)",
                "ALTER TABLE orders OWNER TO shop", "ALTER TABLE customers OWNER TO shop",
                "ALTER TABLE order_lines OWNER TO shop",
                "INSERT INTO orders (customer, amount) SELECT 'c' || (g % 10), g * 1.25 FROM generate_series(1, 2000) g",
                "INSERT INTO customers (name) SELECT 'c' || g FROM generate_series(0, 9) g",
                "INSERT INTO order_lines (order_id, qty) SELECT g, g % 3 FROM generate_series(1, 500) g");
        Map<String, String> worker = TestWorkers.config(dir, "jdbc-examples");
        worker.put("config.providers", "file");
        worker.put("config.providers.file.class", "org.apache.kafka.common.config.provider.FileConfigProvider");
        try (WorkerProcess process = WorkerProcess.start(worker)) {
            RestClient rest = new RestClient(process.restUrl());
            for (String file : List.of("jdbc-source-postgres-incrementing.json", "jdbc-sink-postgres-upsert.properties",
                    "jdbc-source-query.properties")) {
                ConnectorConfigFile shipped = ConnectorConfigFile.load(CONFIG.resolve(file));
                RestClient.Response created = rest.createConnector(shipped.name(), example(file));
                assertEquals(201, created.status(), file + ": " + created.raw());
            }
            Await.until(() -> count("kafka_shop_orders") == 2000, Duration.ofSeconds(90),
                    "every order in the sink's table; " + count("kafka_shop_orders") + " so far, status "
                            + rest.get("/connectors/jdbc-sink-orders/status").raw());
            assertEquals(List.of(List.of(1234L, "c4", 1542.5)),
                    db.query("SELECT id, customer, amount FROM kafka_shop_orders WHERE id = 1234"),
                    "the key's id and the value's fields; best_fit made numeric(10,2) a double");
            db.execute("INSERT INTO orders (customer, amount) VALUES ('late', 1)");
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
    }

    private static long count(String table) {
        try {
            return ((Number) db.scalar("SELECT count(*) FROM \"" + table + "\"")).longValue();
        } catch (IllegalStateException notYetCreated) {
            return -1;
        }
    }
}
