package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.math.BigDecimal;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A source column was widened (numeric(16,4)) and the sink's table was not: the value that does not fit fails the
 * task with a message naming the record, the table and the column, though PostgreSQL's "numeric field overflow"
 * names no column; the value itself stays out of the message.
 */
class SinkValueMisfitIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("misfit");

    @TempDir
    Path dir;

    @Test
    void aValueTooWideForItsColumnFailsTheTaskNamingRecordTableAndColumn() {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("evo").replace('-', '_'), 1);
        db.execute("CREATE TABLE evo (id bigint PRIMARY KEY, label varchar(20), amount numeric(10,2))");
        KafkaTestBroker.produce(topic, List.of(
                new SimpleEntry<>(JdbcSinkPipelineIT.key(1), value(1, "1.5000")),
                new SimpleEntry<>(JdbcSinkPipelineIT.key(2), value(2, "123456789012.1234"))));
        Map<String, String> config = JdbcSinkPipelineIT.sinkConfig(topic, db.url());
        config.put("table.name.format", "evo");
        config.put("auto.create", "false");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("misfit", config).status());
            Await.until(() -> "FAILED".equals(rest.taskState("misfit", 0)), Duration.ofSeconds(60),
                    "the value that does not fit fails the task");
            String trace = rest.get("/connectors/misfit/status").body().path("tasks").get(0).path("trace").asText();
            String message = trace.lines().filter(l -> l.contains("failed:")).findFirst().orElse(trace);
            assertTrue(message.contains("numeric field overflow"), message);
            assertTrue(message.contains("to table evo"), message);
            assertTrue(message.contains("column amount: a value with 12 digits before the point does not fit "
                    + "numeric(10,2) (record " + topic + "-0@1)"), message);
            assertFalse(trace.contains("123456789012"), "the value stays out of the trace: " + trace);
        }
    }

    @Test
    void aFailureInABatchSpanningTablesNamesTheTableAndColumnThatFailedNotTheBatchsFirst() {
        String fine = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("afine").replace('-', '_'), 1);
        String tight = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("tight").replace('-', '_'), 1);
        db.execute("CREATE TABLE sink_" + fine + " (id bigint PRIMARY KEY, label varchar(20), amount numeric(20,4))",
                "CREATE TABLE sink_" + tight + " (id bigint PRIMARY KEY, label varchar(20), amount numeric(10,2))");
        KafkaTestBroker.produce(fine, List.of(new SimpleEntry<>(JdbcSinkPipelineIT.key(1), value(1, "1.5000")),
                new SimpleEntry<>(JdbcSinkPipelineIT.key(2), value(2, "2.5000"))));
        KafkaTestBroker.produce(tight, List.of(new SimpleEntry<>(JdbcSinkPipelineIT.key(1), value(1, "1.5000")),
                new SimpleEntry<>(JdbcSinkPipelineIT.key(2), value(2, "123456789012.1234"))));
        Map<String, String> config = JdbcSinkPipelineIT.sinkConfig(fine + "," + tight, db.url());
        config.put("auto.create", "false");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("spanning", config).status());
            Await.until(() -> "FAILED".equals(rest.taskState("spanning", 0)), Duration.ofSeconds(60),
                    "the value that does not fit fails the task");
            String trace = rest.get("/connectors/spanning/status").body().path("tasks").get(0).path("trace").asText();
            String message = trace.lines().filter(l -> l.contains("failed:")).findFirst().orElse(trace);
            assertTrue(message.contains("to table sink_" + tight + " failed"), message);
            assertFalse(message.contains(fine), message);
            assertTrue(message.contains("column amount:"), message);
        }
    }

    /** A row of evo with a Connect Decimal of scale 4, as a CDC source sends a numeric(16,4) column. */
    private static String value(long id, String amount) {
        String unscaled = Base64.getEncoder().encodeToString(new BigDecimal(amount).setScale(4).unscaledValue()
                .toByteArray());
        return "{\"schema\":{\"type\":\"struct\",\"name\":\"Value\",\"fields\":["
                + "{\"field\":\"id\",\"type\":\"int64\"},"
                + "{\"field\":\"label\",\"type\":\"string\",\"optional\":true},"
                + "{\"field\":\"amount\",\"type\":\"bytes\",\"optional\":true,"
                + "\"name\":\"org.apache.kafka.connect.data.Decimal\",\"parameters\":{\"scale\":\"4\"}}]},"
                + "\"payload\":{\"id\":" + id + ",\"label\":\"row " + id + "\",\"amount\":\"" + unscaled + "\"}}";
    }
}
