package io.sluice.runtime.herder;

import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes what runs: herder operations queue here so they never interleave,
 * while reads (status, configs) stay lock-free on store snapshots. An operation decides and writes; it never
 * waits for a connector or task (the worker starts and stops them in the background), so each takes about one
 * round trip to Kafka.
 */
public final class ControlThread {
    private static final Logger log = LoggerFactory.getLogger(ControlThread.class);

    private static final int QUEUED = 0;
    private static final int STARTED = 1;
    private static final int DROPPED = 2;

    private final ExecutorService executor;
    private final long requestTimeoutMs;

    /** @param requestTimeoutMs how long a caller waits for its change (rest.request.timeout.ms) */
    public ControlThread(String name, long requestTimeoutMs) {
        this.requestTimeoutMs = requestTimeoutMs;
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** How long a caller waits for its change. */
    public long requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** Runs the operation on the control thread and waits for it; its exceptions reach the caller as they are. */
    public <T> T call(Callable<T> operation) {
        return call(operation, requestTimeoutMs);
    }

    /** As {@link #call(Callable)}, waiting at most timeoutMs. */
    public <T> T call(Callable<T> operation, long timeoutMs) {
        return call(operation, Long.MAX_VALUE, null, timeoutMs);
    }

    /**
     * As {@link #call(Callable)}, but an operation that has not started by startByNanos ({@link System#nanoTime()})
     * is dropped and the caller gets tooLate's exception: an earlier operation that blocks (a restart stopping tasks
     * while Kafka is away) must not make those queued behind it answer long after their own deadline, nor make them
     * later, when nobody waits for them any more.
     */
    public <T> T call(Callable<T> operation, long startByNanos, Supplier<RuntimeException> tooLate) {
        return call(operation, startByNanos, tooLate, requestTimeoutMs);
    }

    private <T> T call(Callable<T> operation, long startByNanos, Supplier<RuntimeException> tooLate, long timeoutMs) {
        AtomicInteger state = new AtomicInteger(QUEUED);
        CompletableFuture<T> future = new CompletableFuture<>();
        executor.execute(() -> {
            if (!state.compareAndSet(QUEUED, STARTED)) {
                return; // its caller was told it is not made
            }
            try {
                future.complete(operation.call());
            } catch (Throwable t) {
                future.completeExceptionally(t);
            }
        });
        long began = System.nanoTime();
        try {
            if (tooLate != null) {
                try {
                    return future.get(Math.max(0, startByNanos - began), TimeUnit.NANOSECONDS);
                } catch (TimeoutException notStarted) {
                    if (state.compareAndSet(QUEUED, DROPPED)) {
                        throw tooLate.get();
                    }
                    // started in time: wait for its outcome as any caller does
                }
            }
            long leftMs = timeoutMs - (System.nanoTime() - began) / 1_000_000;
            return future.get(Math.max(0, leftMs), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ConnectException(cause);
        } catch (TimeoutException e) {
            // nobody hears the outcome any more: the log does
            future.whenComplete((result, error) -> {
                if (error != null) {
                    log.warn("A change whose request timed out failed after all: {}", error.getMessage());
                } else {
                    log.info("A change whose request timed out was made after all");
                }
            });
            throw new HerderException.Failed("Request timed out after " + timeoutMs + " ms (rest.request.timeout.ms); "
                    + "the change may still be made: check before trying again");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for the herder", e);
        }
    }

    /** Queues an operation nobody waits for; failures are logged; once the thread is closing, it is dropped. */
    public void submit(Runnable operation) {
        try {
            executor.execute(() -> {
                try {
                    operation.run();
                } catch (RuntimeException e) {
                    log.error("Herder operation failed", e);
                }
            });
        } catch (java.util.concurrent.RejectedExecutionException closing) {
            // the herder is stopping: what a connector hands over now (its task configs) no longer matters
            log.debug("Herder is stopping; dropped an operation");
        }
    }

    /** Runs a last operation, then stops the thread; bounded. */
    public void close(Runnable last) {
        if (executor.isShutdown()) {
            return;
        }
        submit(last);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(requestTimeoutMs, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
