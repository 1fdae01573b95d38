package io.sluice.file.source;

import io.sluice.file.ConfigErrors;
import io.sluice.file.Versions;
import io.sluice.file.WritableDirectory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.source.ExactlyOnceSupport;
import org.apache.kafka.connect.source.SourceConnector;

/**
 * Streams lines of files (a file, a glob, or a watched directory) into a topic as text, JSON or CSV
 * records; offsets are the file's identity and byte position, so restarts resume exactly.
 */
public final class FileSourceConnector extends SourceConnector {

    private Map<String, String> props;
    private boolean singleFile;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        FileSourceConfig config = new FileSourceConfig(props);
        this.props = Map.copyOf(props);
        this.singleFile = new FileDiscovery(config, 0, 1).isSingleFile();
    }

    @Override
    public Class<? extends Task> taskClass() {
        return FileSourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        // each task takes the files whose path hashes to its index, so new files need no reconfiguration
        int count = singleFile ? 1 : Math.max(1, maxTasks);
        List<Map<String, String>> configs = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            Map<String, String> task = new HashMap<>(props);
            task.put(FileSourceConfig.TASK_INDEX, Integer.toString(i));
            task.put(FileSourceConfig.TASK_COUNT, Integer.toString(count));
            configs.add(task);
        }
        return configs;
    }

    @Override
    public void stop() {
        // the connector holds no resources; tasks own the open files
    }

    @Override
    public ConfigDef config() {
        return FileSourceConfig.CONFIG_DEF;
    }

    /**
     * Each key, then the rules across keys, then what the file system says here: an input directory or a finished
     * directory that is a file.
     */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        AbstractConfig config = new AbstractConfig(FileSourceConfig.CONFIG_DEF, connectorConfigs, false);
        FileSourceConfig.problems(config, connectorConfigs, (key, message) -> ConfigErrors.add(result, key, message));
        String input = config.getString(FileSourceConfig.INPUT_PATH).trim();
        if (!input.isEmpty() && Files.exists(Path.of(input)) && !Files.isDirectory(Path.of(input))) {
            ConfigErrors.add(result, FileSourceConfig.INPUT_PATH, input + " is a file, not a directory; to read one "
                    + "file, set 'file' instead");
        }
        String finished = config.getString(FileSourceConfig.FINISHED_PATH).trim();
        if (!finished.isEmpty() && FileSourceConfig.cleanupPolicy(config) == FileSourceConfig.CleanupPolicy.MOVE) {
            // moved files go there once read: one that takes no new file failed the task only then (tryout19)
            String problem = WritableDirectory.problem(Path.of(finished));
            if (problem != null) {
                ConfigErrors.add(result, FileSourceConfig.FINISHED_PATH, problem);
            }
        } else if (!finished.isEmpty() && Files.exists(Path.of(finished)) && !Files.isDirectory(Path.of(finished))) {
            ConfigErrors.add(result, FileSourceConfig.FINISHED_PATH, finished + " is a file, not a directory");
        }
        return result;
    }

    /**
     * Refuses offsets a task could not use (a partition other than {"path": ...} of a file this connector reads, an
     * offset without a non-negative whole "position", keys it does not know), with a message saying which; null
     * offsets (resets) are allowed for any partition. The offsets live only in Kafka, so they are wholly altered.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        FileDiscovery inputs = new FileDiscovery(new FileSourceConfig(connectorConfig), 0, 1);
        offsets.forEach((partition, offset) -> FileSourceOffsets.checkAltered(partition, offset, inputs));
        return true;
    }

    @Override
    public ExactlyOnceSupport exactlyOnceSupport(Map<String, String> connectorConfig) {
        return ExactlyOnceSupport.SUPPORTED;
    }
}
