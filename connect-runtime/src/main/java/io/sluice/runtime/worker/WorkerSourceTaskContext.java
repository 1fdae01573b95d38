package io.sluice.runtime.worker;

import java.util.Map;
import java.util.function.Supplier;
import java.util.function.ToIntBiFunction;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.apache.kafka.connect.source.TransactionContext;
import org.apache.kafka.connect.storage.OffsetStorageReader;

/**
 * A source task's context; also, Sluice's one addition to it (typed by the JDK, so a plugin sees it through its own
 * class loader), a {@code ToIntBiFunction<String, Integer>}: given a topic and how many partitions the task writes to,
 * the topic's partition count, a missing topic created first with that many partitions (the settings of the
 * connector's matching topic.creation.* group where it has one, else the broker's defaults) when the worker creates
 * topics; 0 for a missing topic it may not create, -1 when Kafka did not answer. A task that writes to fixed
 * partitions (a restore) can so fail at start, rather than wait forever for a partition the topic does not have.
 */
final class WorkerSourceTaskContext implements SourceTaskContext, ToIntBiFunction<String, Integer> {
    private final Map<String, String> taskConfig;
    private final OffsetStorageReader reader;
    private final PluginMetrics metrics;
    private final Supplier<TransactionContext> transactions;
    private final SourceTopicCreator topics;

    WorkerSourceTaskContext(Map<String, String> taskConfig, OffsetStorageReader reader, PluginMetrics metrics,
                            Supplier<TransactionContext> transactions, SourceTopicCreator topics) {
        this.taskConfig = taskConfig;
        this.reader = reader;
        this.metrics = metrics;
        this.transactions = transactions;
        this.topics = topics;
    }

    @Override
    public Map<String, String> configs() {
        return taskConfig;
    }

    @Override
    public OffsetStorageReader offsetStorageReader() {
        return reader;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return metrics;
    }

    @Override
    public TransactionContext transactionContext() {
        return transactions.get();
    }

    @Override
    public int applyAsInt(String topic, Integer partitions) {
        return topics.partitionsCreatingWith(topic, partitions == null ? 1 : partitions);
    }
}
