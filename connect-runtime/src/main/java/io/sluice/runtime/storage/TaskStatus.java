package io.sluice.runtime.storage;

/**
 * The last reported status of a task; trace is null unless FAILED; version is the task plugin's (KIP-891), null
 * when unknown (a status written before the task was made, or by a worker that does not record it).
 */
public record TaskStatus(ConnectorTaskId id, State state, String trace, String workerId, int generation, String version) {
    public TaskStatus(ConnectorTaskId id, State state, String trace, String workerId, int generation) {
        this(id, state, trace, workerId, generation, null);
    }
}
