package io.sluice.runtime.worker;

import io.sluice.runtime.metrics.SourceTaskMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.storage.OffsetStore;
import java.util.List;
import java.util.function.BooleanSupplier;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.TransactionContext;

/**
 * How a source task's progress becomes durable, chosen once when the task is built: offsets of acknowledged
 * records written every offset.flush.interval.ms ({@link OffsetFlushCommits}), or records and offsets in one
 * Kafka transaction per KIP-618 transaction.boundary ({@link SourceTransactions}). The task loop calls it
 * the same way for both, so neither mode's rules leak into the other's path.
 */
interface SourceCommits {

    /** What a strategy uses of the task it commits for; the runner builds it once its producer exists. */
    record Task(String name, ConnectorTaskId id, ClassLoader loader, Producer<byte[], byte[]> producer, OffsetStore offsets,
                SubmittedOffsets submitted, SourceTaskMetrics metrics, Sender sender, Runnable commit,
                BooleanSupplier cancelled) {
    }

    /** The runner's send path: convert, produce and track a batch; and the producer failure it remembered. */
    interface Sender {
        void send(List<SourceRecord> batch);

        /** Throws the failure a producer callback reported, if any. */
        void throwIfFailed();

        boolean failed();
    }

    /** Called on the task thread before the task's initialize(), with its producer created. */
    void start(Task task);

    /** The TransactionContext the task sees; null unless it defines its own transactions (as Apache). */
    TransactionContext transactionContext();

    /** Sends a batch the task polled. */
    void send(List<SourceRecord> batch);

    /** Called after every poll, with or without records. */
    void afterPoll();

    /** Called when the task is about to wait paused. */
    void beforePause();

    /**
     * Makes final what can be made final before the task's stop(); started tells whether start ran,
     * clean whether the task neither failed nor was cancelled.
     */
    void close(boolean started, boolean clean, boolean cancelled);

    /** How the task's log line at start describes this mode ("" for the default). */
    String description();
}
