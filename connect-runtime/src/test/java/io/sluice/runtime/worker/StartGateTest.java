package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class StartGateTest {
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopTimer() {
        timer.shutdownNow();
    }

    @Test
    void noMoreStartsRunAtOnceThanStartParallelismAndTheNextGoesWhenOneEnds() throws Exception {
        StartGate gate = new StartGate(2, 60_000, timer, Runnable::run);
        StartGate.Turn first = gate.take().get(1, TimeUnit.SECONDS);
        StartGate.Turn second = gate.take().get(1, TimeUnit.SECONDS);
        CompletableFuture<StartGate.Turn> third = gate.take();
        CompletableFuture<StartGate.Turn> fourth = gate.take();
        assertFalse(third.isDone(), "a third start waits its turn");

        fourth.cancel(false); // its task was stopped meanwhile: it leaves the queue
        assertFalse(first.end(), "ended normally, not reported stuck");
        assertNotNull(third.get(1, TimeUnit.SECONDS));
        second.end();
        CompletableFuture<StartGate.Turn> fifth = gate.take();
        assertTrue(fifth.isDone(), "the cancelled waiter did not take the freed turn");
    }

    @Test
    void aStartStuckPastTheTimeoutIsReportedWithWhereItIsAndGivesItsTurnToTheNext() throws Exception {
        StartGate gate = new StartGate(1, 200, timer, Runnable::run);
        CountDownLatch release = new CountDownLatch(1);
        AtomicReference<Throwable> reported = new AtomicReference<>();
        Thread stuck = new Thread(() -> {
            try {
                release.await(); // the connector's start(), waiting on its database
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "stuck-start");
        stuck.start();
        StartGate.Turn turn = gate.take().get(1, TimeUnit.SECONDS);
        turn.watch("Connector stuck", stuck, reported::set);
        CompletableFuture<StartGate.Turn> next = gate.take();

        Await.until(() -> reported.get() != null, Duration.ofSeconds(10), "reported stuck");
        assertTrue(reported.get().getMessage().startsWith("Connector stuck did not return from start() within 200 ms"));
        assertTrue(java.util.Arrays.stream(reported.get().getStackTrace())
                .anyMatch(frame -> frame.getClassName().equals(CountDownLatch.class.getName())),
                "the trace is the stack of the stuck thread, where it waits");
        assertNotNull(next.get(1, TimeUnit.SECONDS), "the next start did not wait for the stuck one");
        release.countDown();
        stuck.join();
        assertTrue(turn.end(), "the start that returned late learns it was reported stuck");
    }
}
