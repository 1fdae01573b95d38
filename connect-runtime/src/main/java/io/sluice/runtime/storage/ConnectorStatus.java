package io.sluice.runtime.storage;

/** The last reported status of a connector; trace is null unless FAILED. */
public record ConnectorStatus(String connector, State state, String trace, String workerId, int generation) {
}
