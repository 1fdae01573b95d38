package io.sluice.runtime.herder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The status of a connector and its tasks, in the shape of Apache's GET /connectors/{name}/status. */
public record ConnectorStateInfo(String name, ConnectorState connector, List<TaskState> tasks, String type) {

    /** The connector's own state; trace only when FAILED; the plugin's version when known (KIP-891). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConnectorState(String state, @JsonProperty("worker_id") String workerId, String trace, String version) {
        public ConnectorState(String state, String workerId, String trace) {
            this(state, workerId, trace, null);
        }
    }

    /** One task's state; trace only when FAILED; the plugin's version when known (KIP-891). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskState(int id, String state, @JsonProperty("worker_id") String workerId, String trace,
                            String version) {
        public TaskState(int id, String state, String workerId, String trace) {
            this(id, state, workerId, trace, null);
        }
    }
}
