package io.sluice.runtime.storage;

import io.sluice.runtime.model.TargetState;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

/**
 * Durable connector configs, target states and task configs. Writes return once the record is
 * acknowledged by Kafka and read back into the snapshot, so a write followed by snapshot() sees it.
 */
public interface ConfigStore extends AutoCloseable {
    /**
     * The largest connector config the store takes, as its record's JSON value (16 MiB): the config topic and its
     * producer are made for records this size, far above Kafka's default 1 MiB, so any config Apache's standalone
     * worker accepts in practice fits.
     */
    int MAX_CONFIG_BYTES = 16 * 1024 * 1024;

    /** The size of a connector or task config's record value, to hold against {@link #MAX_CONFIG_BYTES}. */
    static int recordBytes(Map<String, String> config) {
        return ConfigRecordFormat.properties(config).length;
    }

    /** Receives every change read from the store, including this worker's own writes. */
    interface Listener {
        void onConnectorConfigUpdate(String connector);

        void onConnectorConfigRemove(String connector);

        void onTargetStateChange(String connector);

        void onTaskConfigUpdate(String connector);

        /** A restart of the connector (and, as asked, its tasks) requested through any worker. */
        default void onRestartRequest(RestartRequest request) {
        }

        /** The leader wrote a new session key for signing requests between workers. */
        default void onSessionKeyUpdate(SessionKey key) {
        }

        /** A worker set a log level for the whole cluster (KIP-976); only levels set after this worker started. */
        default void onLoggerLevelUpdate(String namespace, String level) {
        }
    }

    /** A request to restart a connector and, when includeTasks, its tasks (only failed ones when onlyFailed). */
    record RestartRequest(String connector, boolean includeTasks, boolean onlyFailed) {
    }

    /** Reads the store to its end; after this, snapshot() is complete. */
    void start();

    void setListener(Listener listener);

    ClusterConfigState snapshot();

    /** The latest session key, or null when no leader has written one yet. */
    SessionKey sessionKey();

    /** Writes a new session key (the leader does, when there is none or it expired). */
    void putSessionKey(SessionKey key);

    /** Returns once every record written to the store before the call is in snapshot(). */
    void readToEnd();

    /**
     * As {@link #readToEnd()}, within what is left of the store's timeout counted from {@code sinceNanos} (a
     * {@link System#nanoTime()}): a request that queued behind others while Kafka was away fails when its own time
     * is up, not a whole timeout after those before it failed.
     */
    default void readToEnd(long sinceNanos) {
        readToEnd();
    }

    /**
     * Catches up, for a read, with what other workers wrote: as {@link #readToEnd()}, but waiting at most a moment,
     * and not at all while Kafka did not answer the last time. A read then answers from what this worker has read,
     * as Apache's workers always do, rather than fail for want of Kafka. Returns whether it caught up.
     */
    default boolean catchUp() {
        readToEnd();
        return true;
    }

    void putConnectorConfig(String connector, Map<String, String> config, TargetState targetState);

    void removeConnectorConfig(String connector);

    void putTargetState(String connector, TargetState state);

    /**
     * Writes a connector's task configs without waiting for Kafka: the future completes once they are durable and in
     * snapshot(), or fails with a {@link StoreException} (at most the store's timeout later).
     */
    CompletableFuture<Void> putTaskConfigs(String connector, List<Map<String, String>> taskConfigs);

    /** Records a restart request that every worker reads and acts on for what it runs. */
    void putRestartRequest(RestartRequest request);

    /** Records a log level for a logger namespace that every worker applies (KIP-976 scope=cluster). */
    void putLoggerLevel(String namespace, String level);

    @Override
    void close();
}
