package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.TestWorkers;
import io.sluice.jdbc.testing.Topics;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A JDBC sink in a real worker whose database starts refusing its writes mid-run (INSERT revoked): the task
 * fails with the database's reason, commits nothing past its last written rows, and once the privilege is back
 * and the task restarted, no record is missing. Upserts converge to each record exactly once; plain inserts
 * are at least once with no gap (rows committed in the database after the last offset commit are written again,
 * since the offsets live in Kafka and the rows in the database, with no transaction spanning both).
 */
class SinkWriteRefusedIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("refused");

    private static final int FIRST = 15_000;
    private static final int SECOND = 5_000;

    @TempDir
    Path dir;

    @Test
    void anUpsertSinkRefusedMidRunAndRestartedWritesEveryRecordExactlyOnce() {
        String table = run("upsert", "id bigint primary key");
        assertEquals(List.of(List.of((long) FIRST + SECOND, (long) FIRST + SECOND)),
                db.query("SELECT count(*), count(DISTINCT id) FROM " + table));
        assertEquals(0L, db.scalar("SELECT count(*) FROM " + table + " WHERE name <> 'n' || seq OR id <> seq"),
                "each row holds its own record's values");
    }

    @Test
    void anInsertSinkRefusedMidRunAndRestartedWritesEveryRecordAtLeastOnceWithNoGap() {
        String table = run("insert", "id bigint");
        List<Object> counts = db.query("SELECT count(DISTINCT id), min(id), max(id), count(*) FROM " + table).get(0);
        assertEquals(List.of((long) FIRST + SECOND, 0L, (long) FIRST + SECOND - 1), counts.subList(0, 3),
                "every record at least once");
        System.out.println("insert mode: " + ((Long) counts.get(3) - FIRST - SECOND) + " rows written twice");
    }

    /** Runs the sink through a refused write and a task restart; returns the table it wrote. */
    private String run(String insertMode, String idColumn) {
        String role = "writer_" + insertMode;
        db.passwordRole(role, "pw");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("refused_" + insertMode)
                .replace('-', '_'), 2);
        String table = "refused_" + insertMode;
        db.execute("CREATE TABLE " + table + " (" + idColumn + ", name text, seq bigint NOT NULL, at timestamptz)",
                "GRANT SELECT, INSERT, UPDATE ON " + table + " TO " + role);
        KafkaTestBroker.produce(topic, records(0, FIRST));
        Map<String, String> config = JdbcSinkPipelineIT.sinkConfig(topic, db.bareUrl());
        config.put("connection.user", role);
        config.put("connection.password", "pw");
        config.put("insert.mode", insertMode);
        config.put("delete.enabled", "false");
        config.put("auto.create", "false");
        config.put("table.name.format", table);
        config.put("consumer.override.max.poll.records", "500");
        // the records are not at fault: a refused table must fail the task, not fill the dead letter queue
        config.put("errors.tolerance", "all");
        config.put("errors.deadletterqueue.topic.name", topic + "-dlq");
        try (TestWorker worker = TestWorkers.worker(dir).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("refused-" + insertMode, config).status());
            Await.until(() -> count(table) > 0, Duration.ofSeconds(60), "the first rows are written");
            db.execute("REVOKE INSERT ON " + table + " FROM " + role);
            KafkaTestBroker.produce(topic, records(FIRST, SECOND));
            Await.until(() -> "FAILED".equals(rest.taskState("refused-" + insertMode, 0)), Duration.ofSeconds(60),
                    () -> "the refused write fails the task; " + count(table) + " rows written");
            String trace = rest.get("/connectors/refused-" + insertMode + "/status").body().path("tasks").get(0)
                    .path("trace").asText();
            assertTrue(trace.contains("permission denied") && trace.contains("42501"), trace);
            // the database's error, not the batch statement with every row's values bound into it
            assertFalse(trace.contains("INSERT INTO") || trace.contains("'n" + FIRST + "'") || trace.contains("Batch entry"),
                    trace);
            assertTrue(trace.length() < 8_000, "a trace of one error, not of a batch of rows: " + trace.length() + " chars");
            long beforeRestart = count(table);
            assertTrue(beforeRestart < FIRST + SECOND, "the failure came before the last record: " + beforeRestart);

            db.execute("GRANT INSERT ON " + table + " TO " + role);
            assertEquals(204, rest.post("/connectors/refused-" + insertMode + "/tasks/0/restart", Map.of()).status());
            // the count at the deadline, not at the restart: an eager message once showed the rows before it
            Await.until(() -> distinctIds(table) == FIRST + SECOND, Duration.ofSeconds(90),
                    () -> "every record written after the restart; " + distinctIds(table) + " so far");
            assertEquals("RUNNING", rest.taskState("refused-" + insertMode, 0));
            assertEquals(0, Topics.recordsIn(topic + "-dlq"), "nothing went to the dead letter queue");
        }
        return table;
    }

    private static List<Map.Entry<String, String>> records(int from, int n) {
        List<Map.Entry<String, String>> records = new ArrayList<>(n);
        for (long seq = from; seq < from + n; seq++) {
            records.add(new SimpleEntry<>(JdbcSinkPipelineIT.key(seq), JdbcSinkPipelineIT.value(seq, "n" + seq, seq)));
        }
        return records;
    }

    private static long count(String table) {
        return ((Number) db.scalar("SELECT count(*) FROM " + table)).longValue();
    }

    private static long distinctIds(String table) {
        return ((Number) db.scalar("SELECT count(DISTINCT id) FROM " + table)).longValue();
    }
}
