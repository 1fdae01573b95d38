package io.sluice.jdbc.cdc;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;

/**
 * Drives CDC tasks directly against the test PostgreSQL, acknowledging and committing as a worker would; each task
 * gets its own slot and publication, dropped afterwards.
 */
abstract class CdcTaskHarness {
    private static final AtomicInteger SLOTS = new AtomicInteger();

    private final List<PostgresCdcTask> tasks = new ArrayList<>();
    private final List<String> slots = new ArrayList<>();

    abstract PostgresDatabase db();

    @AfterEach
    void stopTasksAndDropSlots() {
        tasks.forEach(PostgresCdcTask::stop);
        tasks.clear();
        for (String slot : slots) {
            db().execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots WHERE slot_name = '"
                    + slot + "'");
        }
        slots.clear();
    }

    /** A unique slot name for this JVM's server. */
    String slot() {
        String slot = "cdc_test_" + ProcessHandle.current().pid() + "_" + SLOTS.incrementAndGet();
        slots.add(slot);
        return slot;
    }

    Map<String, String> config(String slot, String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("name", "cdc-test");
        props.put("connection.url", db().url());
        props.put("topic.prefix", "srv");
        props.put("slot.name", slot);
        props.put("publication.name", slot + "_pub");
        props.put("poll.interval.ms", "50");
        props.put("status.update.interval.ms", "200");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        return props;
    }

    PostgresCdcTask start(RecordingSourceContext context, Map<String, String> props) {
        PostgresCdcTask task = new PostgresCdcTask();
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    void stop(PostgresCdcTask task) {
        task.stop();
        tasks.remove(task);
    }

    /** Polls until count records arrived, acknowledging each and committing as a worker does. */
    static List<SourceRecord> collect(PostgresCdcTask task, RecordingSourceContext context, int count)
            throws Exception {
        List<SourceRecord> all = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 60_000;
        while (all.size() < count && System.currentTimeMillis() < deadline) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                for (SourceRecord r : batch) {
                    task.commitRecord(r, null);
                }
                context.commit(batch);
                task.commit();
                all.addAll(batch);
            }
        }
        if (all.size() < count) {
            throw new AssertionError("Got " + all.size() + " records, expected " + count + ": " + all);
        }
        return all;
    }

    /** The after (or, for deletes, before) row of a Debezium envelope. */
    static Struct row(SourceRecord record) {
        Struct envelope = (Struct) record.value();
        Struct after = envelope.getStruct("after");
        return after != null ? after : envelope.getStruct("before");
    }

    static String op(SourceRecord record) {
        return ((Struct) record.value()).getString("op");
    }
}
