package io.sluice.runtime.config;

import java.nio.file.Path;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;

/** The worker properties file given to {@code bin/connect}: read, then checked against WorkerConfig's ConfigDef. */
public final class WorkerConfigFile {
    private static final String WHAT = "worker config";

    private WorkerConfigFile() {
    }

    /** The file's properties in file order; missing, unreadable or malformed files are one-line errors. */
    public static Map<String, String> load(Path file) {
        return ConfigFiles.parseProperties(file, ConfigFiles.read(file, WHAT));
    }

    /**
     * Checks properties (already read from {@code file}, placeholders resolved) against the worker's
     * ConfigDef; a bad or missing key becomes a one-line error naming the file and the key.
     */
    public static WorkerConfig toWorkerConfig(Path file, Map<String, String> props) {
        try {
            return new WorkerConfig(props);
        } catch (ConfigException e) {
            throw new ConfigFileException(file, "invalid worker config: " + e.getMessage(), e);
        }
    }

    /** {@link #load} then {@link #toWorkerConfig}, for configs without provider placeholders. */
    public static WorkerConfig loadWorkerConfig(Path file) {
        return toWorkerConfig(file, load(file));
    }
}
