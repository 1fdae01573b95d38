package io.sluice.runtime.storage;

import io.sluice.runtime.model.State;

/**
 * The last reported status of a connector; trace is null unless FAILED, version (the connector's own, as Apache
 * 4.x records it) null when unknown.
 */
public record ConnectorStatus(String connector, State state, String trace, String workerId, int generation,
                              String version) {

    /** A status without a version. */
    public ConnectorStatus(String connector, State state, String trace, String workerId, int generation) {
        this(connector, state, trace, workerId, generation, null);
    }
}
