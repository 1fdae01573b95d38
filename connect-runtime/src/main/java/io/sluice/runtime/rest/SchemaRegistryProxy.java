package io.sluice.runtime.rest;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * The worker's own schema registry, read through the REST API for the console (same origin, same users):
 * GET of any registry path and POST of compatibility checks under /schema-registry/; nothing that changes it.
 */
@Path("/schema-registry")
public final class SchemaRegistryProxy {
    private static final String TYPE = "application/vnd.schemaregistry.v1+json";
    private final URI registry;
    private final PeerHttpClient http;

    public SchemaRegistryProxy(URI registry, PeerHttpClient http) {
        this.registry = registry;
        this.http = http;
    }

    @GET
    @Path("/{path: .*}")
    public Response read(@PathParam("path") String path, @Context UriInfo uri, @Context HttpHeaders headers) {
        return send(HttpRequest.newBuilder(target(path, uri)).GET(), headers);
    }

    @POST
    @Path("/compatibility/{path: .*}")
    @Consumes(MediaType.WILDCARD)
    public Response check(@PathParam("path") String path, @Context UriInfo uri, @Context HttpHeaders headers,
                          String body) {
        return send(HttpRequest.newBuilder(target("compatibility/" + path, uri))
                .POST(HttpRequest.BodyPublishers.ofString(body == null ? "" : body)).header("Content-Type", TYPE), headers);
    }

    private URI target(String path, UriInfo uri) {
        String query = uri.getRequestUri().getRawQuery();
        String rawPath = uri.getRequestUri().getRawPath();
        String tail = rawPath.substring(rawPath.indexOf("/schema-registry") + "/schema-registry".length());
        return URI.create(registry.toString().replaceAll("/$", "") + (tail.isEmpty() ? "/" : tail)
                + (query == null ? "" : "?" + query));
    }

    /** Sends the request on, with the caller's credentials: the registry has the REST API's users. */
    private Response send(HttpRequest.Builder request, HttpHeaders headers) {
        String authorization = headers.getHeaderString(HttpHeaders.AUTHORIZATION);
        if (authorization != null) {
            request.header(HttpHeaders.AUTHORIZATION, authorization);
        }
        try {
            HttpResponse<byte[]> answer = http.send(request.timeout(Duration.ofSeconds(30)).header("Accept", TYPE).build(),
                    HttpResponse.BodyHandlers.ofByteArray());
            return Response.status(answer.statusCode()).entity(answer.body()).type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (IOException e) {
            return Response.status(502).entity(new ErrorMessage(502, "The schema registry at " + registry
                    + " did not answer: " + e.getMessage())).type(MediaType.APPLICATION_JSON_TYPE).build();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Response.status(503).entity(new ErrorMessage(503, "Interrupted")).type(MediaType.APPLICATION_JSON_TYPE)
                    .build();
        }
    }
}
