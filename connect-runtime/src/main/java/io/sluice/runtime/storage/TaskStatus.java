package io.sluice.runtime.storage;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;

/**
 * The last reported status of a task; trace is null unless FAILED, version (the task's own, as Apache 4.x records it)
 * null when unknown.
 */
public record TaskStatus(ConnectorTaskId id, State state, String trace, String workerId, int generation,
                         String version) {

    /** A status without a version. */
    public TaskStatus(ConnectorTaskId id, State state, String trace, String workerId, int generation) {
        this(id, state, trace, workerId, generation, null);
    }
}
