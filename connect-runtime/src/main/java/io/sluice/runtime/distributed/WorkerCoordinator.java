package io.sluice.runtime.distributed;

import io.sluice.runtime.distributed.ConnectProtocol.Assignment;
import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
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
 * This worker's side of Kafka's group protocol for the Connect cluster: joins with its metadata, computes
 * the assignment when elected leader, and hands each assignment to the herder. Runs on the herder's group
 * thread only; Kafka's heartbeat thread keeps the membership alive while the herder applies a change.
 */
final class WorkerCoordinator extends AbstractCoordinator {
    private static final Logger log = LoggerFactory.getLogger(WorkerCoordinator.class);

    /** What the herder does with the outcomes of rebalances; called on the group thread. */
    interface RebalanceListener {
        /** A rebalance begins: this worker is about to (re)join the group. */
        void onRebalanceStarted();

        /** This worker's assignment for the generation: it runs exactly this from now on. */
        void onAssigned(Assignment assignment, String memberId, int generation);

        /** The group dropped this worker (e.g. it missed heartbeats): its work may run elsewhere already. */
        void onMembershipLost();
    }

    private final Supplier<MemberMetadata> metadata;
    private final Supplier<ClusterConfigState> latestConfig;
    private final RebalanceListener listener;
    private final IncrementalAssignor assignor;
    private final long coordinatorDiscoveryTimeoutMs;
    private final long sessionTimeoutMs;
    private boolean hasAssignment;
    /** Since when the group coordinator has been out of reach; -1 while it answers. */
    private long coordinatorLostSinceMs = -1;

    WorkerCoordinator(GroupRebalanceConfig config, LogContext logContext, ConsumerNetworkClient client, Metrics metrics,
                      Time time, Supplier<MemberMetadata> metadata, Supplier<ClusterConfigState> latestConfig,
                      RebalanceListener listener, long maxDelayMs) {
        super(config, logContext, client, metrics, "connect", time);
        this.metadata = metadata;
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
        ByteBuffer bytes = ConnectProtocol.serialize(metadata.get());
        byte[] array = new byte[bytes.remaining()];
        bytes.get(array);
        JoinGroupRequestData.JoinGroupRequestProtocolCollection protocols =
                new JoinGroupRequestData.JoinGroupRequestProtocolCollection();
        protocols.add(new JoinGroupRequestData.JoinGroupRequestProtocol()
                .setName(ConnectProtocol.PROTOCOL_NAME).setMetadata(array));
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
    protected Map<String, ByteBuffer> onLeaderElected(String leaderId, String protocol,
                                                      List<JoinGroupResponseData.JoinGroupResponseMember> members,
                                                      boolean skipAssignment) {
        Map<String, MemberMetadata> metadataByMember = new HashMap<>();
        for (JoinGroupResponseData.JoinGroupResponseMember member : members) {
            metadataByMember.put(member.memberId(),
                    ConnectProtocol.deserialize(ByteBuffer.wrap(member.metadata()), MemberMetadata.class));
        }
        Map<String, Assignment> assignments = assignor.assign(leaderId, metadataByMember, latestConfig.get(),
                time.milliseconds());
        log.info("Leader {} assigned the work of {} worker(s): {}", leaderId, members.size(),
                assignments.values().stream().findFirst().map(Assignment::cluster).orElse(List.of()));
        Map<String, ByteBuffer> result = new HashMap<>();
        assignments.forEach((member, assignment) -> result.put(member, ConnectProtocol.serialize(assignment)));
        return skipAssignment ? Map.of() : result;
    }

    @Override
    protected void onJoinComplete(int generation, String memberId, String protocol, ByteBuffer assignment) {
        Assignment parsed = ConnectProtocol.deserialize(assignment, Assignment.class);
        hasAssignment = true;
        listener.onAssigned(parsed, memberId, generation);
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
