package io.sluice.runtime.rest;

import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Collection;
import java.util.Map;

/** /connectors/{name}/topics (KIP-558): the topics a connector used, and their reset. */
@Path("/connectors/{connector}/topics")
@Produces(MediaType.APPLICATION_JSON)
public final class ConnectorTopicsResource {
    private final Herder herder;
    private final boolean trackingEnabled;
    private final boolean resetAllowed;

    public ConnectorTopicsResource(Herder herder, boolean trackingEnabled, boolean resetAllowed) {
        this.herder = herder;
        this.trackingEnabled = trackingEnabled;
        this.resetAllowed = resetAllowed;
    }

    @GET
    public Map<String, Map<String, Collection<String>>> getTopics(@PathParam("connector") String connector) {
        if (!trackingEnabled) {
            throw new HerderException.Forbidden("Topic tracking is disabled.");
        }
        return Map.of(connector, Map.of("topics", herder.connectorActiveTopics(connector)));
    }

    @PUT
    @Path("/reset")
    public Response resetTopics(@PathParam("connector") String connector) {
        if (!trackingEnabled) {
            throw new HerderException.Forbidden("Topic tracking is disabled.");
        }
        if (!resetAllowed) {
            throw new HerderException.Forbidden("Topic tracking reset is disabled.");
        }
        herder.resetConnectorActiveTopics(connector);
        return Response.accepted().build();
    }
}
