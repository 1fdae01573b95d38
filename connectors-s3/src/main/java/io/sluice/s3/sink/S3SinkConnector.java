package io.sluice.s3.sink;

import io.sluice.s3.BucketCheck;
import io.sluice.s3.ConfigErrors;
import io.sluice.s3.Versions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.sink.SinkConnector;

/** Archives topics to S3 objects exactly once: see README for the layout and the guarantees. */
public final class S3SinkConnector extends SinkConnector {

    private Map<String, String> props;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        S3SinkConfig config = new S3SinkConfig(props);
        Partitioner.create(config);
        config.format();
        BucketCheck.problem(config).ifPresent(p -> {
            throw new ConnectException(p.getKey() + ": " + p.getValue());
        });
        this.props = Map.copyOf(props);
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3SinkTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        List<Map<String, String>> configs = new ArrayList<>();
        for (int i = 0; i < maxTasks; i++) {
            configs.add(props);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = null;
    }

    @Override
    public ConfigDef config() {
        return S3SinkConfig.CONFIG_DEF;
    }

    /** Per-key checks, then the rules across keys and the partitioner's settings, then whether the bucket answers. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        S3SinkConfig.problems(connectorConfigs, (key, message) -> ConfigErrors.add(result, key, message));
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        S3SinkConfig config = new S3SinkConfig(connectorConfigs);
        try {
            Partitioner.create(config);
        } catch (IllegalArgumentException | ConfigException e) {
            ConfigErrors.add(result, S3SinkConfig.PARTITIONER, e.getMessage());
            return result;
        }
        BucketCheck.problem(config).ifPresent(p -> ConfigErrors.add(result, p.getKey(), p.getValue()));
        return result;
    }
}
