package io.sluice.runtime.schemaregistry.api;

import io.sluice.runtime.schemaregistry.SchemaRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** /compatibility: would this schema be accepted after a version (or after the versions the level checks)? */
@Path("/compatibility/subjects/{subject}/versions")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, MediaType.APPLICATION_JSON})
@Consumes(MediaType.WILDCARD)
public final class CompatibilityResource {
    private final SchemaRegistry registry;

    public CompatibilityResource(SchemaRegistry registry) {
        this.registry = registry;
    }

    @POST
    public Map<String, Object> againstLevel(@PathParam("subject") String subject, @QueryParam("verbose") boolean verbose,
                                            @QueryParam("normalize") boolean normalize, String body) {
        return answer(registry.checkCompatibility(subject, null, RegistryBodies.schemaRequest(body), normalize), verbose);
    }

    @POST
    @Path("/{version}")
    public Map<String, Object> againstVersion(@PathParam("subject") String subject, @PathParam("version") String version,
                                              @QueryParam("verbose") boolean verbose,
                                              @QueryParam("normalize") boolean normalize, String body) {
        return answer(registry.checkCompatibility(subject, version, RegistryBodies.schemaRequest(body), normalize), verbose);
    }

    private static Map<String, Object> answer(List<String> problems, boolean verbose) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("is_compatible", problems.isEmpty());
        if (verbose) {
            body.put("messages", problems);
        }
        return body;
    }
}
