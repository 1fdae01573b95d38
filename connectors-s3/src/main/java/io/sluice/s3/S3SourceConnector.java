package io.sluice.s3;

import io.sluice.s3.sink.ObjectNames;
import io.sluice.s3.source.S3SourceTask;
import io.sluice.s3.source.SourceUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.config.ConfigValue;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Restores topics the S3 sink wrote (partitions, keys, headers and timestamps preserved) or reads arbitrary
 * prefixes of JSON lines or raw objects. Units of work (a sink topic's Kafka partition, or a prefix) are
 * spread over the tasks.
 */
public final class S3SourceConnector extends SourceConnector {

    private Map<String, String> props;
    private List<SourceUnit> units;

    @Override
    public String version() {
        return S3SinkConnector.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        S3SourceConfig config = new S3SourceConfig(props);
        this.props = Map.copyOf(props);
        try (S3Client s3 = S3ConnectionConfig.client(config)) {
            units = units(config, s3);
        } catch (SdkException e) {
            throw new ConnectException("Cannot list s3://" + config.getString(S3ConnectionConfig.BUCKET) + " ("
                    + e.getMessage() + "); check the bucket, credentials and store.url", e);
        }
    }

    /** One unit per Kafka partition found of each restored topic (all partitions if none yet), or per prefix. */
    private static List<SourceUnit> units(S3SourceConfig config, S3Client s3) {
        List<SourceUnit> result = new ArrayList<>();
        if (!config.restore()) {
            config.getList(S3SourceConfig.PREFIXES).forEach(p -> result.add(SourceUnit.ofPrefix(p)));
            return result;
        }
        String bucket = config.getString(S3ConnectionConfig.BUCKET);
        ObjectNames names = new ObjectNames(config.getString(S3ConnectionConfig.TOPICS_DIR),
                config.getInt(S3ConnectionConfig.ZERO_PAD_WIDTH));
        for (String topic : config.getList(S3SourceConfig.TOPICS)) {
            TreeSet<Integer> partitions = new TreeSet<>();
            for (S3Object o : s3.listObjectsV2Paginator(b -> b.bucket(bucket).prefix(names.topicPrefix(topic)))
                    .contents()) {
                ObjectNames.parse(o.key()).filter(n -> n.topic().equals(topic))
                        .ifPresent(n -> partitions.add(n.partition()));
            }
            if (partitions.isEmpty()) {
                result.add(SourceUnit.ofTopic(topic, null));
            }
            partitions.forEach(p -> result.add(SourceUnit.ofTopic(topic, p)));
        }
        return result;
    }

    @Override
    public Class<? extends Task> taskClass() {
        return S3SourceTask.class;
    }

    @Override
    public List<Map<String, String>> taskConfigs(int maxTasks) {
        int tasks = Math.max(1, Math.min(maxTasks, units.size()));
        List<List<String>> assigned = new ArrayList<>();
        for (int i = 0; i < tasks; i++) {
            assigned.add(new ArrayList<>());
        }
        for (int i = 0; i < units.size(); i++) {
            assigned.get(i % tasks).add(units.get(i).encode());
        }
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<String> mine : assigned) {
            Map<String, String> config = new HashMap<>(props);
            config.put(S3SourceConfig.TASK_UNITS, String.join(",", mine));
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
        props = null;
        units = null;
    }

    @Override
    public ConfigDef config() {
        return S3SourceConfig.CONFIG_DEF;
    }

    /** Per-key checks, then the cross-key ones (topics or prefixes, topic mapping). */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        try {
            new S3SourceConfig(connectorConfigs);
        } catch (ConfigException e) {
            for (ConfigValue value : result.configValues()) {
                if (value.name().equals(S3SourceConfig.TOPICS)) {
                    value.addErrorMessage(e.getMessage());
                }
            }
        }
        return result;
    }
}
