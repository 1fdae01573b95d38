package io.sluice.runtime.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** GET / */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class RootResource {
    private final ServerInfo info;

    public RootResource(ServerInfo info) {
        this.info = info;
    }

    @GET
    public ServerInfo serverInfo() {
        return info;
    }
}
