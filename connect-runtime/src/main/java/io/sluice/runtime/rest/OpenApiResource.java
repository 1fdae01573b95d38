package io.sluice.runtime.rest;

import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.io.IOException;
import java.io.InputStream;

/** GET /openapi.json: the OpenAPI 3 description of the whole REST API, a static resource kept beside the code. */
@Path("/openapi.json")
public final class OpenApiResource {
    static final String RESOURCE = "/io/sluice/runtime/rest/openapi.json";

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    public Response openApi() throws IOException {
        try (InputStream in = OpenApiResource.class.getResourceAsStream(RESOURCE)) {
            if (in == null) {
                return Response.status(404).entity(new ErrorMessage(404, "No OpenAPI document in this build")).build();
            }
            return Response.ok(in.readAllBytes(), MediaType.APPLICATION_JSON_TYPE).build();
        }
    }
}
