package io.sluice.runtime.metrics;

import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;

/**
 * Apache's task-error-metrics of one task. Errors arrive from the task thread, producer callbacks
 * and the dead letter queue's producer, so these are LongAdders; none is on a record's happy path.
 * An instance not registered anywhere (the default of an error handler) simply counts.
 */
public final class ErrorMetrics {
    private final LongAdder failures = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final LongAdder skipped = new LongAdder();
    private final LongAdder retries = new LongAdder();
    private final LongAdder logged = new LongAdder();
    private final LongAdder dlqRequests = new LongAdder();
    private final LongAdder dlqFailures = new LongAdder();
    private final AtomicLong lastErrorTime = new AtomicLong(0);

    /** An operation attempt threw (counted for every attempt, retriable or not). */
    public void failure() {
        failures.increment();
    }

    /** An operation failed for good (after any retries) and was reported; also notes the time. */
    public void error() {
        errors.increment();
        errorTime(System.currentTimeMillis());
    }

    /** The task itself failed: only the time of the last error changes. */
    public void errorTime(long timeMs) {
        lastErrorTime.accumulateAndGet(timeMs, Math::max);
    }

    public void skipped() {
        skipped.increment();
    }

    public void retry() {
        retries.increment();
    }

    public void logged() {
        logged.increment();
    }

    public void dlqRequest() {
        dlqRequests.increment();
    }

    public void dlqFailure() {
        dlqFailures.increment();
    }

    public long errors() {
        return errors.sum();
    }

    public long failures() {
        return failures.sum();
    }

    public long skippedCount() {
        return skipped.sum();
    }

    public long loggedCount() {
        return logged.sum();
    }

    public long dlqRequests() {
        return dlqRequests.sum();
    }

    /** Epoch milliseconds of the last error, 0 when none. */
    public long lastErrorTime() {
        return lastErrorTime.get();
    }

    void addTo(MetricGroup group) {
        group.counter("total-record-failures", "The number of record processing failures in this task.", failures::sum)
                .counter("total-record-errors", "The number of record processing errors in this task.", errors::sum)
                .counter("total-records-skipped", "The number of records skipped due to errors.", skipped::sum)
                .counter("total-retries", "The number of operations retried.", retries::sum)
                .counter("total-errors-logged", "The number of errors that were logged.", logged::sum)
                .counter("deadletterqueue-produce-requests", "The number of attempted writes to the dead letter queue.",
                        dlqRequests::sum)
                .counter("deadletterqueue-produce-failures", "The number of failed writes to the dead letter queue.",
                        dlqFailures::sum)
                .gauge("last-error-timestamp", "The epoch timestamp when this task last encountered an error.",
                        () -> (double) lastErrorTime.get());
    }
}
