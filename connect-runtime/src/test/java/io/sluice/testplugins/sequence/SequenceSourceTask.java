package io.sluice.testplugins.sequence;

import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;

/** One numbered sequence: record n is "task:n" with source offset {"seq": n}, timestamped when made. */
public final class SequenceSourceTask extends SourceTask {
    private String topic;
    private long intervalMs;
    private String task;
    private Map<String, String> partition;
    private long next;
    private long nextAtMs;

    @Override
    public void start(Map<String, String> props) {
        topic = props.get(SequenceSourceConnector.TOPIC);
        intervalMs = Long.parseLong(props.get(SequenceSourceConnector.INTERVAL_MS));
        task = props.get(SequenceSourceConnector.TASK_ID);
        partition = Map.of("task", task);
        Map<String, Object> offset = context.offsetStorageReader().offset(partition);
        next = offset == null ? 0 : ((Number) offset.get("seq")).longValue() + 1;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        long wait = nextAtMs - System.currentTimeMillis();
        if (wait > 0) {
            Thread.sleep(Math.min(wait, intervalMs)); // the task's own pacing, as a polling connector's
            return null;
        }
        long now = System.currentTimeMillis();
        nextAtMs = now + intervalMs;
        long seq = next++;
        return List.of(new SourceRecord(partition, Map.of("seq", seq), topic, null, Schema.STRING_SCHEMA, task,
                Schema.STRING_SCHEMA, task + ":" + seq, now));
    }

    @Override
    public void stop() {
    }

    @Override
    public String version() {
        return "1.0";
    }
}
