package io.sluice.runtime.distributed;

import io.sluice.runtime.distributed.ConnectProtocol.MemberMetadata;
import io.sluice.runtime.storage.ClusterConfigState;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import org.apache.kafka.clients.ApiVersions;
import org.apache.kafka.clients.ClientUtils;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.GroupRebalanceConfig;
import org.apache.kafka.clients.Metadata;
import org.apache.kafka.clients.MetadataRecoveryStrategy;
import org.apache.kafka.clients.NetworkClient;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.internals.ConsumerNetworkClient;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.internals.ClusterResourceListeners;
import org.apache.kafka.common.metrics.Metrics;
import org.apache.kafka.common.network.Selector;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.LogContext;
import org.apache.kafka.common.utils.Time;
import org.apache.kafka.common.utils.Utils;

/**
 * This worker's membership in the Connect group: the network client to the group coordinator and the
 * {@link WorkerCoordinator} on it. Kafka's own client code does the protocol; this class only wires it.
 */
final class GroupMember implements AutoCloseable {
    /** The group settings taken from the worker config, with the protocols offered (most preferred first). */
    record Settings(String groupId, int sessionTimeoutMs, int heartbeatIntervalMs, int rebalanceTimeoutMs,
                    long maxDelayMs, java.util.List<GroupProtocol> protocols) {
    }

    private final Metrics metrics = new Metrics();
    private final ConsumerNetworkClient client;
    private final WorkerCoordinator coordinator;

    GroupMember(Settings settings, Map<String, Object> clientConfig, String clientId,
                Supplier<MemberMetadata> metadata, Supplier<ConnectProtocol.Assignment> current,
                Supplier<ClusterConfigState> latestConfig, WorkerCoordinator.RebalanceListener listener) {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, settings.groupId());
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, clientId);
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class);
        ConsumerConfig config = new ConsumerConfig(props);
        LogContext logContext = new LogContext("[Worker clientId=" + clientId + ", groupId=" + settings.groupId() + "] ");
        Time time = Time.SYSTEM;
        long retryBackoffMs = config.getLong(CommonClientConfigs.RETRY_BACKOFF_MS_CONFIG);
        long retryBackoffMaxMs = config.getLong(CommonClientConfigs.RETRY_BACKOFF_MAX_MS_CONFIG);
        int requestTimeoutMs = config.getInt(CommonClientConfigs.REQUEST_TIMEOUT_MS_CONFIG);
        try {
            Metadata clusterMetadata = new Metadata(retryBackoffMs, retryBackoffMaxMs,
                    config.getLong(CommonClientConfigs.METADATA_MAX_AGE_CONFIG), logContext, new ClusterResourceListeners());
            clusterMetadata.bootstrap(ClientUtils.parseAndValidateAddresses(config));
            NetworkClient network = new NetworkClient(
                    new Selector(config.getLong(CommonClientConfigs.CONNECTIONS_MAX_IDLE_MS_CONFIG), metrics, time,
                            "connect", ClientUtils.createChannelBuilder(config, time, logContext), logContext),
                    clusterMetadata, clientId, 100,
                    config.getLong(CommonClientConfigs.RECONNECT_BACKOFF_MS_CONFIG),
                    config.getLong(CommonClientConfigs.RECONNECT_BACKOFF_MAX_MS_CONFIG),
                    config.getInt(CommonClientConfigs.SEND_BUFFER_CONFIG),
                    config.getInt(CommonClientConfigs.RECEIVE_BUFFER_CONFIG),
                    requestTimeoutMs,
                    config.getLong(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MS_CONFIG),
                    config.getLong(CommonClientConfigs.SOCKET_CONNECTION_SETUP_TIMEOUT_MAX_MS_CONFIG),
                    time, true, new ApiVersions(), logContext,
                    MetadataRecoveryStrategy.forName(config.getString(CommonClientConfigs.METADATA_RECOVERY_STRATEGY_CONFIG)));
            this.client = new ConsumerNetworkClient(logContext, network, clusterMetadata, time, retryBackoffMs,
                    requestTimeoutMs, Integer.MAX_VALUE);
            GroupRebalanceConfig rebalance = new GroupRebalanceConfig(settings.sessionTimeoutMs(),
                    settings.rebalanceTimeoutMs(), settings.heartbeatIntervalMs(), settings.groupId(), Optional.empty(),
                    null, retryBackoffMs, retryBackoffMaxMs);
            this.coordinator = new WorkerCoordinator(rebalance, logContext, client, metrics, time, metadata, current,
                    settings.protocols(), latestConfig, listener, settings.maxDelayMs());
        } catch (RuntimeException e) {
            metrics.close();
            throw new KafkaException("Could not create the Connect group member: " + e.getMessage(), e);
        }
    }

    /** Drives the membership for up to timeoutMs (see {@link WorkerCoordinator#poll}). */
    void poll(long timeoutMs) {
        coordinator.poll(timeoutMs);
    }

    /** Makes a blocked {@link #poll} return early (with a WakeupException) from any thread. */
    void wakeup() {
        client.wakeup();
    }

    /** Asks for a rebalance at the next poll; safe from any thread. */
    void requestRejoin(String reason) {
        coordinator.requestRejoin(reason);
    }

    String memberId() {
        return coordinator.currentMemberId();
    }

    /** Leaves the group (so the others rebalance at once, not after the session timeout) and closes the client. */
    @Override
    public void close() {
        Utils.closeQuietly(coordinator, "Connect group coordinator");
        Utils.closeQuietly(metrics, "group metrics");
        Utils.closeQuietly(client, "group network client");
    }
}
