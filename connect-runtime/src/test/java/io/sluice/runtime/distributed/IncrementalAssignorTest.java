package io.sluice.runtime.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.storage.ClusterConfigState;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class IncrementalAssignorTest {
    private static final long DELAY = 15_000;

    /** Connectors a, b, c with 3, 3 and 3 tasks. */
    private final ClusterConfigState config = config(Map.of("a", 3, "b", 3, "c", 3));

    @Test
    void firstAssignmentSpreadsConnectorsAndTasksEvenly() {
        IncrementalAssignor assignor = new IncrementalAssignor(DELAY);
        Map<String, Assignment> result = assignor.assign("m1", members(idle("m1"), idle("m2"), idle("m3")), config, 0);

        for (Assignment a : result.values()) {
            assertEquals(1, a.connectors().size());
            assertEquals(3, a.tasks().size());
            assertEquals("http://m1", a.leaderUrl());
            assertEquals(0, a.delayMs());
        }
        assertEverythingOnce(result);
    }

    @Test
    void joiningWorkerTakesOnlyTheExcessAfterRevocationsComeFirst() {
        IncrementalAssignor assignor = new IncrementalAssignor(DELAY);
        Map<String, Assignment> two = assignor.assign("m1", members(idle("m1"), idle("m2")), config, 0);

        // m3 joins: the others keep all but their excess, which nobody gets in this round
        Map<String, Assignment> revoking = assignor.assign("m1",
                members(running("m1", two.get("m1")), running("m2", two.get("m2")), idle("m3")), config, 1);
        assertTrue(revoking.get("m3").tasks().isEmpty(), "nothing runs twice: revoked tasks wait a round");
        assertTrue(two.get("m1").tasks().containsAll(revoking.get("m1").tasks()), "m1 keeps a subset");
        assertTrue(two.get("m2").tasks().containsAll(revoking.get("m2").tasks()), "m2 keeps a subset");
        assertEquals(6, revoking.get("m1").tasks().size() + revoking.get("m2").tasks().size());

        // the follow-up round, once m1 and m2 stopped their excess, hands it to m3
        Map<String, Assignment> balanced = assignor.assign("m1", members(running("m1", revoking.get("m1")),
                running("m2", revoking.get("m2")), idle("m3")), config, 2);
        assertEquals(revoking.get("m1").tasks(), balanced.get("m1").tasks(), "what stayed keeps running");
        assertEquals(revoking.get("m2").tasks(), balanced.get("m2").tasks(), "what stayed keeps running");
        assertEquals(3, balanced.get("m3").tasks().size());
        assertEquals(1, balanced.get("m3").connectors().size());
        assertEverythingOnce(balanced);
    }

    @Test
    void departedWorkersShareWaitsForTheDelayThenGoesToTheSurvivors() {
        IncrementalAssignor assignor = new IncrementalAssignor(DELAY);
        Map<String, Assignment> three = assignor.assign("m1", members(idle("m1"), idle("m2"), idle("m3")), config, 0);

        Map<String, Assignment> held = assignor.assign("m1",
                members(running("m1", three.get("m1")), running("m2", three.get("m2"))), config, 1_000);
        assertEquals(three.get("m1").tasks(), held.get("m1").tasks(), "survivors keep what they had");
        assertEquals(three.get("m2").tasks(), held.get("m2").tasks());
        assertEquals(DELAY, held.get("m1").delayMs());

        Map<String, Assignment> stillHeld = assignor.assign("m1",
                members(running("m1", held.get("m1")), running("m2", held.get("m2"))), config, 11_000);
        assertEquals(5_000, stillHeld.get("m1").delayMs(), "the deadline does not move with other rebalances");
        assertEquals(held.get("m1").tasks(), stillHeld.get("m1").tasks());

        Map<String, Assignment> reassigned = assignor.assign("m1",
                members(running("m1", stillHeld.get("m1")), running("m2", stillHeld.get("m2"))), config, 16_000);
        assertEquals(0, reassigned.get("m1").delayMs());
        assertTrue(reassigned.get("m1").tasks().containsAll(three.get("m1").tasks()), "nothing moved that ran");
        assertTrue(reassigned.get("m2").tasks().containsAll(three.get("m2").tasks()), "nothing moved that ran");
        assertEverythingOnce(reassigned);
    }

    @Test
    void zeroDelayReassignsAtOnce() {
        IncrementalAssignor assignor = new IncrementalAssignor(0);
        Map<String, Assignment> two = assignor.assign("m1", members(idle("m1"), idle("m2")), config, 0);
        Map<String, Assignment> one = assignor.assign("m1", members(running("m1", two.get("m1"))), config, 1);
        assertEquals(9, one.get("m1").tasks().size());
        assertEquals(3, one.get("m1").connectors().size());
    }

    @Test
    void aTaskTwoWorkersClaimStaysWithOneAndDeletedWorkIsDropped() {
        IncrementalAssignor assignor = new IncrementalAssignor(DELAY);
        ConnectorTaskId shared = new ConnectorTaskId("a", 0);
        ConnectorTaskId deleted = new ConnectorTaskId("gone", 0);
        Map<String, Assignment> result = assignor.assign("m1", members(
                new MemberMetadata("http://m1", 0, Set.of("gone"), Set.of(shared, deleted)),
                new MemberMetadata("http://m2", 0, Set.of(), Set.of(shared))), config, 0);
        assertTrue(result.get("m1").tasks().contains(shared) ^ result.get("m2").tasks().contains(shared));
        assertTrue(result.values().stream().noneMatch(a -> a.tasks().contains(deleted) || a.connectors().contains("gone")));
        assertEverythingOnce(result);
    }

    @Test
    void everyWorkerLearnsWhoRunsWhat() {
        IncrementalAssignor assignor = new IncrementalAssignor(DELAY);
        Map<String, Assignment> result = assignor.assign("m2", members(idle("m1"), idle("m2")), config, 0);
        Assignment any = result.get("m1");
        for (Map.Entry<String, Assignment> entry : result.entrySet()) {
            for (ConnectorTaskId task : entry.getValue().tasks()) {
                assertEquals("http://" + entry.getKey(), any.ownerUrl(task));
            }
        }
        assertEquals("http://m2", any.leaderUrl());
    }

    private static void assertEverythingOnce(Map<String, Assignment> result) {
        List<ConnectorTaskId> tasks = new ArrayList<>();
        List<String> connectors = new ArrayList<>();
        result.values().forEach(a -> {
            tasks.addAll(a.tasks());
            connectors.addAll(a.connectors());
        });
        assertEquals(9, new HashSet<>(tasks).size());
        assertEquals(9, tasks.size(), "no task twice");
        assertEquals(List.of("a", "b", "c"), connectors.stream().sorted().toList());
    }

    private static MemberMetadata idle(String member) {
        return new MemberMetadata("http://" + member, 0, Set.of(), Set.of());
    }

    private static MemberMetadata running(String member, Assignment assignment) {
        return new MemberMetadata("http://" + member, 0, assignment.connectors(), assignment.tasks());
    }

    private static Map<String, MemberMetadata> members(MemberMetadata... members) {
        Map<String, MemberMetadata> result = new HashMap<>();
        for (MemberMetadata m : members) {
            result.put(m.url().substring("http://".length()), m);
        }
        return result;
    }

    private static ClusterConfigState config(Map<String, Integer> tasksPerConnector) {
        Map<String, Map<String, String>> connectors = new HashMap<>();
        Map<String, List<Map<String, String>>> tasks = new HashMap<>();
        tasksPerConnector.forEach((name, count) -> {
            connectors.put(name, Map.of("name", name));
            tasks.put(name, Collections.nCopies(count, Map.of("task", name)));
        });
        return new ClusterConfigState(10, connectors, Map.of(), tasks, Map.of());
    }
}
