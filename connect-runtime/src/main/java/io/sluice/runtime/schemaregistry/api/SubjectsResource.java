package io.sluice.runtime.schemaregistry.api;

import io.sluice.runtime.schemaregistry.SchemaRegistry;
import io.sluice.runtime.schemaregistry.SchemaVersion;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** /subjects: Confluent's subject and version endpoints (list, register, lookup, get, delete, referencedby). */
@Path("/subjects")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, MediaType.APPLICATION_JSON})
@Consumes(MediaType.WILDCARD)
public final class SubjectsResource {
    private final SchemaRegistry registry;

    public SubjectsResource(SchemaRegistry registry) {
        this.registry = registry;
    }

    @GET
    public List<String> subjects(@QueryParam("subjectPrefix") String prefix, @QueryParam("deleted") boolean deleted) {
        return registry.subjects(prefix, deleted);
    }

    @POST
    @Path("/{subject}")
    public Map<String, Object> lookup(@PathParam("subject") String subject, @QueryParam("normalize") boolean normalize,
                                      @QueryParam("deleted") boolean deleted, String body) {
        return RegistryBodies.version(registry.lookup(subject, RegistryBodies.schemaRequest(body), normalize, deleted));
    }

    @DELETE
    @Path("/{subject}")
    public List<Integer> deleteSubject(@PathParam("subject") String subject, @QueryParam("permanent") boolean permanent) {
        return registry.deleteSubject(subject, permanent);
    }

    @GET
    @Path("/{subject}/versions")
    public List<Integer> versions(@PathParam("subject") String subject, @QueryParam("deleted") boolean deleted) {
        return registry.versions(subject, deleted);
    }

    @POST
    @Path("/{subject}/versions")
    public Map<String, Object> register(@PathParam("subject") String subject, @QueryParam("normalize") boolean normalize,
                                        String body) {
        SchemaVersion registered = registry.register(subject, RegistryBodies.schemaRequest(body), normalize);
        return Map.of("id", registered.id());
    }

    @GET
    @Path("/{subject}/versions/{version}")
    public Map<String, Object> version(@PathParam("subject") String subject, @PathParam("version") String version,
                                       @QueryParam("deleted") boolean deleted) {
        return RegistryBodies.version(registry.version(subject, version, deleted));
    }

    /** The schema text alone, as stored. */
    @GET
    @Path("/{subject}/versions/{version}/schema")
    public String schemaText(@PathParam("subject") String subject, @PathParam("version") String version,
                             @QueryParam("deleted") boolean deleted) {
        return registry.version(subject, version, deleted).schema();
    }

    @GET
    @Path("/{subject}/versions/{version}/referencedby")
    public List<Integer> referencedBy(@PathParam("subject") String subject, @PathParam("version") String version) {
        return registry.referencedBy(subject, version);
    }

    @DELETE
    @Path("/{subject}/versions/{version}")
    public int deleteVersion(@PathParam("subject") String subject, @PathParam("version") String version,
                             @QueryParam("permanent") boolean permanent) {
        return registry.deleteVersion(subject, version, permanent);
    }
}
