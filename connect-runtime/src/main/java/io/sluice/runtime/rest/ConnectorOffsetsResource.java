package io.sluice.runtime.rest;

import io.sluice.runtime.herder.ConnectorOffsets;
import io.sluice.runtime.herder.Herder;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PATCH;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** /connectors/{name}/offsets (KIP-875): read any time, alter or reset only while the connector is STOPPED. */
@Path("/connectors/{connector}/offsets")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class ConnectorOffsetsResource {
    private final Herder herder;

    public ConnectorOffsetsResource(Herder herder) {
        this.herder = herder;
    }

    @GET
    public ConnectorOffsets getOffsets(@PathParam("connector") String connector) {
        return herder.connectorOffsets(connector);
    }

    @PATCH
    public Map<String, String> alterOffsets(@PathParam("connector") String connector, ConnectorOffsets offsets) {
        return Map.of("message", herder.alterConnectorOffsets(connector, offsets));
    }

    @DELETE
    public Map<String, String> resetOffsets(@PathParam("connector") String connector) {
        return Map.of("message", herder.resetConnectorOffsets(connector));
    }
}
