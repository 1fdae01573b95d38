package io.sluice.jdbc.sink;

import io.sluice.jdbc.TaskThreads;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sink's writer thread: at most one batch write in flight, so batches reach the database in
 * the order they were handed over. Transient failures are retried here, since no worker is there
 * to redeliver; a lasting one is thrown by the next {@link #await}.
 */
final class BackgroundWrite implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(BackgroundWrite.class);

    private final ExecutorService thread;
    private final long retryBackoffMs;
    private Future<?> inFlight;

    BackgroundWrite(String connector, long retryBackoffMs) {
        this.retryBackoffMs = retryBackoffMs;
        // created on the task thread: the writer logs as the task, [connector|task-n]
        this.thread = Executors.newSingleThreadExecutor(TaskThreads.named("sluice-jdbc-writer-" + connector));
    }

    /** Starts a write after the one in flight ended (its failure is thrown instead). */
    void start(Runnable write) {
        await();
        inFlight = thread.submit(() -> retryTransient(write));
    }

    private void retryTransient(Runnable write) {
        while (true) {
            try {
                write.run();
                return;
            } catch (RetriableException e) {
                try {
                    Thread.sleep(retryBackoffMs);
                } catch (InterruptedException stop) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("Stopped while retrying a batch write", e);
                }
            }
        }
    }

    /** Waits for the write in flight, if any; throws its failure as a ConnectException. */
    void await() {
        if (inFlight == null) {
            return;
        }
        try {
            inFlight.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            throw cause instanceof ConnectException ce ? ce : new ConnectException("Writing a batch failed: " + cause, cause);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for a batch write", e);
        } finally {
            inFlight = null;
        }
    }

    /** Lets a write in flight finish (up to 30 s), then ends the thread. */
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
        inFlight = null;
    }
}
