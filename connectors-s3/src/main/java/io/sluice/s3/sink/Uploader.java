package io.sluice.s3.sink;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A task's background S3 calls: a few named daemon threads, so the task thread keeps consuming while
 * objects are sent. The bytes of queued and running calls stay reserved in the {@link BufferBudget} until
 * the call ends; the first failure is kept and rethrown on the task thread by {@link #check()}.
 */
final class Uploader {

    private static final Logger log = LoggerFactory.getLogger(Uploader.class);

    /** An S3 call. */
    interface Call {
        void run() throws Exception;
    }

    private final ExecutorService executor;
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final AtomicLong heldBytes = new AtomicLong();
    private final Object progress = new Object();
    private int running;
    private boolean closed;

    Uploader(String name, int threads) {
        AtomicInteger n = new AtomicInteger();
        this.executor = new ThreadPoolExecutor(threads, threads, 0, TimeUnit.MILLISECONDS, new LinkedBlockingQueue<>(),
                r -> {
                    Thread t = new Thread(r, "sluice-s3-upload-" + name + "-" + n.incrementAndGet());
                    t.setDaemon(true);
                    return t;
                });
    }

    /**
     * Runs call after previous (calls of one object run in order) and releases reservedBytes of the budget
     * when it ends, however it ends. If previous failed, call is skipped and the returned stage fails too.
     */
    CompletableFuture<Void> after(CompletableFuture<Void> previous, long reservedBytes, Call call) {
        heldBytes.addAndGet(reservedBytes);
        AtomicBoolean released = new AtomicBoolean();
        Runnable release = () -> {
            synchronized (progress) {
                if (released.compareAndSet(false, true) && !closed) {
                    heldBytes.addAndGet(-reservedBytes);
                    BufferBudget.release(reservedBytes);
                }
            }
        };
        synchronized (progress) {
            running++;
        }
        CompletableFuture<Void> next = previous.handleAsync((v, error) -> {
            try {
                if (error != null) {
                    throw error instanceof CompletionException c ? c : new CompletionException(error);
                }
                call.run();
                return null;
            } catch (CompletionException e) {
                throw e;
            } catch (Exception e) {
                throw new CompletionException(e);
            } finally {
                release.run();
            }
        }, executor);
        next.whenComplete((v, error) -> {
            release.run();
            if (error != null && failure.compareAndSet(null, error instanceof CompletionException && error.getCause() != null
                    ? error.getCause() : error)) {
                log.warn("S3 upload failed; the task fails on its next call", failure.get());
            }
            synchronized (progress) {
                running--;
                progress.notifyAll();
            }
        });
        return next;
    }

    /** Like {@link #after} but runs call whether or not previous failed, e.g. to abort an upload; never fails. */
    CompletableFuture<Void> finallyAfter(CompletableFuture<Void> previous, Call call) {
        Call quiet = () -> {
            try {
                call.run();
            } catch (Exception e) {
                log.debug("Cleanup call failed; recovery retries it after the next assignment", e);
            }
        };
        return after(previous.handle((v, e) -> (Void) null), 0, quiet).handle((v, e) -> (Void) null);
    }

    /** Rethrows the first failure of a background call on the calling (task) thread. */
    void check() {
        Throwable t = failure.get();
        if (t != null) {
            throw new ConnectException("Cannot store an object in S3 (" + t.getMessage() + "); check the bucket, "
                    + "credentials and store.url. The records are not lost: offsets were not committed past them", t);
        }
    }

    /** Bytes of the budget queued or running calls hold. */
    long heldBytes() {
        return heldBytes.get();
    }

    /** Waits until a call ends, at most timeoutMs; returns at once when nothing runs. */
    void awaitProgress(long timeoutMs) throws InterruptedException {
        synchronized (progress) {
            if (running > 0) {
                progress.wait(timeoutMs);
            }
        }
    }

    /** Waits until no call is queued or running, at most timeoutMs; true if idle. */
    boolean awaitIdle(long timeoutMs) {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMs);
        synchronized (progress) {
            while (running > 0) {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left <= 0) {
                    return false;
                }
                try {
                    progress.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
            return true;
        }
    }

    /** Waits for running calls at most timeoutMs, then abandons the rest (recovery cleans their leftovers). */
    void close(long timeoutMs) {
        if (executor.isShutdown()) {
            return;
        }
        if (!awaitIdle(timeoutMs)) {
            log.warn("S3 uploads still running after {} ms: abandoning them; their records were not committed and "
                    + "are written again after the next assignment", timeoutMs);
        }
        executor.shutdownNow();
        try {
            if (!executor.awaitTermination(5, TimeUnit.SECONDS)) {
                log.warn("S3 upload threads did not stop within 5 s");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        synchronized (progress) {
            // calls that never ran did not release their bytes
            closed = true;
            BufferBudget.release(heldBytes.getAndSet(0));
        }
    }
}
