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
        try {
            write.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreException("Could not " + what + " within " + timeout + "; is Kafka reachable?", e);
        } catch (ExecutionException e) {
            throw new StoreException("Could not " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while trying to " + what, e);
        }
    }
}
