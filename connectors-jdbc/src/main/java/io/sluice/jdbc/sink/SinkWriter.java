package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.TaskThreads;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's writer: owns the connection pool and the one thread every write runs on, so batches reach the
 * database in the order they were taken from the {@link RowBuffer}, and holds the task's one failure state.
 * A batch written behind (the consumer has a backlog) or because it lingered has no worker to redeliver it, so
 * its transient errors are retried here and a lasting one becomes the failure; a batch written now is waited
 * for and its transient error goes back to the task, which the worker redelivers after retry.backoff.ms.
 * At most one batch is behind: handing over the next waits for it.
 */
final class SinkWriter implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SinkWriter.class);

    private final ConnectionPool pool;
    private final TransactionWriter transactions;
    private final RowBuffer buffer;
    private final long retryBackoffMs;
    /** Asks the worker to wait before redelivering (SinkTaskContext.timeout), called on the task thread. */
    private final LongConsumer backoff;
    private final ScheduledExecutorService thread;
    private volatile ConnectException failure;
    /** The batch written behind, if any; touched by the task thread only. */
    private Future<?> behind;

    /** Starts the writer thread on the task's thread, so it logs as the task, [connector|task-n]. */
    SinkWriter(String connector, ConnectionPool pool, TransactionWriter transactions, RowBuffer buffer,
               long retryBackoffMs, long lingerMs, LongConsumer backoff) {
        this.pool = pool;
        this.transactions = transactions;
        this.buffer = buffer;
        this.retryBackoffMs = retryBackoffMs;
        this.backoff = backoff;
        this.thread = Executors.newSingleThreadScheduledExecutor(TaskThreads.named("sluice-jdbc-writer-" + connector));
        long period = Math.max(10, lingerMs / 2);
        thread.scheduleWithFixedDelay(this::writeLingering, period, period, TimeUnit.MILLISECONDS);
    }

    /** The lasting failure that ended writing, or null: once set, nothing more is written or committed. */
    ConnectException failure() {
        return failure;
    }

    /** Records a lasting failure (the first one wins) and drops the buffered rows, which may never be written. */
    synchronized void fail(ConnectException e) {
        if (failure == null) {
            failure = e;
        }
        buffer.clear();
    }

    /** Hands a batch to the writer thread after the one behind ended (its failure is thrown instead). */
    void writeBehind(List<SinkRow> rows) {
        awaitBehind();
        if (!rows.isEmpty()) {
            behind = thread.submit(() -> writeRetrying(rows));
        }
    }

    /**
     * Writes a batch on the writer thread and waits for it, and so for a lingering write in flight there, even when
     * rows is empty: a caller about to report offsets (preCommit) must not report those of rows a lingering write
     * took from the buffer until they are stored. Throws RetriableException for the worker to redeliver (having
     * asked it to back off), or ConnectException for a lasting failure, the lingering write's included.
     */
    void writeNow(List<SinkRow> rows) {
        awaitBehind();
        try {
            thread.submit(() -> {
                throwIfFailed();
                if (!rows.isEmpty()) {
                    transactions.write(rows);
                }
                return null;
            }).get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RetriableException retriable) {
                backoff.accept(retryBackoffMs);
                throw retriable;
            }
            throw cause instanceof ConnectException ce ? ce : new ConnectException("Writing records failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while writing a batch", e);
        }
    }

    /** Waits for the batch written behind, if any; throws the failure, if there is one. */
    void awaitBehind() {
        Future<?> inFlight = behind;
        behind = null;
        if (inFlight != null) {
            try {
                inFlight.get();
            } catch (ExecutionException e) {
                fail(new ConnectException("Writing a batch failed: " + e.getCause(), e.getCause()));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new ConnectException("Interrupted while waiting for a batch write", e);
            }
        }
        throwIfFailed();
    }

    private void throwIfFailed() {
        ConnectException lasting = failure;
        if (lasting != null) {
            throw lasting;
        }
    }

    /** On the writer thread: rows buffered longer than batch.linger.ms are written without waiting for a put. */
    private void writeLingering() {
        if (failure == null) {
            List<SinkRow> rows = buffer.takeLingering();
            if (!rows.isEmpty()) {
                writeRetrying(rows);
            }
        }
    }

    /** On the writer thread: writes, retrying transient failures; a lasting one becomes the task's failure. */
    private void writeRetrying(List<SinkRow> rows) {
        while (failure == null) {
            try {
                transactions.write(rows);
                return;
            } catch (RetriableException e) {
                try {
                    Thread.sleep(retryBackoffMs);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    fail(new ConnectException("Stopped while retrying a batch write", e));
                }
            } catch (ConnectException e) {
                failedBehind(e);
            } catch (RuntimeException e) {
                failedBehind(new ConnectException("Writing buffered rows failed: " + e, e));
            }
        }
    }

    private void failedBehind(ConnectException e) {
        fail(e);
        // no offset is committed for these rows from now on, and the next put fails
        log.error("Writing buffered rows failed; the task fails at its next put: {}", e.getMessage());
    }

    /** A record that does not fit: to the errant record reporter when there is one, else thrown. */
    void reportOrThrow(SinkRecord record, ConnectException e) {
        transactions.reportOrThrow(record, e);
    }

    /** Errant records must be stored before the offsets past them are committed. */
    void awaitReports() {
        transactions.awaitReports();
    }

    /** Lets a write in flight finish (up to 30 s), ends the thread, then closes the pool. */
    @Override
    public void close() {
        thread.shutdown();
        try {
            if (!thread.awaitTermination(30, TimeUnit.SECONDS)) {
                log.warn("The JDBC writer thread did not end within 30 s");
                thread.shutdownNow();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        behind = null;
        pool.close();
    }
}
