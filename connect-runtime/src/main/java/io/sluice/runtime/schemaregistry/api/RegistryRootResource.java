package io.sluice.runtime.schemaregistry.api;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/**
 * GET / answers {} as Confluent's registry does (clients and load balancers use it as a liveness check); GET
 * /contexts lists the one context this registry has, the default ".".
 */
@Path("/")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, MediaType.APPLICATION_JSON})
public final class RegistryRootResource {
    @GET
    public Map<String, Object> root() {
        return Map.of();
    }

    @GET
    @Path("contexts")
    public java.util.List<String> contexts() {
        return java.util.List.of(".");
    }
}
