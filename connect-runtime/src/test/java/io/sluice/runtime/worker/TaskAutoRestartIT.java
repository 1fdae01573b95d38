package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** task.auto.restart.*: a failed task comes back by itself after a backoff, as often as allowed. */
class TaskAutoRestartIT {
    private static final Duration WAIT = Duration.ofSeconds(60);
    private final MemoryStatusStore statuses = new MemoryStatusStore();
    private final Worker worker = TestWorkers.worker(new MemoryOffsetStore(), statuses, Map.of(
            "task.auto.restart.enable", "true",
            "task.auto.restart.backoff.initial.ms", "100",
            // also the run after which a failure counts from attempt 1 again: at 400 ms a task slowed by a loaded
            // machine (two test JVMs beside other builds) ran that long before failing and was restarted 22 times.
            // Two attempts wait 100 and 200 ms whatever the cap.
            "task.auto.restart.backoff.max.ms", "10000",
            "task.auto.restart.max.attempts", "2"));

    @AfterEach
    void close() {
        worker.close();
    }

    @Test
    void aTaskThatFailsTwiceIsRestartedUntilItRuns() {
        String name = TestWorkers.uniqueName("flaky");
        ConnectorTaskId id = start(name, Map.of("fail.first.polls", "2", "count", "50"));

        Await.until(() -> statuses.state(id) == State.RUNNING && TestSourceConnector.observed(name).starts.get() == 3
                && TestSourceConnector.observed(name).polls.get() > 3, WAIT, "running after two automatic restarts");
        assertEquals(3, TestSourceConnector.observed(name).starts.get(), "started once and restarted twice");
    }

    @Test
    void aTaskThatKeepsFailingIsLeftFailedWithTheReasonInItsStatus() {
        String name = TestWorkers.uniqueName("broken");
        ConnectorTaskId id = start(name, Map.of("fail.on.poll", "true"));

        Await.until(() -> statuses.state(id) == State.FAILED && statuses.get(id).trace().startsWith("Gave up"),
                WAIT, "given up after the attempts");
        String trace = statuses.get(id).trace();
        assertTrue(trace.startsWith("Gave up restarting automatically after 2 attempt(s)"), trace);
        assertTrue(trace.contains("IllegalStateException: poll failed on purpose"), "the failure's own trace follows");
        assertEquals(3, TestSourceConnector.observed(name).starts.get());
    }

    @Test
    void aFailedTaskStoppedBeforeItsRestartStaysStopped() {
        String name = TestWorkers.uniqueName("stopped");
        Worker slow = TestWorkers.worker(new MemoryOffsetStore(), statuses, Map.of(
                "task.auto.restart.enable", "true", "task.auto.restart.backoff.initial.ms", "2000"));
        try {
            ConnectorTaskId id = start(slow, name, Map.of("fail.on.poll", "true"));
            Await.until(() -> statuses.state(id) == State.FAILED
                    && statuses.get(id).trace().startsWith("Restarting automatically in 2000 ms (attempt 1 of 10)"),
                    WAIT, "a restart is announced in the status");
            slow.stopTasks(List.of(id));
            Await.until(() -> !slow.taskIds().contains(id), WAIT, "stopped");
            long deadline = System.currentTimeMillis() + 3_000;
            Await.until(() -> System.currentTimeMillis() > deadline || !slow.taskIds().isEmpty(), WAIT,
                    "the scheduled restart passes");
            assertTrue(slow.taskIds().isEmpty(), "the herder's stop wins over the scheduled restart");
            assertEquals(1, TestSourceConnector.observed(name).starts.get());
        } finally {
            slow.close();
        }
    }

    private ConnectorTaskId start(String name, Map<String, String> extra) {
        return start(worker, name, extra);
    }

    private static ConnectorTaskId start(Worker worker, String name, Map<String, String> extra) {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("restart"), 1);
        Map<String, String> config = new HashMap<>(Map.of("name", name, "tasks.max", "1", "topic", topic,
                "connector.class", TestSourceConnector.class.getName()));
        config.putAll(extra);
        TestWorkers.MadeTaskConfigs made = new TestWorkers.MadeTaskConfigs();
        worker.startConnector(name, config, TargetState.STARTED, made);
        ConnectorTaskId id = new ConnectorTaskId(name, 0);
        worker.startTask(new TaskSpec(id, config, made.next().get(0)), TargetState.STARTED);
        return id;
    }
}
