package io.sluice.runtime.storage;

/**
 * The last reported status of a connector; trace is null unless FAILED; version is the connector plugin's
 * (KIP-891), null when unknown.
 */
public record ConnectorStatus(String connector, State state, String trace, String workerId, int generation,
                              String version) {
    public ConnectorStatus(String connector, State state, String trace, String workerId, int generation) {
        this(connector, state, trace, workerId, generation, null);
    }
}
