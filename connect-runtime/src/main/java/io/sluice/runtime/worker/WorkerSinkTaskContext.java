package io.sluice.runtime.worker;

import io.sluice.runtime.worker.errors.ErrorHandler;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.metrics.PluginMetrics;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.runtime.InternalSinkRecord;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTaskContext;

/**
 * The SinkTaskContext a sink task sees: its requests (seek, pause/resume to the {@link SinkPartitionControl}; retry
 * timeout and commit to the {@link SinkTaskRunner}) are recorded and applied on the task thread.
 */
final class WorkerSinkTaskContext implements SinkTaskContext {
    private final SinkTaskRunner runner;
    private final SinkPartitionControl partitions;
    private final Map<String, String> taskConfig;
    private final ErrorHandler errors;
    private final ConverterSet converters;
    private final PluginMetrics metrics;
    private final Queue<Future<Void>> errantReports = new ConcurrentLinkedQueue<>();
    /** Null without a dead letter queue or errors.log.enable, as Apache gives it: connectors branch on that null. */
    private final ErrantRecordReporter reporter;

    WorkerSinkTaskContext(SinkTaskRunner runner, SinkPartitionControl partitions, Map<String, String> taskConfig,
                          ErrorHandler errors, ConverterSet converters, PluginMetrics metrics) {
        this.runner = runner;
        this.partitions = partitions;
        this.taskConfig = taskConfig;
        this.errors = errors;
        this.converters = converters;
        this.metrics = metrics;
        this.reporter = errors.reportsErrantRecords() ? this::report : null;
    }

    @Override
    public Map<String, String> configs() {
        return taskConfig;
    }

    @Override
    public void offset(Map<TopicPartition, Long> offsets) {
        partitions.requestSeek(offsets);
    }

    @Override
    public void offset(TopicPartition tp, long offset) {
        partitions.requestSeek(Map.of(tp, offset));
    }

    @Override
    public void timeout(long timeoutMs) {
        runner.retryTimeout(timeoutMs);
    }

    @Override
    public Set<TopicPartition> assignment() {
        return partitions.assignment();
    }

    @Override
    public void pause(TopicPartition... partitions) {
        this.partitions.pause(new HashSet<>(Arrays.asList(partitions)));
    }

    @Override
    public void resume(TopicPartition... partitions) {
        this.partitions.resume(new HashSet<>(Arrays.asList(partitions)));
    }

    @Override
    public void requestCommit() {
        runner.requestCommit();
    }

    @Override
    public ErrantRecordReporter errantRecordReporter() {
        return reporter;
    }

    @Override
    public PluginMetrics pluginMetrics() {
        return metrics;
    }

    private Future<Void> report(SinkRecord record, Throwable error) {
        ConsumerRecord<byte[], byte[]> consumed = record instanceof InternalSinkRecord internal ? internal.context().original() : toConsumed(record);
        Future<Void> future = errors.reportErrant(consumed, error);
        errantReports.add(future);
        return future;
    }

    /** Rebuilds the bytes of a record the task made itself, with the task's converters. */
    private ConsumerRecord<byte[], byte[]> toConsumed(SinkRecord record) {
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h.key(), converters.header().fromConnectHeader(record.topic(), h.key(), h.schema(), h.value()));
        }
        byte[] key = converters.key().fromConnectData(record.topic(), headers, record.keySchema(), record.key());
        byte[] value = converters.value().fromConnectData(record.topic(), headers, record.valueSchema(), record.value());
        long timestamp = record.timestamp() == null ? ConsumerRecord.NO_TIMESTAMP : record.timestamp();
        TimestampType type = record.timestampType() == null ? TimestampType.NO_TIMESTAMP_TYPE : record.timestampType();
        return new ConsumerRecord<>(record.originalTopic(), record.originalKafkaPartition() == null ? -1 : record.originalKafkaPartition(),
                record.originalKafkaOffset(), timestamp, type, -1, -1, key, value, headers, java.util.Optional.empty());
    }

    /** Waits until every errant record reported so far is durable; offsets are committed only after that. */
    void awaitErrantReports() {
        Future<Void> f;
        while ((f = errantReports.poll()) != null) {
            try {
                f.get();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while waiting for errant record reports", e);
            } catch (ExecutionException e) {
                throw new ConnectException("Failed to report an errant record", e.getCause());
            }
        }
    }
}
