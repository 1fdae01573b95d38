package io.sluice.runtime.herder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The status of a connector and its tasks, in the shape of Apache's GET /connectors/{name}/status. */
public record ConnectorStateInfo(String name, ConnectorState connector, List<TaskState> tasks, String type) {

    /** The connector's own state; trace only when FAILED; version as the connector reports it (Apache 4.x). */
    public record ConnectorState(String state, @JsonProperty("worker_id") String workerId,
                                 @JsonInclude(JsonInclude.Include.NON_NULL) String trace,
                                 @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = UndefinedVersion.class)
                                 String version) {

        /** Keeps a trace for FAILED alone: one left from an earlier failure would say a restarting state failed. */
        public ConnectorState {
            trace = failedTrace(state, trace);
        }

        /** The same state under another name (RESTARTING in a restart's answer). */
        public ConnectorState withState(String newState) {
            return new ConnectorState(newState, workerId, trace, version);
        }
    }

    /** One task's state; trace only when FAILED; version as the task reports it (Apache 4.x). */
    public record TaskState(int id, String state, @JsonProperty("worker_id") String workerId,
                            @JsonInclude(JsonInclude.Include.NON_NULL) String trace,
                            @JsonInclude(value = JsonInclude.Include.CUSTOM, valueFilter = UndefinedVersion.class)
                            String version) {

        /** Keeps a trace for FAILED alone, as {@link ConnectorState} does. */
        public TaskState {
            trace = failedTrace(state, trace);
        }

        /** The same state under another name (RESTARTING in a restart's answer). */
        public TaskState withState(String newState) {
            return new TaskState(id, newState, workerId, trace, version);
        }
    }

    /**
     * Apache's rule for a trace: only a FAILED state has one. A restart's answer renames the stored FAILED state
     * RESTARTING (tryout15: a restarting task showed the failure it restarts from), and a status written by a
     * FAILED state's note keeps its trace where it belongs.
     */
    private static String failedTrace(String state, String trace) {
        return "FAILED".equals(state) ? trace : null;
    }

    /**
     * Apache's rule for the version field: shown, as null too, except when it is "undefined". Jackson calls equals
     * with each value; an equal one is left out.
     */
    static final class UndefinedVersion {
        @Override
        public boolean equals(Object value) {
            return "undefined".equals(value);
        }

        @Override
        public int hashCode() {
            return 0;
        }
    }
}
