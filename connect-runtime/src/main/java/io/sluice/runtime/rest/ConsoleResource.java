package io.sluice.runtime.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.UriInfo;
import java.io.IOException;
import java.io.InputStream;
import java.util.Map;

/**
 * The web console: plain HTML, JavaScript and CSS from the runtime jar
 * ({@code io/sluice/runtime/console/}, one script per page, listed in index.html), served at {@code /console/}.
 * The page only calls the REST API.
 */
@Path("/console")
public final class ConsoleResource {
    private static final String ROOT = "io/sluice/runtime/console/";
    private static final Map<String, String> TYPES = Map.of(
            "html", "text/html; charset=utf-8",
            "js", "text/javascript; charset=utf-8",
            "css", "text/css; charset=utf-8",
            "svg", "image/svg+xml",
            "png", "image/png",
            "ico", "image/x-icon");

    /** /console redirects to /console/ (so the page's relative links resolve); /console/ is the page. */
    @GET
    public Response index(@Context UriInfo uri) {
        if (!uri.getRequestUri().getPath().endsWith("/")) {
            return Response.seeOther(uri.getBaseUriBuilder().path("console/").build()).build();
        }
        return file("index.html");
    }

    @GET
    @Path("/{file}")
    public Response file(@PathParam("file") String file) {
        if (file.isEmpty()) {
            return file("index.html");
        }
        int dot = file.lastIndexOf('.');
        String type = dot < 0 ? null : TYPES.get(file.substring(dot + 1));
        if (type == null || file.contains("..") || file.contains("/")) {
            return notFound(file);
        }
        InputStream in = ConsoleResource.class.getClassLoader().getResourceAsStream(ROOT + file);
        if (in == null) {
            return notFound(file);
        }
        byte[] bytes;
        try (in) {
            bytes = in.readAllBytes();
        } catch (IOException e) {
            return notFound(file);
        }
        // only the console's own files may run or style the page: a value shown in it can never become script
        return Response.ok(bytes).type(type).header("Cache-Control", "no-cache")
                .header("X-Content-Type-Options", "nosniff")
                .header("Content-Security-Policy", "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'")
                .build();
    }

    private static Response notFound(String file) {
        return Response.status(404).type("application/json")
                .entity(new ErrorMessage(404, "No console file " + file)).build();
    }
}
