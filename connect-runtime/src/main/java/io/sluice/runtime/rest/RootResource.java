package io.sluice.runtime.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

/** GET / : the server's info, read when asked (the Kafka cluster id is known once the stores have started). */
@Path("/")
@Produces(MediaType.APPLICATION_JSON)
public final class RootResource {
    private final java.util.function.Supplier<ServerInfo> info;

    public RootResource(java.util.function.Supplier<ServerInfo> info) {
        this.info = info;
    }

    @GET
    public ServerInfo serverInfo() {
        return info.get();
    }
}
