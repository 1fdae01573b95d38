package io.sluice.jdbc.source;

import io.sluice.jdbc.testing.TestDatabase;
import io.sluice.runtime.testing.RecordingSourceContext;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;
import org.junit.jupiter.api.AfterEach;

/** Drives source tasks directly against a test database, committing offsets as a worker would. */
abstract class SourceTaskHarness {

    private final List<JdbcSourceTask> tasks = new ArrayList<>();

    abstract TestDatabase db();

    @AfterEach
    void stopTasks() {
        tasks.forEach(JdbcSourceTask::stop);
    }

    JdbcSourceTask task(RecordingSourceContext context, String... keyValues) {
        Map<String, String> props = new HashMap<>();
        props.put("connection.url", db().url());
        props.put("topic.prefix", "db-");
        props.put("poll.interval.ms", "1");
        for (int i = 0; i < keyValues.length; i += 2) {
            props.put(keyValues[i], keyValues[i + 1]);
        }
        JdbcSourceTask task = new JdbcSourceTask();
        task.initialize(context);
        task.start(props);
        tasks.add(task);
        return task;
    }

    /** Polls until a poll returns no records (the current query is exhausted), committing offsets as it goes. */
    static List<SourceRecord> drain(JdbcSourceTask task, RecordingSourceContext context) throws Exception {
        List<SourceRecord> all = new ArrayList<>();
        while (true) {
            List<SourceRecord> batch = task.poll();
            if (batch == null || batch.isEmpty()) {
                return all;
            }
            context.commit(batch);
            all.addAll(batch);
        }
    }

    /** Polls, waiting through empty polls, until count records arrived. */
    static List<SourceRecord> collect(JdbcSourceTask task, RecordingSourceContext context, int count)
            throws Exception {
        List<SourceRecord> all = new ArrayList<>();
        long deadline = System.currentTimeMillis() + 30_000;
        while (all.size() < count && System.currentTimeMillis() < deadline) {
            List<SourceRecord> batch = task.poll();
            if (batch != null) {
                context.commit(batch);
                all.addAll(batch);
            }
        }
        return all;
    }

    static List<Object> column(List<SourceRecord> records, String field) {
        return records.stream().map(r -> ((Struct) r.value()).get(field)).toList();
    }
}
