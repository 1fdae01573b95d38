package io.sluice.runtime.distributed;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
import io.sluice.runtime.distributed.ConnectProtocol.WorkerShare;
import io.sluice.runtime.storage.ClusterConfigState;
import java.nio.ByteBuffer;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.GroupRebalanceConfig;
import org.apache.kafka.clients.consumer.internals.AbstractCoordinator;
import org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient;
import org.apache.kafka.common.message.JoinGroupRequestData;
import org.apache.kafka.common.message.JoinGroupResponseData;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Timer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This worker's side of Kafka's group protocol for the Connect cluster: joins offering Sluice's protocol and
 * Apache's ({@link GroupProtocol}), computes the assignment when elected leader, and hands each assignment to
 * the herder in Sluice's terms whichever protocol the group runs. Runs on the herder's group thread only;
 * Kafka's heartbeat thread keeps the membership alive while the herder applies a change.
 */
final class WorkerCoordinator extends AbstractCoordinator {
    private static final Logger log = LoggerFactory.getLogger(WorkerCoordinator.class);

    /** What the herder does with the outcomes of rebalances; called on the group thread. */
    interface RebalanceListener {
        /** A rebalance begins: this worker is about to (re)join the group. */
        void onRebalanceStarted();

        /** This worker's assignment for the generation: it runs exactly this from now on. */
        void onAssigned(Assignment assignment, String memberId, int generation, GroupProtocol protocol);

        /**
         * The leader could not assign (under Apache's protocols: it had not read the config topic as far as
         * some member, configOffset): this worker keeps what it runs, reads on and rejoins.
         */
        void onAssignmentFailed(long configOffset);

        /** The group dropped this worker (e.g. it missed heartbeats): its work may run elsewhere already. */
        void onMembershipLost();
    }

    private final Supplier<MemberMetadata> metadata;
    private final Supplier<Assignment> current;
    private final List<GroupProtocol> offered;
    private final Supplier<ClusterConfigState> latestConfig;
    private final RebalanceListener listener;
    private final IncrementalAssignor assignor;
    private final long coordinatorDiscoveryTimeoutMs;
    private final long sessionTimeoutMs;
    private boolean hasAssignment;
    /** Since when the group coordinator has been out of reach; -1 while it answers. */
    private long coordinatorLostSinceMs = -1;
    /** Every worker's share as this worker last assigned them as leader: its view of who runs what. */
    private List<WorkerShare> ledCluster = List.of();

    /**
     * @param current  this worker's current assignment (null before its first): Apache's protocols report it
     * @param offered  the protocols this worker offers, most preferred first
     */
    WorkerCoordinator(GroupRebalanceConfig config, LogContext logContext, ConsumerNetworkClient client, Metrics metrics,
                      Time time, Supplier<MemberMetadata> metadata, Supplier<Assignment> current,
                      List<GroupProtocol> offered, Supplier<ClusterConfigState> latestConfig,
                      RebalanceListener listener, long maxDelayMs) {
        super(config, logContext, client, metrics, "connect", time);
        this.metadata = metadata;
        this.current = current;
        this.offered = List.copyOf(offered);
        this.latestConfig = latestConfig;
        this.listener = listener;
        this.assignor = new IncrementalAssignor(maxDelayMs);
        this.coordinatorDiscoveryTimeoutMs = config.heartbeatIntervalMs;
        this.sessionTimeoutMs = config.sessionTimeoutMs;
    }

    @Override
    protected String protocolType() {
        return ConnectProtocol.PROTOCOL_TYPE;
    }

    @Override
    protected JoinGroupRequestData.JoinGroupRequestProtocolCollection metadata() {
        MemberMetadata self = metadata.get();
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        for (GroupProtocol protocol : offered) {
            ByteBuffer bytes = protocol.apache()
                    ? ApacheConnectProtocol.metadata(self, current.get(), protocol == GroupProtocol.SESSIONED)
                    : ConnectProtocol.serialize(self);
            byte[] array = new byte[bytes.remaining()];
            bytes.get(array);
            protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                    .setName(protocol.protocolName()).setMetadata(array));
        }
        return protocols;
    }

    @Override
    protected boolean onJoinPrepare(Timer timer, int generation, String memberId) {
        listener.onRebalanceStarted();
        // cooperative: a rejoin keeps everything running, unless the group no longer counts us as a member
        if (generation == Generation.NO_GENERATION.generationId && hasAssignment) {
            log.warn("This worker lost its group membership; stopping its connectors and tasks before rejoining");
            hasAssignment = false;
            listener.onMembershipLost();
        }
        return true;
    }

    @Override
    protected Map<String, ByteBuffer> onLeaderElected(String leaderId, String protocolName,
                                                      List<JoinGroupResponseData.JoinGroupResponseMember> members,
                                                      boolean skipAssignment) {
        GroupProtocol protocol = GroupProtocol.named(protocolName);
        boolean sessioned = protocol == GroupProtocol.SESSIONED;
        Map<String, MemberMetadata> metadataByMember = new HashMap<>();
        for (JoinGroupResponseData.JoinGroupResponseMember member : members) {
            ByteBuffer bytes = ByteBuffer.wrap(member.metadata());
            metadataByMember.put(member.memberId(), protocol.apache() ? ApacheConnectProtocol.parseMetadata(bytes)
                    : ConnectProtocol.deserialize(bytes, MemberMetadata.class));
        }
        ClusterConfigState config = latestConfig.get();
        long furthest = metadataByMember.values().stream().mapToLong(MemberMetadata::configOffset).max().orElse(-1);
        Map<String, ByteBuffer> result = new HashMap<>();
        if (protocol.apache() && config.offset() < furthest) {
            // Apache's rule: assign only from a config at least as recent as every member's
            log.warn("Leader {} has read the config topic to offset {} but a member to {}; asking all to read on "
                    + "and rejoin", leaderId, config.offset(), furthest);
            String leaderUrl = metadataByMember.get(leaderId).url();
            metadataByMember.keySet().forEach(member -> result.put(member,
                    ApacheConnectProtocol.configMismatch(leaderId, leaderUrl, furthest, sessioned)));
            return skipAssignment ? Map.of() : result;
        }
        Map<String, Assignment> assignments = assignor.assign(leaderId, metadataByMember, config, time.milliseconds());
        ledCluster = assignments.values().stream().findFirst().map(Assignment::cluster).orElse(List.of());
        log.info("Leader {} assigned the work of {} worker(s) ({} protocol): {}", leaderId, members.size(),
                protocolName, ledCluster);
        assignments.forEach((member, assignment) -> result.put(member, protocol.apache()
                ? ApacheConnectProtocol.assignment(assignment, metadataByMember.get(member), sessioned)
                : ConnectProtocol.serialize(assignment)));
        return skipAssignment ? Map.of() : result;
    }

    @Override
    protected void onJoinComplete(int generation, String memberId, String protocolName, ByteBuffer assignment) {
        GroupProtocol protocol = GroupProtocol.named(protocolName);
        Assignment parsed;
        if (protocol.apache()) {
            ApacheConnectProtocol.Received received = ApacheConnectProtocol.parseAssignment(assignment);
            if (received.failed()) {
                listener.onAssignmentFailed(received.configOffset());
                requestRejoin("the leader could not assign from the config it had read");
                return;
            }
            // only the leader knows every share under Apache's protocols; the others ask it (REST forwarding)
            parsed = received.resolve(current.get(), memberId.equals(received.leaderId()) ? ledCluster : List.of());
        } else {
            parsed = ConnectProtocol.deserialize(assignment, Assignment.class);
        }
        hasAssignment = true;
        listener.onAssigned(parsed, memberId, generation, protocol);
    }

    /**
     * Drives the membership for up to timeoutMs: finds the group coordinator, (re)joins when needed, and
     * heartbeats; a rebalance's outcome reaches the listener from inside this call.
     */
    void poll(long timeoutMs) {
        long start = time.milliseconds();
        long now = start;
        do {
            if (coordinatorUnknown()) {
                ensureCoordinatorReady(time.timer(coordinatorDiscoveryTimeoutMs));
                now = time.milliseconds();
                fenceWhenCutOff(now);
            } else {
                coordinatorLostSinceMs = -1;
            }
            // joining blocks until the coordinator answers: only try while it is known, so the check above keeps running
            if (!coordinatorUnknown() && rejoinNeededOrPending()) {
                ensureActiveGroup();
                now = time.milliseconds();
            }
            pollHeartbeat(now);
            long remaining = timeoutMs - (now - start);
            // the network client is shared with the heartbeat thread: never block past the next heartbeat
            client.poll(time.timer(Math.min(Math.max(0, remaining), timeToNextHeartbeat(now))));
            now = time.milliseconds();
        } while (now - start < timeoutMs);
    }

    /**
     * Zombie fencing: once the coordinator has been out of reach for session.timeout.ms, the group has
     * dropped this worker and will hand its work to others (after scheduled.rebalance.max.delay.ms), so it
     * stops that work itself rather than run it twice.
     */
    private void fenceWhenCutOff(long now) {
        if (!coordinatorUnknown()) {
            coordinatorLostSinceMs = -1;
            return;
        }
        if (coordinatorLostSinceMs < 0) {
            coordinatorLostSinceMs = now;
        }
        if (hasAssignment && now - coordinatorLostSinceMs >= sessionTimeoutMs) {
            log.warn("No contact with the group coordinator for {} ms (session.timeout.ms): the group has dropped "
                    + "this worker, so it stops its connectors and tasks before they run elsewhere", now - coordinatorLostSinceMs);
            hasAssignment = false;
            listener.onMembershipLost();
            requestRejoin("stopped its work after losing contact with the group coordinator");
        }
    }

    /** This worker's member id in the group ("" before it first joins). */
    String currentMemberId() {
        return memberId();
    }
}
