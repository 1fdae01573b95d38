package io.sluice.runtime.rest;

import com.fasterxml.jackson.annotation.JsonProperty;
import java.util.Map;

/** The body of POST /connectors. */
public record CreateConnectorRequest(String name, Map<String, String> config,
                                     @JsonProperty("initial_state") String initialState) {
}
