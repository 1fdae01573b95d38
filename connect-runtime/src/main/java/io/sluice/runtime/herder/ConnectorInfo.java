package io.sluice.runtime.herder;

import io.sluice.runtime.model.ConnectorTaskId;
import java.util.List;
import java.util.Map;

/** A connector as the REST API shows it: name, config as submitted, its tasks, and "source" or "sink". */
public record ConnectorInfo(String name, Map<String, String> config, List<ConnectorTaskId> tasks, String type) {
}
