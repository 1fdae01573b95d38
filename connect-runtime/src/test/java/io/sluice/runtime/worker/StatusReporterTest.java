package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.storage.ConnectorStatus;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TaskStatus;
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
}
