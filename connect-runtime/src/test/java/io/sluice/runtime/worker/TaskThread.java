package io.sluice.runtime.worker;

import io.sluice.runtime.model.State;
import io.sluice.runtime.testing.Await;
import java.time.Duration;

/** A task runner on a thread of its own, as a worker's task slot runs it: for unit tests of the task loops. */
final class TaskThread {
    private final TaskRunner runner;
    private final Thread thread;

    private TaskThread(TaskRunner runner) {
        this.runner = runner;
        this.thread = new Thread(runner, "sluice-task-" + runner.id.connector() + "-" + runner.id.task());
    }

    /** Starts the runner and returns once its task reports RUNNING. */
    static TaskThread start(TaskRunner runner, MemoryStatusStore statuses, Duration wait) {
        TaskThread started = new TaskThread(runner);
        started.thread.start();
        Await.until(() -> statuses.state(runner.id) == State.RUNNING, wait, "task running");
        return started;
    }

    /** Asks the runner to stop and waits for its thread to end. */
    void stop(Duration wait) {
        runner.stop();
        awaitEnded(wait);
    }

    void awaitEnded(Duration wait) {
        Await.until(() -> !thread.isAlive(), wait, "task thread ended");
    }

    /** Whether the thread is parked (waiting for a target state change, say), not polling. */
    boolean waiting() {
        Thread.State state = thread.getState();
        return state == Thread.State.WAITING || state == Thread.State.TIMED_WAITING;
    }
}
