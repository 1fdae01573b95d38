package io.sluice.runtime.worker.errors;

import io.sluice.runtime.metrics.ErrorMetrics;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SinkConnectorConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's error policy (errors.tolerance, errors.retry.*, errors.log.*, and for sinks the dead
 * letter queue): runs per-record operations with retries and reports failures it tolerates.
 *
 * <p>As in Apache Kafka Connect: retriable exceptions are retried with backoff until
 * errors.retry.timeout; converters and transformations may fail with any exception and be
 * tolerated, other stages only with retriable ones. Every failure is reported (logged when
 * errors.log.enable, written to the DLQ when configured) before the task is failed or the record
 * skipped. {@link #execute} runs on the task thread; {@link #reportErrant} and
 * {@link #executeFailed} may be called from any thread.
 */
public final class ErrorHandler implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(ErrorHandler.class);
    private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);

    private final ConnectorTaskId task;
    /** errors.retry.timeout, errors.tolerance: read on every failing record, so kept at hand. */
    private final long retryTimeoutMs;
    private final boolean toleratesAll;
    private final LogErrorReporter logReporter;
    /** Without errors.log.enable, tolerated failures are still told, summarised rather than one line per record. */
    private final ToleratedErrorLog toleratedLog;
    private final DeadLetterQueueReporter dlq;
    private final RetryClock clock;
    private final Backoff backoff;
    private final AtomicBoolean closed = new AtomicBoolean();
    private volatile boolean stopping;
    private volatile ErrorMetrics metrics = new ErrorMetrics();

    /**
     * @param config         the task's connector config; a sink's names its dead letter queue
     * @param producerConfig client config for the DLQ producer (bootstrap.servers included), used
     *                       only by sinks with errors.deadletterqueue.topic.name
     * @param adminConfig    client config to create the DLQ topic when missing
     * @throws org.apache.kafka.common.config.ConfigException when the dead letter queue topic's name is not legal
     * @throws ConnectException when the dead letter queue topic can't be created
     */
    public ErrorHandler(ConnectorTaskId task, ConnectorConfig config, Map<String, Object> producerConfig,
                        Map<String, Object> adminConfig) {
        this(task, config, config instanceof SinkConnectorConfig sink && !sink.dlqTopicName().isEmpty()
                        ? DeadLetterQueueReporter.open(task, sink, producerConfig, adminConfig) : null,
                RetryClock.system(), Backoff.withRandomJitter(config.errorMaxDelayInMillis()));
    }

    /** For tests: a given DLQ (or none), clock and backoff. */
    ErrorHandler(ConnectorTaskId task, ConnectorConfig config, DeadLetterQueueReporter dlq, RetryClock clock,
                 Backoff backoff) {
        this.task = task;
        this.retryTimeoutMs = config.errorRetryTimeout();
        this.toleratesAll = config.toleratesAllErrors();
        this.logReporter = config.enableErrorLog() ? new LogErrorReporter(config.includeRecordDetailsInErrorLog()) : null;
        this.toleratedLog = config.enableErrorLog() ? null : new ToleratedErrorLog(dlq == null ? "skipped"
                : "sent to the dead letter queue " + dlq.topic() + ", the failure in its headers");
        this.dlq = dlq;
        this.clock = clock;
        this.backoff = backoff;
    }

    /** Where failures, retries, skips, logged errors and DLQ writes are counted (Apache's task-error-metrics). */
    public void metrics(ErrorMetrics metrics) {
        this.metrics = metrics;
    }

    /**
     * Runs one operation on one record. Retriable exceptions are retried with backoff until
     * errors.retry.timeout. Returns the operation's result, or null when it failed and the failure
     * was tolerated (and reported). Throws a ConnectException when the failure is not tolerated.
     */
    public <T> T execute(Stage stage, String executingClass, RecordContext record, Callable<T> op) {
        if (dlq != null) {
            dlq.checkHealthy();
        }
        long retryTimeout = retryTimeoutMs;
        // the clock is read only when retries are possible, to keep the per-record path lean
        long deadline = retryTimeout == 0 ? Long.MIN_VALUE
                : retryTimeout < 0 ? Long.MAX_VALUE : clock.milliseconds() + retryTimeout;
        int attempt = 0;
        while (true) {
            attempt++;
            try {
                return op.call();
            } catch (Exception e) {
                metrics.failure();
                if (!isRetriable(stage, e)) {
                    return fail(new Failure(task, stage, executingClass, record, e, attempt), false);
                }
                if (!awaitRetry(attempt, deadline)) {
                    return fail(new Failure(task, stage, executingClass, record, e, attempt), true);
                }
                metrics.retry();
                log.debug("{} retrying {} with {} after a retriable error (attempt {}): {}",
                        task, stage, executingClass, attempt, e.toString());
            }
        }
    }

    /**
     * Reports a record a sink task could not process ({@code ErrantRecordReporter}); the future
     * completes once the report is durable (DLQ write acknowledged). Throws a ConnectException
     * when errors.tolerance is none.
     */
    public Future<Void> reportErrant(ConsumerRecord<byte[], byte[]> original, Throwable error) {
        return executeFailed(Stage.TASK_PUT, SinkTask.class.getName(), RecordContext.of(original), error);
    }

    /**
     * Reports an operation that already failed outside {@link #execute} (an errant record, a
     * producer send callback). The future completes when every report is durable.
     *
     * @throws ConnectException when errors.tolerance is none, or an earlier DLQ write failed
     */
    public Future<Void> executeFailed(Stage stage, String executingClass, RecordContext record, Throwable error) {
        if (dlq != null) {
            dlq.checkHealthy();
        }
        metrics.failure();
        Failure failure = new Failure(task, stage, executingClass, record, error, 1);
        CompletableFuture<Void> reported = report(failure);
        if (!toleratesAll) {
            throw new ConnectException("Tolerance exceeded in error handler: " + failure.describe(), error);
        }
        skipped(failure);
        return reported;
    }

    /**
     * Whether a sink task gets an errant record reporter: with a dead letter queue or errors.log.enable, as Apache's
     * SinkConnectorConfig.enableErrantRecordReporter decides (a connector given none fails or handles the record itself).
     */
    public boolean reportsErrantRecords() {
        return dlq != null || logReporter != null;
    }

    /** Whether errors.tolerance=all. */
    public boolean toleratesAll() {
        return toleratesAll;
    }

    /**
     * Ends any retry under way and makes later retriable failures final at once; called from
     * another thread when the task is being stopped, so errors.retry.timeout=-1 can't hang it.
     */
    public void triggerStop() {
        stopping = true;
        clock.stop();
    }

    /**
     * Waits until every DLQ write sent so far is acknowledged; call before committing offsets so
     * a committed record's report is never lost.
     *
     * @throws ConnectException if any DLQ write failed
     */
    public void flush() {
        if (dlq != null) {
            dlq.flush();
        }
    }

    /** Stops retries, then waits (bounded) for pending DLQ writes and closes the DLQ producer. Idempotent. */
    @Override
    public void close() {
        if (!closed.compareAndSet(false, true)) {
            return;
        }
        triggerStop();
        if (dlq != null) {
            dlq.close(CLOSE_TIMEOUT);
        }
    }

    /** Sleeps before the next attempt; false when no retry may start (deadline passed, or stopping). */
    private boolean awaitRetry(int attempt, long deadline) {
        if (stopping || deadline == Long.MIN_VALUE) {
            return false;
        }
        long now = clock.milliseconds();
        if (now >= deadline) {
            return false;
        }
        long delay = backoff.delay(attempt, now, deadline);
        if (delay > 0 && !clock.sleep(delay)) {
            return false;
        }
        return !stopping;
    }

    private <T> T fail(Failure failure, boolean retriesExhausted) {
        report(failure);
        Throwable error = failure.error();
        // Apache's opening words (scripts look for them), then what failed, on which record and why
        if (!retriesExhausted && !isTolerable(failure.stage())) {
            throw new ConnectException("Unhandled exception in error handler: " + failure.describe(), error);
        }
        if (!toleratesAll) {
            throw new ConnectException((retriesExhausted
                    ? "Exceeded deadline & tolerance for retriable exception: "
                    : "Tolerance exceeded in error handler: ") + failure.describe(), error);
        }
        skipped(failure);
        return null;
    }

    private void skipped(Failure failure) {
        log.trace("{} skipping a record that failed in {}", task, failure.stage());
        metrics.skipped();
        if (toleratedLog != null) {
            toleratedLog.tolerated(failure, clock.milliseconds());
        }
    }

    private CompletableFuture<Void> report(Failure failure) {
        ErrorMetrics m = metrics;
        m.error();
        if (logReporter != null) {
            logReporter.report(failure);
            m.logged();
        }
        if (dlq == null || failure.record() == null || failure.record().consumed() == null) {
            return CompletableFuture.completedFuture(null);
        }
        m.dlqRequest();
        CompletableFuture<Void> written = dlq.report(failure);
        written.whenComplete((ok, e) -> {
            if (e != null) {
                m.dlqFailure();
            }
        });
        return written;
    }

    /** Converters and transformations may fail with any exception and still be tolerated, as in Apache. */
    static boolean isTolerable(Stage stage) {
        return switch (stage) {
            case TRANSFORMATION, KEY_CONVERTER, VALUE_CONVERTER, HEADER_CONVERTER -> true;
            default -> false;
        };
    }

    /** Connect's RetriableException everywhere; for producer sends also the clients' retriable errors. */
    static boolean isRetriable(Stage stage, Throwable e) {
        return e instanceof RetriableException
                || stage == Stage.KAFKA_PRODUCE && e instanceof org.apache.kafka.common.errors.RetriableException;
    }
}
