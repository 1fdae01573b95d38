package io.sluice.jdbc.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.RecordingConnectorContext;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The source connector: table discovery and spreading, and end to end through a real worker into topics. */
class JdbcSourcePipelineIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("sourcepipe");

    @TempDir
    Path dir;

    @Test
    void connectorSpreadsIncludedTablesOverTasksAndNoticesNewTables() {
        db.execute("CREATE SCHEMA spread", "CREATE TABLE spread.a (id int)", "CREATE TABLE spread.b (id int)",
                "CREATE TABLE spread.c (id int)", "CREATE TABLE spread.skip_me (id int)");
        RecordingConnectorContext context = new RecordingConnectorContext();
        JdbcSourceConnector connector = new JdbcSourceConnector();
        connector.initialize(context);
        connector.start(Map.of("connection.url", db.url(), "topic.prefix", "p-", "schema.pattern", "spread",
                "table.exclude.list", "skip_me", "table.poll.interval.ms", "100"));
        try {
            List<Map<String, String>> configs = connector.taskConfigs(2);
            assertEquals(2, configs.size());
            Set<TableId> assigned = new HashSet<>();
            configs.forEach(c -> assigned.addAll(TableId.parseList(c.get("tables"))));
            assertEquals(Set.of(new TableId("spread", "a"), new TableId("spread", "b"), new TableId("spread", "c")),
                    assigned);
            assertEquals(3, connector.taskConfigs(5).size(), "no more tasks than tables");

            db.execute("CREATE TABLE spread.\"new, \"\"odd\"\" table\" (id int)");
            Await.until(() -> context.reconfigurations.get() > 0, Duration.ofSeconds(30), "new table noticed");
            Set<TableId> now = new HashSet<>();
            connector.taskConfigs(1).forEach(c -> now.addAll(TableId.parseList(c.get("tables"))));
            assertEquals(4, now.size());
            assertEquals(true, now.contains(new TableId("spread", "new, \"odd\" table")));
        } finally {
            connector.stop();
        }
    }

    @Test
    void rowsFlowThroughAWorkerIntoTopicsAsJsonWithSchemas() {
        db.execute("CREATE SCHEMA flow", "CREATE TABLE flow.items (id serial primary key, name text, price numeric(8,2))",
                "INSERT INTO flow.items (name, price) SELECT 'item' || g, g * 1.5 FROM generate_series(1, 300) g");
        String prefix = KafkaTestBroker.uniqueTopic("pg") + "-";
        KafkaTestBroker.createTopic(prefix + "items", 1);
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            Map<String, String> config = TestWorkers.incrementingSource(db.url(), prefix, "schema.pattern", "flow",
                    "batch.max.rows", "50", "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                    "value.converter.schemas.enable", "true");
            assertEquals(201, rest.createConnector("jdbc-source", config).status());
            var records = KafkaTestBroker.consumeAll(prefix + "items", 300, Duration.ofSeconds(60));
            assertEquals(300, records.size());
            String first = records.get(0).value();
            assertEquals(true, first.contains("\"name\":\"item1\"") && first.contains("org.apache.kafka.connect.data.Decimal"),
                    first);
            db.execute("INSERT INTO flow.items (name, price) VALUES ('late', 1)");
            KafkaTestBroker.consumeAll(prefix + "items", 301, Duration.ofSeconds(30));
        }
    }

    @Test
    void offsetsAlteredOverRestAreRefusedWhenTheTaskCouldNotUseThemSoNoTableIsSilentlyReadAgain() throws Exception {
        db.execute("CREATE SCHEMA shop", "CREATE TABLE shop.customers (id serial primary key, name text)",
                "INSERT INTO shop.customers (name) SELECT 'customer' || g FROM generate_series(1, 105) g");
        String prefix = KafkaTestBroker.uniqueTopic("pg-offsets") + "-";
        String topic = KafkaTestBroker.createTopic(prefix + "customers", 1);
        TestWorker.Builder workerConfig = TestWorkers.worker(dir);
        try (TestWorker worker = workerConfig.start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("customers", TestWorkers.incrementingSource(db.url(), prefix,
                    "schema.pattern", "shop")).status());
            Await.until(() -> incrementing(rest) == 105, Duration.ofSeconds(60), "every row read and its offset committed");
            stop(rest);

            Map<String, String> partition = Map.of("protocol", "1", "table", "shop.customers");
            RestClient.Response refused = rest.patch("/connectors/customers/offsets", Map.of("offsets", List.of(Map.of(
                    "partition", partition, "offset", Map.of("incrementing", "abc")))));
            assertEquals(400, refused.status(), refused.raw());
            assertTrue(refused.body().path("message").asText().contains(
                    "The value for the 'incrementing' key in the offset is expected to be a whole number, not \"abc\""),
                    refused.raw());
            assertEquals(105, incrementing(rest), "a refused change wrote nothing");

            RestClient.Response altered = rest.patch("/connectors/customers/offsets", Map.of("offsets", List.of(Map.of(
                    "partition", partition, "offset", Map.of("incrementing", 100)))));
            assertEquals(200, altered.status(), altered.raw());
            assertEquals(202, rest.put("/connectors/customers/resume", Map.of()).status());
            Await.until(() -> incrementing(rest) == 105, Duration.ofSeconds(60), "rows after 100 read again");
            assertEquals(110, endOffset(topic), "rows 101 to 105 again, and no other row");

            // an offset of the wrong shape stored anyway (by an older version, or written to the topic by hand)
            stop(rest);
            KafkaTestBroker.produce(workerConfig.props().get("group.id") + "-offsets", List.of(Map.entry(
                    "[\"customers\",{\"protocol\":\"1\",\"table\":\"shop.customers\"}]", "{\"incrementing\":\"abc\"}")));
            assertEquals(202, rest.put("/connectors/customers/resume", Map.of()).status());
            Await.until(() -> "FAILED".equals(rest.taskState("customers", 0)), Duration.ofSeconds(60), "task failed");
            String trace = rest.get("/connectors/customers/status").body().path("tasks").get(0).path("trace").asText();
            // the partition map's field order is the deserializer's, not Map.of's (which changes between JVMs)
            assertTrue(trace.matches("(?s).*The stored offset \\{incrementing=abc\\} of partition \\{(protocol=1, "
                    + "table=shop\\.customers|table=shop\\.customers, protocol=1)\\} cannot be used: The value for "
                    + "the 'incrementing' key.*"), trace);
            assertEquals(110, endOffset(topic), "the table was not read again");
        }
    }

    private static void stop(RestClient rest) {
        assertEquals(204, rest.put("/connectors/customers/stop", Map.of()).status());
        Await.until(() -> "STOPPED".equals(rest.connectorState("customers")), Duration.ofSeconds(30), "stopped");
    }

    private static long incrementing(RestClient rest) {
        var offsets = rest.get("/connectors/customers/offsets").body().path("offsets");
        return offsets.size() == 1 ? offsets.get(0).path("offset").path("incrementing").asLong(-1) : -1;
    }

    private static long endOffset(String topic) throws Exception {
        var tp = new org.apache.kafka.common.TopicPartition(topic, 0);
        try (var admin = KafkaTestBroker.admin()) {
            return admin.listOffsets(Map.of(tp, org.apache.kafka.clients.admin.OffsetSpec.latest())).partitionResult(tp)
                    .get().offset();
        }
    }
}
