package io.sluice.runtime.storage;

/** The last reported status of a task; trace is null unless FAILED. */
public record TaskStatus(ConnectorTaskId id, State state, String trace, String workerId, int generation) {
}
