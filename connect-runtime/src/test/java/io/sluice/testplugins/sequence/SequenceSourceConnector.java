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
 */
public final class SequenceSourceConnector extends SourceConnector {
    static final String TOPIC = "topic";
    static final String INTERVAL_MS = "interval.ms";
    static final String TASK_ID = "sequence.task";
    private static final ConfigDef CONFIG = new ConfigDef()
            .define(TOPIC, ConfigDef.Type.STRING, ConfigDef.Importance.HIGH, "Topic the sequences go to.")
            .define(INTERVAL_MS, ConfigDef.Type.LONG, 100L, ConfigDef.Range.atLeast(1), ConfigDef.Importance.LOW,
                    "Time between two records of one task.");

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
        for (int i = 0; i < maxTasks; i++) {
            configs.add(Map.of(TOPIC, props.get(TOPIC), INTERVAL_MS, props.getOrDefault(INTERVAL_MS, "100"),
                    TASK_ID, Integer.toString(i)));
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
