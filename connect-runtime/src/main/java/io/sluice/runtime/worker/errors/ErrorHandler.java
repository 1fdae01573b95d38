package io.sluice.runtime.worker.errors;

import io.sluice.runtime.storage.ConnectorTaskId;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Future;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A task's error policy (errors.tolerance, errors.retry.*, errors.log.*, and for sinks the dead
 * letter queue): runs per-record operations with retries and reports failures it tolerates.
 *
 * <p>SKELETON: the errors room replaces this.
 */
public final class ErrorHandler implements AutoCloseable {

    /**
     * @param producerConfig client config for the DLQ producer (bootstrap.servers included), used
     *                       only by sinks with errors.deadletterqueue.topic.name
     * @param adminConfig    client config to create the DLQ topic when missing
     */
    public ErrorHandler(ConnectorTaskId task, Map<String, String> connectorConfig, boolean sink,
                        Map<String, Object> producerConfig, Map<String, Object> adminConfig) {
    }

    /**
     * Runs one operation on one record. Retriable exceptions are retried with backoff until
     * errors.retry.timeout. Returns the operation's result, or null when it failed and the failure
     * was tolerated (and reported). Throws a ConnectException when the failure is not tolerated.
     */
    public <T> T execute(Stage stage, Class<?> executingClass, RecordContext record, Callable<T> op) {
        try {
            return op.call();
        } catch (RuntimeException e) {
            throw e;
        } catch (Exception e) {
            throw new org.apache.kafka.connect.errors.ConnectException(e);
        }
    }

    /**
     * Reports a record a sink task could not process ({@code ErrantRecordReporter}); the future
     * completes once the report is durable (DLQ write acknowledged). Throws a ConnectException
     * when errors.tolerance is none.
     */
    public Future<Void> reportErrant(ConsumerRecord<byte[], byte[]> original, Throwable error) {
        throw new UnsupportedOperationException();
    }

    /** Whether errors.tolerance=all. */
    public boolean toleratesAll() {
        return false;
    }

    @Override
    public void close() {
    }
}
