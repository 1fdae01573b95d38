package io.sluice.runtime.distributed;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
import io.sluice.runtime.distributed.ConnectProtocol.WorkerShare;
import io.sluice.runtime.model.ConnectorTaskId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.connect.runtime.distributed.ExtendedAssignment;
import org.apache.kafka.connect.runtime.distributed.ExtendedWorkerState;
import org.apache.kafka.connect.runtime.distributed.IncrementalCooperativeConnectProtocol;

/**
 * Apache's incremental cooperative Connect protocols (KIP-415 "compatible", KIP-507 "sessioned") in Sluice's
 * terms, so a Sluice worker shares a group with Apache 4.x workers. The bytes are Apache's own serializers;
 * what this class adds is the one difference in meaning: Apache's assignment names only what a worker gains
 * and must give up this round (each member keeps the rest), Sluice's names everything it runs.
 *
 * <p>Two smaller differences: Apache's config offset is the position after the last record read, Sluice's the
 * last record's offset (one less); and Apache members report what they were assigned, not only what runs.
 */
final class ApacheConnectProtocol {
    private static final short NO_ERROR = org.apache.kafka.connect.runtime.distributed.ConnectProtocol.Assignment.NO_ERROR;
    private static final short CONFIG_MISMATCH =
            org.apache.kafka.connect.runtime.distributed.ConnectProtocol.Assignment.CONFIG_MISMATCH;

    private ApacheConnectProtocol() {
    }

    /**
     * This worker's join metadata in Apache's format: its URL, config position and the connectors and tasks
     * its current assignment gives it (none before its first assignment).
     */
    static ByteBuffer metadata(MemberMetadata self, Assignment current, boolean sessioned) {
        ExtendedAssignment owned = current == null ? null : new ExtendedAssignment(version(sessioned),
                NO_ERROR, current.leaderId(),
                current.leaderUrl(), apacheOffset(current.configOffset()), new ArrayList<>(current.connectors()),
                apacheTasks(current.tasks()), new ArrayList<>(), new ArrayList<>(), 0);
        return IncrementalCooperativeConnectProtocol.serializeMetadata(
                new ExtendedWorkerState(self.url(), apacheOffset(self.configOffset()), owned), sessioned);
    }

    /** Another member's join metadata (Apache's or a Sluice worker's in Apache's format). */
    static MemberMetadata parseMetadata(ByteBuffer bytes) {
        ExtendedWorkerState state = IncrementalCooperativeConnectProtocol.deserializeMetadata(bytes.duplicate());
        ExtendedAssignment owned = state.assignment();
        return new MemberMetadata(state.url(), sluiceOffset(state.offset()),
                owned == null ? Set.of() : Set.copyOf(owned.connectors()),
                owned == null ? Set.of() : sluiceTasks(owned.tasks()));
    }

    /**
     * The leader's answer to one member: Sluice's full share turned into what the member gains (share minus
     * what it reported running) and gives up (the reverse), with the leader, config position and delay.
     */
    static ByteBuffer assignment(Assignment share, MemberMetadata reported, boolean sessioned) {
        Set<String> gained = new TreeSet<>(share.connectors());
        gained.removeAll(reported.connectors());
        Set<String> revoked = new TreeSet<>(reported.connectors());
        revoked.removeAll(share.connectors());
        Set<ConnectorTaskId> gainedTasks = new TreeSet<>(share.tasks());
        gainedTasks.removeAll(reported.tasks());
        Set<ConnectorTaskId> revokedTasks = new TreeSet<>(reported.tasks());
        revokedTasks.removeAll(share.tasks());
        return IncrementalCooperativeConnectProtocol.serializeAssignment(new ExtendedAssignment(version(sessioned),
                NO_ERROR, share.leaderId(),
                share.leaderUrl(), apacheOffset(share.configOffset()), new ArrayList<>(gained), apacheTasks(gainedTasks),
                new ArrayList<>(revoked), apacheTasks(revokedTasks), (int) Math.min(Integer.MAX_VALUE, share.delayMs())),
                sessioned);
    }

    /**
     * Apache's answer when the leader has not read the config topic as far as some member: nobody gains or
     * loses anything, and every member reads on and rejoins.
     */
    static ByteBuffer configMismatch(String leaderId, String leaderUrl, long maxConfigOffset, boolean sessioned) {
        return IncrementalCooperativeConnectProtocol.serializeAssignment(new ExtendedAssignment(version(sessioned),
                CONFIG_MISMATCH, leaderId,
                leaderUrl, apacheOffset(maxConfigOffset), new ArrayList<>(), new ArrayList<>(), new ArrayList<>(),
                new ArrayList<>(), 0), sessioned);
    }

    /** A leader's answer as this worker received it, before it is resolved against what it runs. */
    record Received(boolean failed, long configOffset, String leaderId, String leaderUrl, Set<String> connectors,
                    Set<ConnectorTaskId> tasks, Set<String> revokedConnectors, Set<ConnectorTaskId> revokedTasks,
                    long delayMs) {

        /**
         * Everything this worker runs from now on, in Sluice's terms: what it was assigned before, less what
         * this round revokes, plus what it gains. The cluster's other shares are unknown to a member here.
         */
        Assignment resolve(Assignment previous, List<WorkerShare> cluster) {
            Set<String> connectors = new TreeSet<>(previous == null ? Set.of() : previous.connectors());
            connectors.removeAll(revokedConnectors);
            connectors.addAll(this.connectors);
            Set<ConnectorTaskId> tasks = new TreeSet<>(previous == null ? Set.of() : previous.tasks());
            tasks.removeAll(revokedTasks);
            tasks.addAll(this.tasks);
            return new Assignment(leaderId, leaderUrl, configOffset, connectors, tasks, delayMs, cluster);
        }
    }

    static Received parseAssignment(ByteBuffer bytes) {
        ExtendedAssignment received = IncrementalCooperativeConnectProtocol.deserializeAssignment(bytes.duplicate());
        if (received == null) {
            throw new org.apache.kafka.connect.errors.ConnectException("The leader sent no assignment for this worker");
        }
        return new Received(received.failed(), sluiceOffset(received.offset()), received.leader(),
                received.leaderUrl(), Set.copyOf(received.connectors()), sluiceTasks(received.tasks()),
                Set.copyOf(received.revokedConnectors()), sluiceTasks(received.revokedTasks()), received.delay());
    }

    /** Apache's config offset is the next position to read; Sluice's snapshot offset the last record read. */
    static long apacheOffset(long sluiceOffset) {
        return sluiceOffset + 1;
    }

    static long sluiceOffset(long apacheOffset) {
        return apacheOffset - 1;
    }

    private static short version(boolean sessioned) {
        return sessioned ? IncrementalCooperativeConnectProtocol.CONNECT_PROTOCOL_V2
                : IncrementalCooperativeConnectProtocol.CONNECT_PROTOCOL_V1;
    }

    private static List<org.apache.kafka.connect.util.ConnectorTaskId> apacheTasks(Collection<ConnectorTaskId> tasks) {
        List<org.apache.kafka.connect.util.ConnectorTaskId> ids = new ArrayList<>(tasks.size());
        for (ConnectorTaskId task : tasks) {
            ids.add(new org.apache.kafka.connect.util.ConnectorTaskId(task.connector(), task.task()));
        }
        return ids;
    }

    private static Set<ConnectorTaskId> sluiceTasks(Collection<org.apache.kafka.connect.util.ConnectorTaskId> tasks) {
        Set<ConnectorTaskId> ids = new LinkedHashSet<>();
        for (org.apache.kafka.connect.util.ConnectorTaskId task : tasks) {
            ids.add(new ConnectorTaskId(task.connector(), task.task()));
        }
        return Set.copyOf(ids);
    }
}
