package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.TaskStatus;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusReporterTest {
    private final MemoryStatusStore store = new MemoryStatusStore();
    private final ConnectorTaskId task = new ConnectorTaskId("c", 0);

    @Test
    void aWorkerStoppingATaskANewerGenerationRunsElsewhereLeavesItsStatusAlone() {
        store.put(new TaskStatus(task, State.RUNNING, null, "b:8083", 5));
        store.put(new ConnectorStatus("c", State.RUNNING, null, "b:8083", 5));

        StatusReporter lateZombie = new StatusReporter("a:8083", store, () -> 4);
        lateZombie.taskStopped(task);
        lateZombie.connectorStopped("c");

        assertEquals(new TaskStatus(task, State.RUNNING, null, "b:8083", 5), store.get(task));
        assertEquals("b:8083", store.get("c").workerId());
    }

    @Test
    void aWorkerStoppingItsOwnTaskOrOneOfAnOlderGenerationReportsItUnassigned() {
        store.put(new TaskStatus(task, State.RUNNING, null, "a:8083", 7));
        new StatusReporter("a:8083", store, () -> 7).taskStopped(task);
        assertEquals(State.UNASSIGNED, store.get(task).state());

        store.put(new TaskStatus(task, State.RUNNING, null, "b:8083", 5));
        new StatusReporter("a:8083", store, () -> 6).taskStopped(task);
        assertEquals(new TaskStatus(task, State.UNASSIGNED, null, "a:8083", 6), store.get(task));
    }

    @Test
    void aFailedTasksTraceNeverHoldsASecretOfItsConnectorsConfig() {
        StatusReporter reporter = new StatusReporter("a:8083", store, () -> 1);
        SecretKeys keys = new SecretKeys(null);
        Map<String, String> config = Map.of("connection.url", "jdbc:postgresql://h/db?password=p4ss-Url",
                "connection.password", "Wh0le-Secret");
        reporter.connectorSecrets("c", keys.secretValues(config, config));
        String[] heard = new String[1];
        reporter.onTaskFailure((id, trace) -> heard[0] = trace);

        reporter.taskFailed(task, new IllegalStateException("Unable to parse URL jdbc:postgresql://h/db?password=p4ss-Url",
                new RuntimeException("login as Wh0le-Secret refused")));
        reporter.connectorFailed("c", new IllegalStateException("Wh0le-Secret"));

        for (String trace : new String[] {store.get(task).trace(), store.get("c").trace(), heard[0]}) {
            assertFalse(trace.contains("p4ss-Url") || trace.contains("Wh0le-Secret"), trace);
            assertTrue(trace.contains("password=[hidden]") || trace.contains("IllegalStateException: [hidden]"), trace);
        }
    }
}
