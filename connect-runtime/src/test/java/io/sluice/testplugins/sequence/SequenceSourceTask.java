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
    /** In partitions mode: the next number of each of this task's partitions, by partition name. */
    private final Map<String, Long> partitions = new java.util.TreeMap<>();

    @Override
    public void start(Map<String, String> props) {
        topic = props.get(SequenceSourceConnector.TOPIC);
        intervalMs = Long.parseLong(props.get(SequenceSourceConnector.INTERVAL_MS));
        task = props.get(SequenceSourceConnector.TASK_ID);
        for (String p : props.getOrDefault(SequenceSourceConnector.TASK_PARTITIONS, "").split(",")) {
            if (!p.isEmpty()) {
                Map<String, Object> stored = context.offsetStorageReader().offset(Map.of("partition", "p" + p));
                partitions.put("p" + p, stored == null ? 0 : ((Number) stored.get("seq")).longValue() + 1);
            }
        }
        partition = Map.of("task", task);
        Map<String, Object> offset = context.offsetStorageReader().offset(partition);
        next = offset == null ? 0 : ((Number) offset.get("seq")).longValue() + 1;
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (!partitions.isEmpty()) {
            Thread.sleep(intervalMs); // a slow read of every partition, as a query or a download; not cut by stop()
            long now = System.currentTimeMillis();
            List<SourceRecord> batch = new java.util.ArrayList<>();
            partitions.replaceAll((name, seq) -> {
                batch.add(new SourceRecord(Map.of("partition", name), Map.of("seq", seq), topic, null,
                        Schema.STRING_SCHEMA, name, Schema.STRING_SCHEMA, name + ":" + seq, now));
                return seq + 1;
            });
            return batch;
        }
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
