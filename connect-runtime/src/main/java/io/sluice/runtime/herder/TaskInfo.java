package io.sluice.runtime.herder;

import io.sluice.runtime.model.ConnectorTaskId;
import java.util.Map;

/** One task's id and config, as GET /connectors/{name}/tasks shows it. */
public record TaskInfo(ConnectorTaskId id, Map<String, String> config) {
}
