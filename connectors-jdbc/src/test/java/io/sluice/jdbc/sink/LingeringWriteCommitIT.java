package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.StubSinkContext;
import java.sql.Connection;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Offsets reported while a lingering write (rows older than batch.linger.ms, taken by the writer thread with no
 * put) is still in flight: the task's buffer is empty then, yet those rows are not stored. The write is held in
 * flight by a lock another session keeps on the table, so the interleaving is the same on every run.
 */
class LingeringWriteCommitIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("lingering");

    private static final String ROLE = "lingering_writer";
    private static final int ROWS = 500;

    private final List<JdbcSinkTask> tasks = new ArrayList<>();

    @AfterEach
    void stopTasks() {
        tasks.forEach(JdbcSinkTask::stop);
    }

    /** The flake of SinkWriteRefusedIT: the restarted task resumed past the failed rows, which were never written. */
    @Test
    void anOffsetCommitDuringALingeringWriteThatFailsCommitsNothingSoARestartWritesThoseRows() throws Exception {
        String table = "lingering_refused";
        JdbcSinkTask task = lingeringTask(table);
        TopicPartition tp = new TopicPartition(table, 0);
        Map<TopicPartition, OffsetAndMetadata> offered = Map.of(tp, new OffsetAndMetadata(ROWS));

        try (Connection locker = db.connect(); Statement sql = locker.createStatement()) {
            locker.setAutoCommit(false);
            sql.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            task.put(records(table, 0, ROWS));
            awaitWriteWaitingForTheLock();
            CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit = preCommitOnItsOwnThread(task, offered);
            // the database now refuses the rows the lingering write holds
            sql.execute("REVOKE INSERT ON " + table + " FROM " + ROLE);
            locker.commit();

            assertEquals(Map.of(), commit.get(30, TimeUnit.SECONDS),
                    "no offset of a row the lingering write held may be committed: the write failed");
        }
        assertEquals(0L, db.scalar("SELECT count(*) FROM " + table));
        ConnectException e = assertThrows(ConnectException.class, () -> task.put(List.of()));
        assertTrue(e.getMessage().contains("permission denied"), e.getMessage());
    }

    @Test
    void anOffsetCommitDuringALingeringWriteReportsTheOffsetsOnlyOnceItsRowsAreStored() throws Exception {
        String table = "lingering_slow";
        JdbcSinkTask task = lingeringTask(table);
        Map<TopicPartition, OffsetAndMetadata> offered = Map.of(new TopicPartition(table, 0),
                new OffsetAndMetadata(ROWS));

        CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> commit;
        try (Connection locker = db.connect(); Statement sql = locker.createStatement()) {
            locker.setAutoCommit(false);
            sql.execute("LOCK TABLE " + table + " IN ACCESS EXCLUSIVE MODE");
            task.put(records(table, 0, ROWS));
            awaitWriteWaitingForTheLock();
            commit = preCommitOnItsOwnThread(task, offered);
            // the lingering write cannot have stored its rows while the lock is held: preCommit must still wait
            assertTrue(!commit.isDone(), "preCommit answered with the lingering write's rows not stored: "
                    + (commit.isDone() ? commit.get() : ""));
            locker.commit();
        }
        assertEquals(offered, commit.get(30, TimeUnit.SECONDS));
        assertEquals((long) ROWS, db.scalar("SELECT count(*) FROM " + table));
    }

    /** An upsert sink writing table as ROLE, whose buffered rows linger 50 ms before the writer thread takes them. */
    private JdbcSinkTask lingeringTask(String table) {
        db.passwordRole(ROLE, "pw");
        db.execute("CREATE TABLE " + table + " (id bigint primary key, name text, amount numeric(10,2))",
                "GRANT SELECT, INSERT, UPDATE ON " + table + " TO " + ROLE);
        Map<String, String> props = new HashMap<>();
        props.put("name", table);
        props.put("connection.url", db.bareUrl());
        props.put("connection.user", ROLE);
        props.put("connection.password", "pw");
        props.put("auto.create", "false");
        props.put("insert.mode", "upsert");
        props.put("pk.mode", "record_key");
        props.put("batch.linger.ms", "50");
        JdbcSinkTask task = new JdbcSinkTask();
        task.initialize(new StubSinkContext());
        task.start(props);
        tasks.add(task);
        return task;
    }

    /** Until the writer thread's lingering write waits for the other session's lock on its table. */
    private static void awaitWriteWaitingForTheLock() {
        Await.until(() -> ((Number) db.scalar("SELECT count(*) FROM pg_stat_activity WHERE usename = '" + ROLE
                + "' AND wait_event_type = 'Lock'")).longValue() == 1, Duration.ofSeconds(30),
                "the lingering write waits for the table's lock");
    }

    /**
     * Calls preCommit as the worker's task thread would, returning once it answered or is waiting: a preCommit that
     * does not wait for the lingering write answers at once, one that does is left waiting for it.
     */
    private static CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> preCommitOnItsOwnThread(
            JdbcSinkTask task, Map<TopicPartition, OffsetAndMetadata> offered) {
        CompletableFuture<Map<TopicPartition, OffsetAndMetadata>> answer = new CompletableFuture<>();
        Thread committer = new Thread(() -> answer.complete(task.preCommit(offered)), "lingering-commit");
        committer.start();
        Await.until(() -> answer.isDone() || committer.getState() == Thread.State.WAITING, Duration.ofSeconds(30),
                "preCommit answered or waits");
        return answer;
    }

    private static List<SinkRecord> records(String topic, long from, int n) {
        List<SinkRecord> records = new ArrayList<>(n);
        for (long id = from; id < from + n; id++) {
            Struct value = new Struct(SinkTaskBehaviour.VALUE).put("id", id).put("name", "n" + id);
            records.add(new SinkRecord(topic, 0, SinkTaskBehaviour.KEY, new Struct(SinkTaskBehaviour.KEY).put("id", id),
                    SinkTaskBehaviour.VALUE, value, id));
        }
        return records;
    }
}
