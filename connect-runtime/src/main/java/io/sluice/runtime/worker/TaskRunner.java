package io.sluice.runtime.worker;

import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifecycle shared by source and sink tasks: one named thread per task, start in the target
 * state, report every state change, and stop (or, past the graceful timeout, cancel) on request.
 */
abstract class TaskRunner implements Runnable {
    private static final Logger log = LoggerFactory.getLogger(TaskRunner.class);

    protected final ConnectorTaskId id;
    protected final ClassLoader loader;
    protected final StatusReporter status;
    private final Thread thread;
    private final Object pauseMonitor = new Object();
    private volatile TargetState target;
    private volatile boolean stopping;
    private volatile boolean cancelled;

    TaskRunner(ConnectorTaskId id, ClassLoader loader, StatusReporter status, TargetState initial) {
        this.id = id;
        this.loader = loader;
        this.status = status;
        this.target = initial;
        this.thread = new Thread(this, "sluice-task-" + id.connector() + "-" + id.task());
    }

    ConnectorTaskId id() {
        return id;
    }

    void start() {
        thread.start();
    }

    @Override
    public final void run() {
        try (PluginScope scope = PluginScope.task(loader, id.connector(), id.task())) {
            boolean failed = false;
            boolean started = false;
            try {
                if (target == TargetState.PAUSED) {
                    status.task(id, State.PAUSED);
                    awaitUnpaused(Long.MAX_VALUE);
                }
                if (!stopping) {
                    started = true;
                    initializeAndStart();
                    status.task(id, target == TargetState.PAUSED ? State.PAUSED : State.RUNNING);
                    execute();
                }
            } catch (Throwable t) {
                failed = true;
                if (!cancelled) {
                    status.taskFailed(id, t);
                }
            } finally {
                try {
                    close(started, failed);
                } catch (Throwable t) {
                    log.warn("{} failed to close cleanly", this, t);
                }
                if (!failed && !cancelled) {
                    status.taskStopped(id);
                }
            }
        }
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
        synchronized (pauseMonitor) {
            pauseMonitor.notifyAll();
        }
        onStopRequested();
    }

    /** Waits for the task thread to end; true if it did within the time. */
    final boolean awaitStop(long timeoutMs) {
        try {
            thread.join(Math.max(1, timeoutMs));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return !thread.isAlive();
    }

    /** Gives up on a task that did not stop in time: no further status or offsets from it, and its thread is interrupted. */
    final void cancel() {
        cancelled = true;
        log.warn("{} did not stop within the graceful shutdown timeout; cancelling it", this);
        thread.interrupt();
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
