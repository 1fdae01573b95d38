package io.sluice.runtime.rest;

import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.herder.LoggerLevels;
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
import org.apache.logging.log4j.Level;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** /admin/loggers: the worker's log levels, changed at runtime on this worker or the whole cluster (KIP-495, KIP-976). */
@Path("/admin/loggers")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public final class LoggersResource {
    private static final Logger log = LoggerFactory.getLogger(LoggersResource.class);

    private final Herder herder;
    private final LoggerLevels levels;

    public LoggersResource(Herder herder) {
        this.herder = herder;
        this.levels = herder.loggers();
    }

    @GET
    public Map<String, LoggerLevels.LoggerLevel> listLoggers() {
        return levels.all();
    }

    @GET
    @Path("/{logger}")
    public LoggerLevels.LoggerLevel getLogger(@PathParam("logger") String name) {
        LoggerLevels.LoggerLevel level = levels.level(name);
        if (level == null) {
            throw new HerderException.NotFound("Logger " + name + " not found.");
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
        if (!LoggerLevels.LEVELS.contains(upper)) {
            throw HerderException.badRequest("Invalid log level '" + levelName + "'.");
        }
        if ("cluster".equalsIgnoreCase(scope)) {
            // every worker applies it when it reads it back (a standalone worker at once); Apache answers 204
            herder.setClusterLoggerLevel(namespace, upper);
            log.info("Log level of {} set to {} on every worker of the cluster", namespace, upper);
            return Response.noContent().build();
        }
        var affected = levels.set(namespace, Level.toLevel(upper));
        log.info("Log level of {} set to {} ({} logger(s))", namespace, upper, affected.size());
        return Response.ok(affected).build();
    }
}
