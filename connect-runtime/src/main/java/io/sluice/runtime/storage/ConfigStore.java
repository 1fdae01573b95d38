package io.sluice.runtime.storage;

import java.util.List;
import java.util.Map;

/**
 * Durable connector configs, target states and task configs. Writes return once the record is
 * acknowledged by Kafka and read back into the snapshot, so a write followed by snapshot() sees it.
 */
public interface ConfigStore extends AutoCloseable {

    /** Receives every change read from the store, including this worker's own writes. */
    interface Listener {
        void onConnectorConfigUpdate(String connector);

        void onConnectorConfigRemove(String connector);

        void onTargetStateChange(String connector);

        void onTaskConfigUpdate(String connector);
    }

    /** Reads the store to its end; after this, snapshot() is complete. */
    void start();

    void setListener(Listener listener);

    ClusterConfigState snapshot();

    void putConnectorConfig(String connector, Map<String, String> config, TargetState targetState);

    void removeConnectorConfig(String connector);

    void putTargetState(String connector, TargetState state);

    void putTaskConfigs(String connector, List<Map<String, String>> taskConfigs);

    @Override
    void close();
}
