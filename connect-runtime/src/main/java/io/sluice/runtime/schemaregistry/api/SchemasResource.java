package io.sluice.runtime.schemaregistry.api;

import io.sluice.runtime.schemaregistry.SchemaRegistry;
import io.sluice.runtime.schemaregistry.SchemaVersion;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import java.util.Map;

/** /schemas: every subject's versions, schemas by global id (text, subjects, versions) and the schema types served. */
@Path("/schemas")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, MediaType.APPLICATION_JSON})
public final class SchemasResource {
    private final SchemaRegistry registry;

    public SchemasResource(SchemaRegistry registry) {
        this.registry = registry;
    }

    /**
     * Confluent's list of schemas: versions of the subjects with subjectPrefix, by subject and version, from offset
     * (none skipped when negative), at most limit of them (all when limit is not positive).
     */
    @GET
    public List<Map<String, Object>> schemas(@QueryParam("subjectPrefix") String prefix,
                                             @QueryParam("deleted") boolean deleted,
                                             @QueryParam("latestOnly") boolean latestOnly,
                                             @QueryParam("offset") @DefaultValue("0") int offset,
                                             @QueryParam("limit") @DefaultValue("-1") int limit) {
        return registry.schemas(prefix, deleted, latestOnly).stream().skip(Math.max(0, offset))
                .limit(limit > 0 ? limit : Long.MAX_VALUE).map(RegistryBodies::version).toList();
    }

    @GET
    @Path("/ids/{id}")
    public Map<String, Object> schema(@PathParam("id") int id, @QueryParam("subject") String subject) {
        return RegistryBodies.schema(registry.schemaById(id, subject));
    }

    @GET
    @Path("/ids/{id}/schema")
    public String schemaText(@PathParam("id") int id, @QueryParam("subject") String subject) {
        return registry.schemaById(id, subject).schema();
    }

    @GET
    @Path("/ids/{id}/subjects")
    public List<String> subjects(@PathParam("id") int id, @QueryParam("deleted") boolean deleted) {
        return registry.versionsWithId(id, deleted).stream().map(SchemaVersion::subject).distinct().sorted().toList();
    }

    @GET
    @Path("/ids/{id}/versions")
    public List<SubjectVersion> versions(@PathParam("id") int id, @QueryParam("deleted") boolean deleted) {
        return registry.versionsWithId(id, deleted).stream().map(v -> new SubjectVersion(v.subject(), v.version())).toList();
    }

    /** One subject's version that has an id. */
    public record SubjectVersion(String subject, int version) {
    }

    /** Only Avro: this registry has no JSON Schema or Protobuf provider (yet). */
    @GET
    @Path("/types")
    public List<String> types() {
        return List.of(SchemaVersion.AVRO);
    }
}
