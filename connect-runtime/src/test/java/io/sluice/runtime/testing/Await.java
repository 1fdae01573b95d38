package io.sluice.runtime.testing;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/** Waits for a condition with a deadline: the test suite's replacement for sleeping. */
public final class Await {

    private static final long POLL_MILLIS = 20;

    private Await() {
    }

    /** Polls condition until it holds; fails with message if it does not within timeout. */
    public static void until(BooleanSupplier condition, Duration timeout, String message) {
        until(condition, timeout, () -> message);
    }

    /** Like {@link #until(BooleanSupplier, Duration, String)}, the message built on time-out (e.g. a status then). */
    public static void until(BooleanSupplier condition, Duration timeout, Supplier<String> message) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (!condition.getAsBoolean()) {
            if (System.nanoTime() > deadline) {
                throw new AssertionError("Timed out after " + timeout + ": " + message.get());
            }
            try {
                Thread.sleep(POLL_MILLIS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError("Interrupted while waiting: " + message.get(), e);
            }
        }
    }
}
