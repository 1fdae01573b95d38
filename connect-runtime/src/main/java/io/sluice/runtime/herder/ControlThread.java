package io.sluice.runtime.herder;

import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one thread that changes what runs: herder operations queue here so they never interleave,
 * while reads (status, configs) stay lock-free on store snapshots.
 */
public final class ControlThread {
    private static final Logger log = LoggerFactory.getLogger(ControlThread.class);
    /** Apache's REST request timeout: a caller waits at most this long for its change. */
    public static final long REQUEST_TIMEOUT_MS = 90_000;

    private final ExecutorService executor;

    public ControlThread(String name) {
        this.executor = Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(r, name);
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs the operation on the control thread and waits for it; its exceptions reach the caller as they are. */
    public <T> T call(Callable<T> operation) {
        return call(operation, REQUEST_TIMEOUT_MS);
    }

    /** As {@link #call(Callable)}, waiting at most timeoutMs. */
    public <T> T call(Callable<T> operation, long timeoutMs) {
        Future<T> future = executor.submit(operation);
        try {
            return future.get(timeoutMs, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            throw new ConnectException(cause);
        } catch (TimeoutException e) {
            throw new HerderException.Failed("Request timed out after " + timeoutMs + " ms; it continues in the background");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while waiting for the herder", e);
        }
    }

    /** Queues an operation nobody waits for; failures are logged. */
    public void submit(Runnable operation) {
        executor.execute(() -> {
            try {
                operation.run();
            } catch (RuntimeException e) {
                log.error("Herder operation failed", e);
            }
        });
    }

    /** Runs a last operation, then stops the thread; bounded. */
    public void close(Runnable last) {
        if (executor.isShutdown()) {
            return;
        }
        submit(last);
        executor.shutdown();
        try {
            if (!executor.awaitTermination(REQUEST_TIMEOUT_MS, TimeUnit.MILLISECONDS)) {
                executor.shutdownNow();
            }
        } catch (InterruptedException e) {
            executor.shutdownNow();
            Thread.currentThread().interrupt();
        }
    }
}
