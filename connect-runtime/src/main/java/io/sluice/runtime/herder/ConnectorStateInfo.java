package io.sluice.runtime.herder;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.List;

/** The status of a connector and its tasks, in the shape of Apache's GET /connectors/{name}/status. */
public record ConnectorStateInfo(String name, ConnectorState connector, List<TaskState> tasks, String type) {

    /** The connector's own state; trace only when FAILED. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ConnectorState(String state, @JsonProperty("worker_id") String workerId, String trace) {
    }

    /** One task's state; trace only when FAILED. */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TaskState(int id, String state, @JsonProperty("worker_id") String workerId, String trace) {
    }
}
