package io.sluice.runtime.storage;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/** Turns a store write's future into a bounded, blocking call with a message that says what failed. */
final class StoreWrites {

    private StoreWrites() {
    }

    static void await(CompletableFuture<?> write, Duration timeout, String what) {
        await(write, timeout, timeout, what);
    }

    /** As {@link #await(CompletableFuture, Duration, String)}, waiting only what is left of the whole timeout. */
    static void await(CompletableFuture<?> write, Duration left, Duration timeout, String what) {
        try {
            write.get(left.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreException("Could not " + what + " within " + timeout + "; is Kafka reachable?", e);
        } catch (ExecutionException e) {
            String hint = e.getCause() instanceof org.apache.kafka.common.errors.TimeoutException ? "; is Kafka reachable?" : "";
            throw new StoreException("Could not " + what + ": " + e.getCause().getMessage() + hint, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while trying to " + what, e);
        }
    }
}
