package io.sluice.runtime.worker;

import java.util.List;
import java.util.Map;

/** What a running connector hands to the herder that owns it. */
public interface ConnectorEvents {

    /**
     * A run of the connector made its task configs: after it started or resumed, or because it asked for a
     * reconfiguration. Called on the connector's own thread, so it must not block; run tells this run from
     * later ones ({@link Worker#isCurrentRun}), whose configs supersede these.
     */
    void onTaskConfigs(String connector, long run, List<Map<String, String>> taskConfigs);
}
