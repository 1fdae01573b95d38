package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.storage.ClusterConfigState;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class TaskSpecTest {

    private static final Map<String, String> CONNECTOR = Map.of("name", "c", "connector.class", "X");
    private static final ClusterConfigState SNAPSHOT = new ClusterConfigState(3, Map.of("c", CONNECTOR), Map.of(),
            Map.of("c", List.of(Map.of("t", "0"), Map.of("t", "1"))), Map.of());

    @Test
    void aStoredTaskRunsWithItsConnectorConfigAndItsOwnTaskConfig() {
        ConnectorTaskId id = new ConnectorTaskId("c", 1);
        assertEquals(Optional.of(new TaskSpec(id, CONNECTOR, Map.of("t", "1"))), TaskSpec.in(SNAPSHOT, id));
    }

    @Test
    void aTaskBeyondTheStoredTaskConfigsHasNoSpec() {
        assertTrue(TaskSpec.in(SNAPSHOT, new ConnectorTaskId("c", 2)).isEmpty());
    }

    @Test
    void aTaskOfADeletedConnectorHasNoSpecEvenWithTaskConfigsLeft() {
        ClusterConfigState deleted = new ClusterConfigState(4, Map.of(), Map.of(), SNAPSHOT.taskConfigs(), Map.of());
        assertTrue(TaskSpec.in(deleted, new ConnectorTaskId("c", 0)).isEmpty());
    }

    @Test
    void aChangedConnectorConfigMakesADifferentSpecSoTheTaskIsRestarted() {
        ConnectorTaskId id = new ConnectorTaskId("c", 0);
        Map<String, String> changed = Map.of("name", "c", "connector.class", "X", "tasks.max", "2");
        ClusterConfigState after = new ClusterConfigState(5, Map.of("c", changed), Map.of(), SNAPSHOT.taskConfigs(), Map.of());
        assertNotEquals(TaskSpec.in(SNAPSHOT, id), TaskSpec.in(after, id));
        assertEquals(TaskSpec.in(SNAPSHOT, id), TaskSpec.in(new ClusterConfigState(9, Map.of("c", CONNECTOR), Map.of(),
                SNAPSHOT.taskConfigs(), Map.of()), id));
    }
}
