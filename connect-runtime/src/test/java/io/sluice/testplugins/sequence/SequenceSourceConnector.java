package io.sluice.testplugins.sequence;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * A test plugin that both Sluice and Apache workers load from a plugin path (see TestPlugins#sequenceSourceJar):
 * tasks.max tasks, task i writing "i:0", "i:1", ... to one topic at a steady rate and resuming after its last
 * committed offset, so a reader can tell a lost record (a gap) from a duplicate and see how long a task was down.
 * With partitions=N, N source partitions "p0".."pN-1" are spread over the tasks instead (as a connector spreads
 * tables or objects), each poll taking interval.ms and writing "pK:n" for each of the task's partitions: a change of
 * tasks.max or of spread moves partitions between tasks, and a partition read by two tasks at once shows as a
 * duplicate.
 */
public final class SequenceSourceConnector extends SourceConnector {
    static final String TOPIC = "topic";
    static final String INTERVAL_MS = "interval.ms";
    static final String TASK_ID = "sequence.task";
    static final String PARTITIONS = "partitions";
    static final String TASK_PARTITIONS = "sequence.partitions";
    static final String SPREAD = "spread";
    private static final ConfigDef CONFIG = new ConfigDef()
            .define(TOPIC, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Topic the sequences go to.")
            .define(INTERVAL_MS, ConfigDef.Type.LONG, 100L, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                    "Time between two records of one task.")
            .define(PARTITIONS, ConfigDef.Type.INT, 0, ConfigDef.Range.atLeast(0), ConfigDef.Importance.LOW,
                    "Source partitions spread over the tasks; 0: one sequence per task.")
            .define(SPREAD, ConfigDef.Type.STRING, "round-robin", ConfigDef.ValidString.in("round-robin", "blocks"),
                    ConfigDef.Importance.LOW, "How partitions are spread: task i takes i, i+tasks, ... or a block.");

    private Map<String, String> props;

    @Override
    public void start(Map<String, String> props) {
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return SequenceSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        int partitions = Integer.parseInt(props.getOrDefault(PARTITIONS, "0"));
        int tasks = partitions > 0 ? Math.min(maxTasks, partitions) : maxTasks;
        for (int i = 0; i < tasks; i++) {
            StringBuilder owned = new StringBuilder();
            boolean blocks = "blocks".equals(props.get(SPREAD));
            for (int p = 0; p < partitions; p++) {
                if (blocks ? p * tasks / partitions == i : p % tasks == i) {
                    owned.append(owned.isEmpty() ? "" : ",").append(p);
                }
            }
            configs.add(Map.of(TOPIC, props.get(TOPIC), INTERVAL_MS, props.getOrDefault(INTERVAL_MS, "100"),
                    TASK_ID, Integer.toString(i), TASK_PARTITIONS, owned.toString()));
        }
        return configs;
    }

    @Override
    public void stop() {
    }

    @Override
    public ConfigDef config() {
        return CONFIG;
    }

    @Override
    public String version() {
        return "1.0";
    }
}
