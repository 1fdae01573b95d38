package io.sluice.runtime.worker;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Bounds how many connector and task start()s run at once (start.parallelism), so a worker with a thousand
 * stored connectors does not start a thousand at the same instant, and watches each one: a start() still
 * running after start.timeout.ms is reported stuck, with the stack of the thread it is stuck on, and gives its
 * turn to the next, so a few connectors blocked on an unreachable system never hold the others back.
 */
final class StartGate {
    private final int parallelism;
    private final long timeoutMs;
    private final ScheduledExecutorService timer;
    private final java.util.concurrent.Executor reporter;
    private final ArrayDeque<CompletableFuture<Turn>> waiting = new ArrayDeque<>();
    private int taken;

    /** @param reporter where stuck reports are written: a status write may wait for Kafka, the timer must not */
    StartGate(int parallelism, long timeoutMs, ScheduledExecutorService timer, java.util.concurrent.Executor reporter) {
        this.parallelism = parallelism;
        this.timeoutMs = timeoutMs;
        this.timer = timer;
        this.reporter = reporter;
    }

    /** Completes with a turn once fewer than start.parallelism starts run; cancel it to leave the queue. */
    CompletableFuture<Turn> take() {
        CompletableFuture<Turn> turn = new CompletableFuture<>();
        synchronized (this) {
            if (taken >= parallelism) {
                waiting.add(turn);
                return turn;
            }
            taken++;
        }
        turn.complete(new Turn());
        return turn;
    }

    private void handOver() {
        while (true) {
            CompletableFuture<Turn> next;
            synchronized (this) {
                next = waiting.poll();
                if (next == null) {
                    taken--;
                    return;
                }
            }
            if (next.complete(new Turn())) {
                return; // a cancelled waiter (its connector or task was stopped meanwhile) is skipped
            }
        }
    }

    /** A blocking wait for a turn, for a thread of its own (a task's); another thread can call it off. */
    Wait waiter() {
        return new Wait();
    }

    /** See {@link #waiter()}. */
    final class Wait {
        private volatile boolean off;
        private volatile CompletableFuture<Turn> pending;

        /** Waits for a turn; null when called off (the task was stopped meanwhile). */
        Turn take() throws InterruptedException {
            if (off) {
                return null;
            }
            CompletableFuture<Turn> turn = StartGate.this.take();
            pending = turn;
            if (off) {
                turn.cancel(false);
            }
            try {
                return turn.get();
            } catch (java.util.concurrent.CancellationException calledOff) {
                return null;
            } catch (java.util.concurrent.ExecutionException impossible) {
                throw new IllegalStateException(impossible.getCause());
            } finally {
                pending = null;
            }
        }

        /** Ends any wait, now and later: the waiter gets no turn. */
        void callOff() {
            off = true;
            CompletableFuture<Turn> turn = pending;
            if (turn != null) {
                turn.cancel(false);
            }
        }
    }

    /** One start() in progress. */
    final class Turn {
        private boolean ended;
        private ScheduledFuture<?> watch;

        /**
         * Watches the start() that runs on thread: if it has not ended after start.timeout.ms, the turn goes to
         * the next start and stuck hears where the thread is, while the start goes on.
         */
        synchronized void watch(String what, Thread thread, Consumer<Throwable> stuck) {
            if (ended || watch != null) {
                return; // watched since the turn's first step (building the task, say)
            }
            watch = timer.schedule(() -> reporter.execute(() -> {
                synchronized (this) {
                    if (ended) {
                        return;
                    }
                    end();
                    stuck.accept(stuckAt(what, thread));
                }
            }), timeoutMs, TimeUnit.MILLISECONDS);
        }

        /**
         * The start() ended (returned, threw, or was given up). Returns whether it had been reported stuck; once
         * this returns, no stuck report is in progress, so the caller's next status write comes after it.
         */
        synchronized boolean end() {
            if (ended) {
                return true;
            }
            ended = true;
            if (watch != null) {
                watch.cancel(false);
            }
            handOver();
            return false;
        }
    }

    private ConnectException stuckAt(String what, Thread thread) {
        ConnectException stuck = new ConnectException(what + " did not return from start() within " + timeoutMs
                + " ms (start.timeout.ms); the stack below is where it is now. It goes on starting: it becomes RUNNING "
                + "if start() returns, or FAILED with its own error if start() throws. Until then check what it "
                + "connects to, or delete, stop or restart it.");
        stuck.setStackTrace(thread.getStackTrace());
        return stuck;
    }
}
