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
            throw failure(e, timeout, what);
        } catch (ExecutionException e) {
            throw failure(e.getCause(), timeout, what);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while trying to " + what, e);
        }
    }

    /** The error a caller sees when a write failed or did not complete within the timeout. */
    static StoreException failure(Throwable cause, Duration timeout, String what) {
        if (cause instanceof StoreException known) {
            return known;
        }
        if (cause instanceof TimeoutException) {
            return new StoreException("Could not " + what + " within " + seconds(timeout) + "; is Kafka reachable?", cause);
        }
        String hint = cause instanceof org.apache.kafka.common.errors.TimeoutException ? "; is Kafka reachable?" : "";
        String why = String.valueOf(cause.getMessage());
        if (!hint.isEmpty() && why.endsWith(".")) {
            why = why.substring(0, why.length() - 1); // Kafka's "... after 30000 ms." then "; is Kafka reachable?"
        }
        return new StoreException("Could not " + what + ": " + why + hint, cause);
    }

    /** A timeout as a user reads it ("15 s", "1.5 s"), not Duration's "PT15S". */
    static String seconds(Duration d) {
        long ms = d.toMillis();
        return (ms % 1000 == 0 ? String.valueOf(ms / 1000) : String.valueOf(ms / 1000.0)) + " s";
    }
}
