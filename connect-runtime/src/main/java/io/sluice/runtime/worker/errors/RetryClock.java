package io.sluice.runtime.worker.errors;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * Time as the retry loop sees it: a clock and a sleep that a stop request cuts short. Tests pass
 * a fake so backoff timing is checked without sleeping.
 */
interface RetryClock {

    long milliseconds();

    /** Sleeps up to {@code ms}; returns false when woken early by a stop request or an interrupt. */
    boolean sleep(long ms);

    /** Wakes any sleeper now and makes later sleeps return false at once. */
    void stop();

    /** The wall clock, with a latch so stopping a task ends a long (or infinite) retry at once. */
    static RetryClock system() {
        return new RetryClock() {
            private final CountDownLatch stopped = new CountDownLatch(1);

            @Override
            public long milliseconds() {
                return System.currentTimeMillis();
            }

            @Override
            public boolean sleep(long ms) {
                try {
                    return !stopped.await(ms, TimeUnit.MILLISECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }

            @Override
            public void stop() {
                stopped.countDown();
            }
        };
    }
}
