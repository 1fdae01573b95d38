package io.sluice.runtime.rest;

import io.sluice.runtime.herder.HerderException;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.apache.logging.log4j.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /admin/loggers: the worker's log levels, changed at runtime (KIP-495, KIP-976 scopes). */
@Path("/admin/loggers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class LoggersResource {
    private static final Logger log = LoggerFactory.getLogger(LoggersResource.class);
    private static final Set<String> LEVELS = Set.of("OFF", "FATAL", "ERROR", "WARN", "INFO", "DEBUG", "TRACE", "ALL");

    private final LoggerLevels levels = new LoggerLevels();

    @GET
    public Map<String, LoggerLevels.LoggerLevel> listLoggers() {
        return levels.all();
    }

    @GET
    @Path("/{logger}")
    public LoggerLevels.LoggerLevel getLogger(@PathParam("logger") String name) {
        LoggerLevels.LoggerLevel level = levels.level(name);
        if (level == null) {
            throw new HerderException(404, "Logger " + name + " not found.");
        }
        return level;
    }

    @PUT
    @Path("/{logger}")
    public Response setLevel(@PathParam("logger") String namespace, Map<String, Object> body,
                             @DefaultValue("worker") @QueryParam("scope") String scope) {
        Object requested = body == null ? null : body.get("level");
        if (!(requested instanceof String levelName) || levelName.isBlank()) {
            throw HerderException.badRequest("Desired 'level' parameter was not specified in the request.");
        }
        String upper = levelName.trim().toUpperCase(Locale.ROOT);
        if (!LEVELS.contains(upper)) {
            throw HerderException.badRequest("Invalid log level '" + levelName + "'.");
        }
        var affected = levels.set(namespace, Level.toLevel(upper));
        log.info("Log level of {} set to {} ({} logger(s))", namespace, upper, affected.size());
        if ("cluster".equalsIgnoreCase(scope)) {
            // a standalone worker is the whole cluster; Apache answers a cluster-scoped change with 204
            return Response.noContent().build();
        }
        return Response.ok(affected).build();
    }
}
