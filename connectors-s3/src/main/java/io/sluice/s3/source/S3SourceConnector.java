package io.sluice.s3.source;

import io.sluice.s3.BucketCheck;
import io.sluice.s3.ConfigErrors;
import io.sluice.s3.ObjectNames;
import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.Versions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.Config;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Task;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * Restores topics the S3 sink wrote (partitions, keys, headers and timestamps preserved) or reads arbitrary
 * prefixes of JSON lines, CSV, Avro or raw objects. Units of work (a sink topic's Kafka partition, or a
 * prefix) are spread over the tasks; while running, the connector lists the bucket every s3.poll.interval.ms
 * and reconfigures its tasks when a restored topic gains a partition.
 */
public final class S3SourceConnector extends SourceConnector {

    private static final Logger log = LoggerFactory.getLogger(S3SourceConnector.class);

    private Map<String, String> props;
    private volatile List<SourceUnit> units;
    private ScheduledExecutorService discovery;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        S3SourceConfig config = new S3SourceConfig(props);
        this.props = Map.copyOf(props);
        BucketCheck.problem(config).ifPresent(p -> {
            throw new ConnectException(p.getKey() + ": " + p.getValue());
        });
        try (S3Client s3 = S3ConnectionConfig.client(config)) {
            units = units(config, s3);
        } catch (SdkException e) {
            throw new ConnectException("Cannot list s3://" + config.getString(S3ConnectionConfig.BUCKET) + " ("
                    + e.getMessage() + "); check the bucket, credentials and store.url", e);
        }
        if (config.restore()) {
            String name = props.getOrDefault("name", "s3-source");
            discovery = Executors.newSingleThreadScheduledExecutor(r -> {
                Thread t = new Thread(r, "sluice-s3-discovery-" + name);
                t.setDaemon(true);
                return t;
            });
            long interval = config.getLong(S3SourceConfig.POLL_INTERVAL_MS);
            discovery.scheduleWithFixedDelay(() -> discover(config), interval, interval, TimeUnit.MILLISECONDS);
        }
    }

    /** Lists the restored topics' partitions again; new ones get units and the tasks are reconfigured. */
    private void discover(S3SourceConfig config) {
        try (S3Client s3 = S3ConnectionConfig.client(config)) {
            List<SourceUnit> found = units(config, s3);
            if (!Set.copyOf(found).equals(Set.copyOf(units))) {
                log.info("New partitions to restore: {} (was {}); reconfiguring tasks", found, units);
                units = found;
                context.requestTaskReconfiguration();
            }
        } catch (RuntimeException e) {
            // a store that is down now is retried at the next interval; the tasks report lasting failures
            log.warn("Listing s3://{} for new partitions failed: {}", config.getString(S3ConnectionConfig.BUCKET),
                    e.toString());
        }
    }

    /** One unit per Kafka partition found of each restored topic, or per prefix. */
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
        // so that a task creates a missing target topic with as many partitions as the archive, whichever it reads
        Map<String, Integer> archive = new TreeMap<>();
        units.stream().filter(u -> u.partition() != null)
                .forEach(u -> archive.merge(u.topic(), u.partition() + 1, Math::max));
        String archivePartitions = archive.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                .collect(Collectors.joining(","));
        List<Map<String, String>> configs = new ArrayList<>();
        for (List<String> mine : assigned) {
            Map<String, String> config = new HashMap<>(props);
            config.put(S3SourceConfig.TASK_UNITS, String.join(",", mine));
            config.put(S3SourceConfig.TASK_ARCHIVE_PARTITIONS, archivePartitions);
            configs.add(config);
        }
        return configs;
    }

    @Override
    public void stop() {
        if (discovery != null) {
            discovery.shutdownNow();
            try {
                discovery.awaitTermination(10, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            discovery = null;
        }
        props = null;
        units = null;
    }

    /**
     * Refuses offsets a task could not use (a unit this connector does not read, an object that is not the unit's,
     * a position that is no non-negative whole number, keys it does not know), with a message saying which; null
     * offsets (resets) are allowed for any partition. The offsets live only in Kafka, so they are wholly altered.
     */
    @Override
    public boolean alterOffsets(Map<String, String> connectorConfig, Map<Map<String, ?>, Map<String, ?>> offsets) {
        S3SourceConfig config = new S3SourceConfig(connectorConfig);
        offsets.forEach((partition, offset) -> S3SourceOffsets.checkAltered(config, partition, offset));
        return true;
    }

    @Override
    public ConfigDef config() {
        return S3SourceConfig.CONFIG_DEF;
    }

    /** Per-key checks, then the rules across keys, each on its key, then whether the bucket answers. */
    @Override
    public Config validate(Map<String, String> connectorConfigs) {
        Config result = super.validate(connectorConfigs);
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        S3SourceConfig.problems(new AbstractConfig(S3SourceConfig.CONFIG_DEF, connectorConfigs, false),
                (key, message) -> ConfigErrors.add(result, key, message));
        if (result.configValues().stream().anyMatch(v -> !v.errorMessages().isEmpty())) {
            return result;
        }
        BucketCheck.problem(new S3SourceConfig(connectorConfigs))
                .ifPresent(p -> ConfigErrors.add(result, p.getKey(), p.getValue()));
        return result;
    }
}
