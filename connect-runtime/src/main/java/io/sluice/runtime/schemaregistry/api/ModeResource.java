package io.sluice.runtime.schemaregistry.api;

import io.sluice.runtime.schemaregistry.Mode;
import io.sluice.runtime.schemaregistry.SchemaRegistry;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.Map;

/** /mode: the global and per-subject mode (READWRITE, READONLY, READONLY_OVERRIDE, IMPORT). */
@Path("/mode")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, MediaType.APPLICATION_JSON})
@Consumes(MediaType.WILDCARD)
public final class ModeResource {
    private final SchemaRegistry registry;

    public ModeResource(SchemaRegistry registry) {
        this.registry = registry;
    }

    @GET
    public Map<String, String> global() {
        return Map.of("mode", registry.settings().globalMode().name());
    }

    @PUT
    public Map<String, String> setGlobal(@QueryParam("force") boolean force, String body) {
        return set(null, force, body);
    }

    @GET
    @Path("/{subject}")
    public Map<String, String> subject(@PathParam("subject") String subject,
                                       @QueryParam("defaultToGlobal") boolean defaultToGlobal) {
        return Map.of("mode", registry.settings().mode(subject, defaultToGlobal).name());
    }

    @PUT
    @Path("/{subject}")
    public Map<String, String> setSubject(@PathParam("subject") String subject, @QueryParam("force") boolean force,
                                          String body) {
        return set(subject, force, body);
    }

    @DELETE
    @Path("/{subject}")
    public Map<String, String> deleteSubject(@PathParam("subject") String subject) {
        return Map.of("mode", registry.settings().deleteMode(subject).name());
    }

    private Map<String, String> set(String subject, boolean force, String body) {
        Mode mode = Mode.parse(RegistryBodies.text(RegistryBodies.object(body), "mode"));
        registry.settings().setMode(subject, mode, force, registry.hasSchemas(subject));
        return Map.of("mode", mode.name());
    }
}
