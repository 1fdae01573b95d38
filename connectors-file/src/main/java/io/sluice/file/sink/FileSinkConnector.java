package io.sluice.file.sink;

import io.sluice.file.ConfigErrors;
import io.sluice.file.Versions;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.sink.SinkConnector;

/**
 * Writes topics into files, one stream per topic partition or one per connector task, as raw text, JSON lines
 * or CSV, rotated by size, record count or age, exactly once across crashes.
 */
public final class FileSinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        new FileSinkConfig(props);
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileSinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        // partitions are spread by the consumer group; in connector mode the index names the task's file stream
        List<Map<String, String>> configs = new ArrayList<>(maxTasks);
        for (int i = 0; i < maxTasks; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(FileSinkConfig.TASK_INDEX, Integer.toString(i));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        // tasks own the open files
    }

    @Override
    public ConfigDef config() {
        return FileSinkConfig.CONFIG_DEF;
    }

    /** Each key, then the rules across keys, then whether output.path can hold the files (checked here). */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        AbstractConfig config = new AbstractConfig(FileSinkConfig.CONFIG_DEF, connectorConfigs, false);
        FileSinkConfig.problems(config, (key, message) -> ConfigErrors.add(result, key, message));
        String problem = io.sluice.file.WritableDirectory.problem(Path.of(config.getString(FileSinkConfig.OUTPUT_PATH)));
        if (problem != null) {
            ConfigErrors.add(result, FileSinkConfig.OUTPUT_PATH, problem);
        }
        return result;
    }
}
