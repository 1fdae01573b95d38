package io.sluice.runtime.schemaregistry.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.schemaregistry.RegistrySettings;
import io.sluice.runtime.schemaregistry.compatibility.CompatibilityLevel;
import io.sluice.runtime.schemaregistry.storage.RegistryRecord.ConfigValue;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;

/** /config: the global and per-subject compatibility level (and normalize), as Confluent's registry. */
@Path("/config")
@Produces({RegistryMediaTypes.V1_JSON, RegistryMediaTypes.JSON, MediaType.APPLICATION_JSON})
@Consumes(MediaType.WILDCARD)
public final class ConfigResource {
    private final RegistrySettings settings;

    public ConfigResource(RegistrySettings settings) {
        this.settings = settings;
    }

    @GET
    public Map<String, Object> global() {
        return body(settings.globalConfig(), "compatibilityLevel");
    }

    @PUT
    public Map<String, Object> setGlobal(String body) {
        return set(null, body);
    }

    @DELETE
    public Map<String, Object> deleteGlobal() {
        return body(settings.deleteConfig(null), "compatibilityLevel");
    }

    @GET
    @Path("/{subject}")
    public Map<String, Object> subject(@PathParam("subject") String subject,
                                       @QueryParam("defaultToGlobal") boolean defaultToGlobal) {
        return body(settings.config(subject, defaultToGlobal), "compatibilityLevel");
    }

    @PUT
    @Path("/{subject}")
    public Map<String, Object> setSubject(@PathParam("subject") String subject, String body) {
        return set(subject, body);
    }

    @DELETE
    @Path("/{subject}")
    public Map<String, Object> deleteSubject(@PathParam("subject") String subject) {
        return body(settings.deleteConfig(subject), "compatibilityLevel");
    }

    /** PUT answers with the request's names: {"compatibility": ...}. */
    private Map<String, Object> set(String subject, String body) {
        JsonNode request = RegistryBodies.object(body);
        String level = RegistryBodies.text(request, "compatibility");
        if (level == null) {
            level = RegistryBodies.text(request, "compatibilityLevel");
        }
        Boolean normalize = request.hasNonNull("normalize") ? request.get("normalize").asBoolean() : null;
        if (level == null && normalize == null) {
            throw io.sluice.runtime.schemaregistry.RegistryException.invalidCompatibilityLevel();
        }
        CompatibilityLevel parsed = level == null ? null : CompatibilityLevel.named(level)
                .orElseThrow(io.sluice.runtime.schemaregistry.RegistryException::invalidCompatibilityLevel);
        settings.setConfig(subject, parsed, normalize);
        return body(new ConfigValue(parsed, normalize), "compatibility");
    }

    private static Map<String, Object> body(ConfigValue value, String levelName) {
        Map<String, Object> body = new LinkedHashMap<>();
        if (value.normalize() != null) {
            body.put("normalize", value.normalize());
        }
        if (value.compatibilityLevel() != null) {
            body.put(levelName, value.compatibilityLevel().name());
        }
        return body;
    }
}
