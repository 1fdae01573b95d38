package io.sluice.runtime.distributed;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
import io.sluice.runtime.model.ConnectorTaskId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.runtime.distributed.ExtendedAssignment;
import org.apache.kafka.connect.runtime.distributed.ExtendedWorkerState;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeConnectProtocol;
import org.junit.jupiter.api.Test;

/**
 * A Sluice worker speaks Apache's 'sessioned' and 'compatible' group protocols: what it sends parses with
 * Apache's own deserializers as Apache's workers send it, and what Apache's workers send means the same to it.
 */
class ApacheConnectProtocolTest {
    private static final ConnectorTaskId T0 = new ConnectorTaskId("orders", 0);
    private static final ConnectorTaskId T1 = new ConnectorTaskId("orders", 1);
    private static final ConnectorTaskId T2 = new ConnectorTaskId("orders", 2);

    @Test
    void joinMetadataReportsWhatTheWorkerIsAssignedWithApachesConfigPosition() {
        Assignment current = new Assignment("leader-1", "http://10.0.0.1:8083/", 40, Set.of("orders"), Set.of(T0, T1), 0,
                List.of());
        ByteBuffer bytes = ApacheConnectProtocol.metadata(new MemberMetadata("http://10.0.0.2:8083/", 41, Set.of(), Set.of()),
                current, true);
        ExtendedWorkerState apache = IncrementalCooperativeConnectProtocol.deserializeMetadata(bytes);
        assertEquals("http://10.0.0.2:8083/", apache.url());
        assertEquals(42, apache.offset(), "Apache's position is the offset after the last record read");
        assertEquals(List.of("orders"), List.copyOf(apache.assignment().connectors()));
        assertEquals(Set.of(apacheTask(T0), apacheTask(T1)), Set.copyOf(apache.assignment().tasks()));
        assertEquals(IncrementalCooperativeConnectProtocol.CONNECT_PROTOCOL_V2, apache.assignment().version());
    }

    @Test
    void aNewWorkerReportsNoAssignment() {
        ByteBuffer bytes = ApacheConnectProtocol.metadata(new MemberMetadata("http://w:8083/", -1, Set.of(), Set.of()),
                null, false);
        ExtendedWorkerState apache = IncrementalCooperativeConnectProtocol.deserializeMetadata(bytes);
        assertEquals(0, apache.offset());
        assertTrue(apache.assignment().connectors().isEmpty() && apache.assignment().tasks().isEmpty());
    }

    @Test
    void apacheWorkersMetadataReadsAsWhatTheyRun() {
        ExtendedAssignment owned = new ExtendedAssignment(IncrementalCooperativeConnectProtocol.CONNECT_PROTOCOL_V2,
                (short) 0, "leader-1", "http://10.0.0.1:8083/", 12, new ArrayList<>(List.of("orders")),
                new ArrayList<>(List.of(apacheTask(T2))), new ArrayList<>(), new ArrayList<>(), 0);
        ByteBuffer bytes = IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState("http://10.0.0.3:8083/", 13, owned), true);
        assertEquals(new MemberMetadata("http://10.0.0.3:8083/", 12, Set.of("orders"), Set.of(T2)),
                ApacheConnectProtocol.parseMetadata(bytes));
        ByteBuffer fresh = IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState("http://10.0.0.4:8083/", 13, null), true);
        assertEquals(new MemberMetadata("http://10.0.0.4:8083/", 12, Set.of(), Set.of()), ApacheConnectProtocol.parseMetadata(fresh));
    }

    @Test
    void theLeaderTellsEachMemberWhatItGainsAndGivesUpNotWhatItKeeps() {
        Assignment share = new Assignment("leader-1", "http://10.0.0.1:8083/", 20, Set.of("orders"), Set.of(T0, T1), 3000,
                List.of());
        MemberMetadata reported = new MemberMetadata("http://10.0.0.2:8083/", 20, Set.of("payments"), Set.of(T1, T2));
        ExtendedAssignment apache = IncrementalCooperativeConnectProtocol.deserializeAssignment(
                ApacheConnectProtocol.assignment(share, reported, true));
        assertEquals(List.of("orders"), List.copyOf(apache.connectors()));
        assertEquals(List.of(apacheTask(T0)), List.copyOf(apache.tasks()));
        assertEquals(List.of("payments"), List.copyOf(apache.revokedConnectors()));
        assertEquals(List.of(apacheTask(T2)), List.copyOf(apache.revokedTasks()));
        assertEquals("leader-1", apache.leader());
        assertEquals("http://10.0.0.1:8083/", apache.leaderUrl());
        assertEquals(21, apache.offset());
        assertEquals(3000, apache.delay());
        assertEquals(false, apache.failed());
    }

    @Test
    void aMemberRunsWhatItHadLessWhatIsRevokedPlusWhatItGains() {
        ExtendedAssignment fromApache = new ExtendedAssignment(IncrementalCooperativeConnectProtocol.CONNECT_PROTOCOL_V2,
                (short) 0, "leader-2", "http://10.0.0.5:8083/", 31, new ArrayList<>(List.of("payments")),
                new ArrayList<>(List.of(apacheTask(T2))), new ArrayList<>(List.of("orders")),
                new ArrayList<>(List.of(apacheTask(T0))), 5000);
        ApacheConnectProtocol.Received received = ApacheConnectProtocol.parseAssignment(
                IncrementalCooperativeConnectProtocol.serializeAssignment(fromApache, true));
        Assignment previous = new Assignment("leader-1", "http://10.0.0.1:8083/", 20, Set.of("orders"), Set.of(T0, T1), 0,
                List.of());
        Assignment now = received.resolve(previous, List.of());
        assertEquals(Set.of("payments"), now.connectors());
        assertEquals(new TreeSet<>(Set.of(T1, T2)), new TreeSet<>(now.tasks()));
        assertEquals("leader-2", now.leaderId());
        assertEquals("http://10.0.0.5:8083/", now.leaderUrl());
        assertEquals(30, now.configOffset());
        assertEquals(5000, now.delayMs());
        assertEquals(Set.of(T2), received.resolve(null, List.of()).tasks(), "a new member has only what it gains");
    }

    @Test
    void aLeaderBehindTheMembersConfigMakesEveryoneReadOnAndRejoin() {
        ApacheConnectProtocol.Received received = ApacheConnectProtocol.parseAssignment(
                ApacheConnectProtocol.configMismatch("leader-1", "http://10.0.0.1:8083/", 50, true));
        assertTrue(received.failed());
        assertEquals(50, received.configOffset());
    }

    @Test
    void workersOfferSluicesProtocolFirstThenApachesUpToConnectProtocol() {
        assertEquals(List.of(GroupProtocol.SLUICE, GroupProtocol.SESSIONED, GroupProtocol.COMPATIBLE),
                GroupProtocol.offered("sessioned"));
        assertEquals(List.of(GroupProtocol.SLUICE, GroupProtocol.COMPATIBLE), GroupProtocol.offered("COMPATIBLE"));
        ConfigException eager = assertThrows(ConfigException.class, () -> new io.sluice.runtime.config.WorkerConfig(
                java.util.Map.of("connect.protocol", "eager")));
        assertTrue(eager.getMessage().contains("first moves to 'compatible'"), eager.getMessage());
        assertEquals("sessioned", GroupProtocol.SESSIONED.protocolName());
        assertEquals("compatible", GroupProtocol.COMPATIBLE.protocolName());
        assertTrue(GroupProtocol.SESSIONED.signsRequests() && !GroupProtocol.COMPATIBLE.signsRequests());
    }

    private static org.apache.kafka.connect.util.ConnectorTaskId apacheTask(ConnectorTaskId id) {
        return new org.apache.kafka.connect.util.ConnectorTaskId(id.connector(), id.task());
    }
}
