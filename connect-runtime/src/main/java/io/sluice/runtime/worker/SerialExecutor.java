package io.sluice.runtime.worker;

import java.util.ArrayDeque;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs one connector's calls one after another, in the order they were asked for, on threads of the worker's
 * shared pool: a connector's calls never overlap, different connectors' run side by side, and an idle
 * connector holds no thread. A step may return a stage (waiting for its turn to start, say); the next step
 * begins once that stage completed, without a thread waiting for it.
 */
final class SerialExecutor {
    private static final Logger log = LoggerFactory.getLogger(SerialExecutor.class);
    private static final CompletableFuture<Void> DONE = CompletableFuture.completedFuture(null);

    private final Executor pool;
    private final String threadName;
    private final ArrayDeque<Supplier<? extends CompletionStage<?>>> steps = new ArrayDeque<>();
    private boolean active;

    /** @param threadName the name the pool thread carries while it runs a step, e.g. sluice-connector-orders */
    SerialExecutor(Executor pool, String threadName) {
        this.pool = pool;
        this.threadName = threadName;
    }

    /** Queues a step that is done when it returns. */
    void execute(Runnable step) {
        submit(() -> {
            step.run();
            return DONE;
        });
    }

    /** Queues a step that is done when the stage it returns completes. */
    void submit(Supplier<? extends CompletionStage<?>> step) {
        synchronized (steps) {
            steps.add(step);
            if (active) {
                return;
            }
            active = true;
        }
        pool.execute(this::drain);
    }

    /** Runs body on the pool under this executor's thread name, outside the queue (the continuation of a step). */
    Executor asStepThread() {
        return body -> pool.execute(() -> named(body));
    }

    private void drain() {
        while (true) {
            Supplier<? extends CompletionStage<?>> step;
            synchronized (steps) {
                step = steps.poll();
                if (step == null) {
                    active = false;
                    return;
                }
            }
            CompletableFuture<?> stage = named(step).toCompletableFuture();
            if (!stage.isDone()) {
                stage.whenComplete((result, error) -> pool.execute(this::drain));
                return;
            }
        }
    }

    private CompletionStage<?> named(Supplier<? extends CompletionStage<?>> step) {
        Thread thread = Thread.currentThread();
        String poolName = thread.getName();
        thread.setName(threadName);
        try {
            CompletionStage<?> stage = step.get();
            return stage == null ? DONE : stage;
        } catch (Throwable t) {
            log.error("A step of {} failed", threadName, t);
            return DONE;
        } finally {
            thread.setName(poolName);
        }
    }

    private void named(Runnable body) {
        named(() -> {
            body.run();
            return DONE;
        });
    }
}
