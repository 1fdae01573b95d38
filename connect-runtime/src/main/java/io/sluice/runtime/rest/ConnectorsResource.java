package io.sluice.runtime.rest;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectReader;
import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.herder.ConnectorInfo;
import io.sluice.runtime.herder.ConnectorStateInfo;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.herder.InternalRequestSignature;
import io.sluice.runtime.herder.TaskInfo;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriBuilder;
import java.net.URI;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * /connectors: Apache Kafka Connect's connector resource, same paths, codes and bodies, except that the secrets of a
 * stored config are masked wherever it is shown ({@link SecretKeys}); GET /connectors/{name}/config shows them as
 * Apache does unless rest.config.redact is set.
 */
@Path("/connectors")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ConnectorsResource {
    private static final ObjectReader TASK_CONFIGS = new ObjectMapper()
            .readerFor(new TypeReference<List<Map<String, String>>>() { });
    private final Herder herder;
    private final SecretKeys secrets;
    private final boolean redactConfig;

    /**
     * @param secrets      which config values are secrets
     * @param redactConfig whether GET /connectors/{name}/config masks them too (rest.config.redact)
     */
    public ConnectorsResource(Herder herder, SecretKeys secrets, boolean redactConfig) {
        this.herder = herder;
        this.secrets = secrets;
        this.redactConfig = redactConfig;
    }

    @GET
    public Object listConnectors(@QueryParam("expand") List<String> expand) {
        if (expand == null || expand.isEmpty()) {
            return herder.connectors();
        }
        Map<String, Map<String, Object>> expanded = new LinkedHashMap<>();
        for (String name : herder.connectors()) {
            Map<String, Object> entry = new LinkedHashMap<>();
            try {
                for (String e : expand) {
                    switch (e) {
                        case "status" -> entry.put("status", herder.connectorStatus(name));
                        case "info" -> entry.put("info", masked(herder.connectorInfo(name)));
                        default -> { } // Apache ignores values it does not know
                    }
                }
            } catch (HerderException.NotFound gone) {
                continue; // deleted while listing
            }
            expanded.put(name, entry);
        }
        return expanded;
    }

    @POST
    public Response createConnector(CreateConnectorRequest request) {
        if (request == null) {
            throw HerderException.badRequest("Request body is required: {\"name\": ..., \"config\": {...}}");
        }
        String name = request.name() == null ? null : request.name().trim();
        Map<String, String> config = request.config();
        if (config == null) {
            throw HerderException.badRequest("Connector config is required: {\"name\": ..., \"config\": {...}}");
        }
        if (name == null || name.isEmpty()) {
            name = config.get(ConnectorConfig.NAME);
        }
        checkName(name, config);
        TargetState initial = parseInitialState(request.initialState());
        Herder.Created created = herder.putConnectorConfig(name, config, false, initial);
        URI location = UriBuilder.fromPath("/connectors/{name}").build(name);
        return Response.created(location).entity(masked(created.info())).build();
    }

    @GET
    @Path("/{connector}")
    public ConnectorInfo getConnector(@PathParam("connector") String connector) {
        return masked(herder.connectorInfo(connector));
    }

    @GET
    @Path("/{connector}/config")
    public Map<String, String> getConnectorConfig(@PathParam("connector") String connector) {
        Map<String, String> config = herder.connectorConfig(connector);
        return redactConfig ? secrets.mask(config) : config;
    }

    @PUT
    @Path("/{connector}/config")
    public Response putConnectorConfig(@PathParam("connector") String connector, Map<String, String> config) {
        if (config == null) {
            throw HerderException.badRequest("Request body must be the connector config as a JSON object");
        }
        checkName(connector, config);
        Herder.Created result = herder.putConnectorConfig(connector, secrets.unmask(config, storedOrNull(herder, connector)),
                true, null);
        if (result.created()) {
            return Response.created(UriBuilder.fromPath("/connectors/{name}").build(connector))
                    .entity(masked(result.info())).build();
        }
        return Response.ok(masked(result.info())).build();
    }

    @PATCH
    @Path("/{connector}/config")
    public ConnectorInfo patchConnectorConfig(@PathParam("connector") String connector, Map<String, String> patch) {
        if (patch == null) {
            throw HerderException.badRequest("Request body must be a JSON object of config keys to change (null removes a key)");
        }
        String name = patch.get(ConnectorConfig.NAME);
        if (patch.containsKey(ConnectorConfig.NAME) && (name == null || !name.equals(connector))) {
            throw HerderException.badRequest("Connector name configuration (" + name
                    + ") doesn't match connector name in the URL (" + connector + ")");
        }
        return masked(herder.patchConnectorConfig(connector, secrets.unmask(patch, storedOrNull(herder, connector))));
    }

    /** Removed from Apache's API in 4.0, kept because older clients (kcctl) still call it. */
    @GET
    @Path("/{connector}/tasks-config")
    public Map<String, Map<String, String>> getTasksConfig(@PathParam("connector") String connector) {
        Map<String, String> connectorConfig = herder.connectorConfig(connector);
        Map<String, Map<String, String>> result = new LinkedHashMap<>();
        herder.tasksConfig(connector).forEach((id, config) ->
                result.put(id.connector() + "-" + id.task(), secrets.maskWith(config, connectorConfig)));
        return result;
    }

    @GET
    @Path("/{connector}/status")
    public ConnectorStateInfo getConnectorStatus(@PathParam("connector") String connector) {
        return herder.connectorStatus(connector);
    }

    @GET
    @Path("/{connector}/tasks")
    public List<TaskInfo> getTaskConfigs(@PathParam("connector") String connector) {
        Map<String, String> connectorConfig = herder.connectorConfig(connector);
        return herder.taskConfigs(connector).stream()
                .map(t -> new TaskInfo(t.id(), secrets.maskWith(t.config(), connectorConfig))).toList();
    }

    /** Apache's internal endpoint: a worker running the connector hands its task configs to the leader. */
    @POST
    @Path("/{connector}/tasks")
    public Response putTaskConfigs(@PathParam("connector") String connector,
                                   @HeaderParam(InternalRequestSignature.SIGNATURE_HEADER) String signature,
                                   @HeaderParam(InternalRequestSignature.ALGORITHM_HEADER) String algorithm,
                                   byte[] body) {
        List<Map<String, String>> taskConfigs;
        try {
            taskConfigs = body == null || body.length == 0 ? null : TASK_CONFIGS.readValue(body);
        } catch (java.io.IOException e) {
            taskConfigs = null;
        }
        if (taskConfigs == null) {
            throw HerderException.badRequest("Request body must be a JSON array of task configs");
        }
        // the signature covers the body as sent, so it is checked against these bytes, not a re-serialization
        herder.putTaskConfigs(connector, taskConfigs, InternalRequestSignature.fromHeaders(body, signature, algorithm));
        return Response.noContent().build();
    }

    @GET
    @Path("/{connector}/tasks/{task}/status")
    public ConnectorStateInfo.TaskState getTaskStatus(@PathParam("connector") String connector,
                                                      @PathParam("task") int task) {
        return herder.taskStatus(new ConnectorTaskId(connector, task));
    }

    @POST
    @Path("/{connector}/tasks/{task}/restart")
    public Response restartTask(@PathParam("connector") String connector, @PathParam("task") int task) {
        herder.restartTask(new ConnectorTaskId(connector, task));
        return Response.noContent().build();
    }

    @POST
    @Path("/{connector}/restart")
    public Response restartConnector(@PathParam("connector") String connector,
                                     @DefaultValue("false") @QueryParam("includeTasks") boolean includeTasks,
                                     @DefaultValue("false") @QueryParam("onlyFailed") boolean onlyFailed) {
        ConnectorStateInfo status = herder.restartConnector(connector, includeTasks, onlyFailed);
        if (!includeTasks && !onlyFailed) {
            return Response.noContent().build();
        }
        return Response.accepted(status).build();
    }

    @PUT
    @Path("/{connector}/pause")
    public Response pause(@PathParam("connector") String connector) {
        herder.setTargetState(connector, TargetState.PAUSED);
        return Response.accepted().build();
    }

    @PUT
    @Path("/{connector}/resume")
    public Response resume(@PathParam("connector") String connector) {
        herder.setTargetState(connector, TargetState.STARTED);
        return Response.accepted().build();
    }

    @PUT
    @Path("/{connector}/stop")
    public Response stop(@PathParam("connector") String connector) {
        herder.setTargetState(connector, TargetState.STOPPED);
        return Response.noContent().build();
    }

    @DELETE
    @Path("/{connector}")
    public Response deleteConnector(@PathParam("connector") String connector) {
        herder.deleteConnector(connector);
        return Response.noContent().build();
    }

    private ConnectorInfo masked(ConnectorInfo info) {
        return new ConnectorInfo(info.name(), secrets.mask(info.config()), info.tasks(), info.type());
    }

    /** The stored config, to put back secrets a client sends masked; null for a new connector. */
    static Map<String, String> storedOrNull(Herder herder, String connector) {
        try {
            return herder.connectorConfig(connector);
        } catch (HerderException.NotFound e) {
            return null;
        }
    }

    /** The longest URL-encoded connector name accepted: well inside the 8 KiB of a request line and its headers. */
    static final int MAX_ENCODED_NAME = 4096;

    private static void checkName(String name, Map<String, String> config) {
        if (name == null || name.isBlank()) {
            throw HerderException.badRequest("Connector name is required");
        }
        if (name.chars().anyMatch(Character::isISOControl)) {
            throw HerderException.badRequest("Connector name " + name + " contains control characters");
        }
        // every request about a connector carries its name in the URL: a name that does not fit one would make a
        // connector REST and the console could neither stop nor delete (Apache creates it, then cannot answer)
        int encoded = java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8).length();
        if (encoded > MAX_ENCODED_NAME) {
            throw HerderException.badRequest("Connector name is too long: " + encoded + " characters once encoded in "
                    + "a URL, at most " + MAX_ENCODED_NAME + " fit every request about the connector");
        }
        String inConfig = config.get(ConnectorConfig.NAME);
        if (inConfig != null && !inConfig.equals(name)) {
            throw HerderException.badRequest("Connector name configuration (" + inConfig
                    + ") doesn't match connector name in the URL (" + name + ")");
        }
    }

    private static TargetState parseInitialState(String state) {
        if (state == null) {
            return TargetState.STARTED;
        }
        String s = state.trim().toUpperCase(Locale.ROOT);
        if (s.equals("RUNNING")) {
            return TargetState.STARTED;
        }
        try {
            TargetState parsed = TargetState.valueOf(s);
            if (parsed != TargetState.STARTED) {
                return parsed;
            }
        } catch (IllegalArgumentException ignored) {
            // fall through to the error below
        }
        throw HerderException.badRequest("Invalid initial_state " + state + "; use RUNNING, PAUSED or STOPPED");
    }
}
