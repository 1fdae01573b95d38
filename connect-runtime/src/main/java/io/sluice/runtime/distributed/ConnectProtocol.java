package io.sluice.runtime.distributed;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.model.ConnectorTaskId;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Sluice's Connect group protocol: what a worker sends when it joins (its REST URL, how far it read the
 * config topic and what it runs) and what the leader answers each worker, as JSON in the group's
 * metadata and assignment bytes.
 */
final class ConnectProtocol {
    /** The group's protocol type, as Apache's workers use: the group coordinator keeps consumers out of it. */
    static final String PROTOCOL_TYPE = "connect";
    /**
     * Our protocol name. Apache's workers offer "default", "compatible" and "sessioned", so a mixed group
     * fails to form (INCONSISTENT_GROUP_PROTOCOL) instead of running two assignors at once.
     */
    static final String PROTOCOL_NAME = "sluice-1";

    private static final ObjectMapper JSON = new ObjectMapper()
            .configure(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES, false);

    private ConnectProtocol() {
    }

    /** A worker's join metadata: where it answers, the config offset it has read, and what it runs now. */
    record MemberMetadata(String url, long configOffset, Set<String> connectors, Set<ConnectorTaskId> tasks) {
        MemberMetadata {
            connectors = connectors == null ? Set.of() : Set.copyOf(connectors);
            tasks = tasks == null ? Set.of() : Set.copyOf(tasks);
        }
    }

    /** One worker's share of the cluster's work. */
    record WorkerShare(String url, Set<String> connectors, Set<ConnectorTaskId> tasks) {
        WorkerShare {
            connectors = connectors == null ? Set.of() : Set.copyOf(connectors);
            tasks = tasks == null ? Set.of() : Set.copyOf(tasks);
        }
    }

    /**
     * The leader's answer to one worker: everything it should run from now on (what it runs and is not
     * named here it must stop), the config offset the leader assigned from, how long until the leader
     * reassigns held-back work of departed workers (0: nothing held back), and every worker's share so
     * any worker can find who runs what.
     */
    record Assignment(String leaderId, String leaderUrl, long configOffset, Set<String> connectors,
                      Set<ConnectorTaskId> tasks, long delayMs, List<WorkerShare> cluster) {
        Assignment {
            connectors = connectors == null ? Set.of() : Set.copyOf(connectors);
            tasks = tasks == null ? Set.of() : Set.copyOf(tasks);
            cluster = cluster == null ? List.of() : List.copyOf(cluster);
        }

        /** The REST URL of the worker running the connector, or null when nobody does. */
        String ownerUrl(String connector) {
            return cluster.stream().filter(s -> s.connectors().contains(connector)).map(WorkerShare::url)
                    .findFirst().orElse(null);
        }

        /** The REST URL of the worker running the task, or null when nobody does. */
        String ownerUrl(ConnectorTaskId task) {
            return cluster.stream().filter(s -> s.tasks().contains(task)).map(WorkerShare::url)
                    .findFirst().orElse(null);
        }
    }

    static ByteBuffer serialize(Object value) {
        try {
            return ByteBuffer.wrap(JSON.writeValueAsBytes(value));
        } catch (IOException e) {
            throw new ConnectException("Cannot serialize group protocol data", e);
        }
    }

    static <T> T deserialize(ByteBuffer buffer, Class<T> type) {
        byte[] bytes = new byte[buffer.remaining()];
        buffer.duplicate().get(bytes);
        try {
            return JSON.readValue(bytes, type);
        } catch (IOException e) {
            throw new ConnectException("Malformed " + type.getSimpleName() + " from another worker: " + e.getMessage(), e);
        }
    }
}
