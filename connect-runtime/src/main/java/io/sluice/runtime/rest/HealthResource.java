package io.sluice.runtime.rest;

import io.sluice.runtime.herder.Herder;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;

/** GET /health (KIP-1017): 200 healthy, 503 while starting, 500 when the herder does not answer in time. */
@Path("/health")
@Produces(MediaType.APPLICATION_JSON)
public final class HealthResource {
    /** How long the herder's control thread gets to answer a health probe. */
    static final long PROBE_TIMEOUT_MS = 10_000;

    /** The body of GET /health: {"status", "message"}. */
    public record WorkerHealth(String status, String message) {
    }

    private final Herder herder;

    public HealthResource(Herder herder) {
        this.herder = herder;
    }

    /** KIP-1017's answer while the worker starts. */
    static Response starting() {
        return Response.status(503).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new WorkerHealth("starting", "Worker is still starting up.")).build();
    }

    @GET
    public Response health() {
        // a distributed worker that has not joined its cluster yet is starting (Apache's 503), not stuck (500)
        if (herder == null || !herder.ready()) {
            return starting();
        }
        if (herder.healthy(PROBE_TIMEOUT_MS)) {
            return Response.ok(new WorkerHealth("healthy",
                    "Worker has completed startup and is ready to handle requests.")).build();
        }
        return Response.status(500).entity(new WorkerHealth("unhealthy",
                "Worker was unable to handle this request and may be unable to handle other requests.")).build();
    }
}
