package io.sluice.runtime.worker;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * One run of a task on this worker, on its own thread ({@code sluice-task-<connector>-<n>}): the thread waits
 * until the runs of its connector's tasks that are stopping on this worker have ended (or were given up after the
 * graceful timeout), so two runs of a task, or of two tasks that a reconfiguration handed a source partition
 * between, never overlap here; then it builds the task and runs it. The herder's thread only asks: starting,
 * pausing and stopping a task never waits for the task.
 */
final class TaskSlot {
    private final ConnectorTaskId id;
    private final TaskSpec spec;
    private final StatusReporter status;
    private final StartGate.Wait startWait;
    private final Thread thread;
    private final CompletableFuture<Void> ended = new CompletableFuture<>();
    private volatile TargetState target;
    private volatile TaskRunner runner;
    private volatile boolean stopping;
    private volatile boolean cancelled;

    /**
     * @param spec     the configs it runs with (an automatic restart reuses them)
     * @param status   this run's own view of the status reporter
     * @param previous completes when the connector's stopping task runs ended; waited for at most previousWaitMs
     * @param build    builds the task's runner; a throw fails the task
     */
    TaskSlot(TaskSpec spec, TargetState target, StatusReporter status, StartGate gate, CompletableFuture<Void> previous,
             long previousWaitMs, Supplier<TaskRunner> build, Runnable onEnded) {
        this.id = spec.id();
        this.spec = spec;
        this.target = target;
        this.status = status;
        this.startWait = gate.waiter();
        this.thread = new Thread(() -> {
            try {
                run(previous, previousWaitMs, build);
            } finally {
                ended.complete(null);
                onEnded.run();
            }
        }, "sluice-task-" + id.connector() + "-" + id.task());
    }

    void start() {
        thread.start();
    }

    ConnectorTaskId id() {
        return id;
    }

    TaskSpec spec() {
        return spec;
    }

    TargetState targetState() {
        return target;
    }

    /** Whether the task was built (its metrics registered) in this run. */
    boolean built() {
        return runner != null;
    }

    /** Completes when the task's thread has ended. */
    CompletableFuture<Void> ended() {
        return ended;
    }

    private void run(CompletableFuture<Void> previous, long previousWaitMs, Supplier<TaskRunner> build) {
        if (previous != null && !previous.isDone()) {
            try {
                previous.get(previousWaitMs, TimeUnit.MILLISECONDS);
            } catch (TimeoutException | ExecutionException e) {
                // the previous run was given up on: it reports nothing more, so this one goes ahead
            } catch (InterruptedException e) {
                return; // cancelled before it began
            }
        }
        StartGate.Turn turn;
        try {
            turn = startWait.take(); // building a task (its converters, its clients) takes a turn too
        } catch (InterruptedException e) {
            return;
        }
        if (turn == null || stopping) {
            if (turn != null) {
                turn.end();
            }
            return;
        }
        TaskRunner built;
        try {
            turn.watch("Task " + id, Thread.currentThread(), stuck -> status.taskStuck(id, stuck));
            built = build.get();
        } catch (Throwable t) {
            turn.end();
            status.taskFailed(id, t);
            return;
        }
        synchronized (this) {
            runner = built;
            if (built.targetState() != target) {
                built.transitionTo(target);
            }
            if (stopping) {
                built.stop();
            }
            if (cancelled) {
                built.cancel();
            }
        }
        built.run(turn);
    }

    /** Pauses or resumes the task. */
    synchronized void transitionTo(TargetState next) {
        target = next;
        TaskRunner current = runner;
        if (current != null) {
            current.transitionTo(next);
        }
    }

    /** Asks the task to stop, quietly when it is being deleted (it reports nothing more); returns at once. */
    synchronized CompletableFuture<Void> stop(boolean quietly) {
        stopping = true;
        startWait.callOff();
        if (quietly) {
            status.silence();
        }
        TaskRunner current = runner;
        if (current != null) {
            current.stop();
        }
        return ended;
    }

    /**
     * Gives up on a task that did not stop within the graceful timeout: UNASSIGNED, then it reports and commits
     * nothing more.
     */
    synchronized void cancel() {
        if (ended.isDone()) {
            return;
        }
        cancelled = true;
        // it no longer runs here, whatever its thread still does: said once (tryout16: a cancelled task answered
        // RUNNING on its worker for good), by the safe write that never hides a newer owner's report
        status.taskStopped(id);
        status.silence();
        TaskRunner current = runner;
        if (current != null) {
            current.cancel();
        } else {
            thread.interrupt();
        }
    }
}
