package io.sluice.runtime.worker;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle shared by source and sink tasks, run on the task's own thread ({@link TaskSlot}): start in the
 * target state when its turn at the {@link StartGate} comes, report every state change, and stop (or, past
 * the graceful timeout, cancel) on request.
 */
abstract class TaskRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    protected final ConnectorTaskId id;
    protected final ClassLoader loader;
    /** This run's own view of the status reporter: silenced when the run is given up. */
    protected final StatusReporter status;
    private volatile Thread thread;
    private final Object pauseMonitor = new Object();
    private volatile TargetState target;
    private volatile boolean stopping;
    private volatile boolean cancelled;
    private volatile StartGate.Wait startWait;

    TaskRunner(ConnectorTaskId id, ClassLoader loader, StatusReporter status, TargetState initial) {
        this.id = id;
        this.loader = loader;
        this.status = status;
        this.target = initial;
    }

    ConnectorTaskId id() {
        return id;
    }

    /** The gate whose turn the task waits for before its start(); without one it starts at once. */
    void startGate(StartGate gate) {
        this.startWait = gate.waiter();
        if (stopping) {
            startWait.callOff();
        }
    }

    /** Runs the task on the calling thread (its slot's) until it stops or fails. */
    @Override
    public final void run() {
        run(null);
    }

    /**
     * Runs the task on the calling thread (its slot's) until it stops or fails, starting it with turn, the turn
     * its slot took to build it, if the task is not to wait paused first (then it gives the turn back and takes
     * another once resumed).
     */
    final void run(StartGate.Turn built) {
        thread = Thread.currentThread();
        try (PluginScope scope = PluginScope.task(loader, id.connector(), id.task())) {
            boolean failed = false;
            boolean started = false;
            StartGate.Turn turn = built;
            try {
                if (target == TargetState.PAUSED) {
                    if (turn != null) {
                        turn.end();
                        turn = null;
                    }
                    status.task(id, State.PAUSED);
                    awaitUnpaused(Long.MAX_VALUE);
                }
                if (turn == null) {
                    turn = awaitTurn();
                }
                if (!stopping) {
                    started = true;
                    if (turn != null) {
                        turn.watch("Task " + id, thread, stuck -> status.taskStuck(id, stuck));
                    }
                    initializeAndStart();
                    if (turn != null) {
                        turn.end(); // after a stuck report, if any: RUNNING must come after it
                    }
                    status.task(id, target == TargetState.PAUSED ? State.PAUSED : State.RUNNING);
                    execute();
                }
            } catch (Throwable t) {
                failed = true;
                if (turn != null) {
                    turn.end();
                }
                if (!cancelled) {
                    status.taskFailed(id, t);
                }
            } finally {
                if (turn != null) {
                    turn.end();
                }
                try {
                    close(started, failed);
                } catch (Throwable t) {
                    closingThrew("failed to close cleanly", t);
                }
                if (!failed && !cancelled) {
                    status.taskStopped(id);
                }
            }
        }
    }

    /** Waits for this task's turn to start; null without a gate or when the task was stopped meanwhile. */
    private StartGate.Turn awaitTurn() throws InterruptedException {
        StartGate.Wait wait = startWait;
        return wait == null || stopping ? null : wait.take();
    }

    /** Creates clients and plugin instances, calls the task's initialize and start. */
    protected abstract void initializeAndStart();

    /** The task loop; returns once {@link #isStopping()}; a throw fails the task. */
    protected abstract void execute();

    /** Releases everything; started tells whether the task's start() was attempted. */
    protected abstract void close(boolean started, boolean failed);

    /** Called on the caller's thread after the target state changed. */
    protected void onTargetStateChange(TargetState state) {
    }

    /** Called on the caller's thread when a stop is requested, to wake a blocked loop. */
    protected void onStopRequested() {
    }

    final void transitionTo(TargetState state) {
        target = state;
        synchronized (pauseMonitor) {
            pauseMonitor.notifyAll();
        }
        onTargetStateChange(state);
    }

    final TargetState targetState() {
        return target;
    }

    final boolean isStopping() {
        return stopping;
    }

    final boolean isCancelled() {
        return cancelled;
    }

    /** Asks the task to stop; idempotent and non-blocking. */
    final void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        StartGate.Wait wait = startWait;
        if (wait != null) {
            wait.callOff();
        }
        synchronized (pauseMonitor) {
            pauseMonitor.notifyAll();
        }
        onStopRequested();
    }

    /** Gives up on a task that did not stop in time: no further status or offsets from it, and its thread is interrupted. */
    final void cancel() {
        cancelled = true;
        status.silence();
        log.warn("{} did not stop within the graceful shutdown timeout; cancelling it", this);
        Thread running = thread;
        if (running != null) {
            running.interrupt();
        }
    }

    /**
     * Logs what a step of closing the task threw: with its stack trace, unless the task was cancelled. A cancelled
     * task's thread was interrupted in the middle of whatever it did, so its clients and plugin throw as expected
     * (Kafka's InterruptException, a driver's I/O error): the cancellation's WARN says it once, these are one INFO
     * line each.
     */
    protected final void closingThrew(String what, Throwable t) {
        if (cancelled) {
            log.info("{} {} once cancelled: {}", this, what, t.toString());
        } else {
            log.warn("{} {}", this, what, t);
        }
    }

    /** Blocks while the target is PAUSED, at most maxWaitMs; true when it is no longer paused. */
    protected final boolean awaitUnpaused(long maxWaitMs) {
        long deadline = maxWaitMs == Long.MAX_VALUE ? Long.MAX_VALUE : System.currentTimeMillis() + maxWaitMs;
        synchronized (pauseMonitor) {
            while (target == TargetState.PAUSED && !stopping) {
                long left = deadline == Long.MAX_VALUE ? 0 : deadline - System.currentTimeMillis();
                if (deadline != Long.MAX_VALUE && left <= 0) {
                    return false;
                }
                try {
                    pauseMonitor.wait(left);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return false;
                }
            }
        }
        return target != TargetState.PAUSED;
    }

    @Override
    public String toString() {
        return getClass().getSimpleName() + "{" + id + "}";
    }
}
