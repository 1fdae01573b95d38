package io.sluice.runtime.schemaregistry.api;

import io.sluice.runtime.rest.ErrorMessage;
import io.sluice.runtime.schemaregistry.RegistryException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Every failed registry request as Confluent's error body {"error_code": N, "message": "..."}, never a stack trace. */
final class RegistryExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger log = LoggerFactory.getLogger(RegistryExceptionMapper.class);

    @Override
    public Response toResponse(Throwable e) {
        int status;
        int code;
        String message;
        if (e instanceof RegistryException re) {
            status = re.status();
            code = re.errorCode();
            message = re.getMessage();
            if (status >= 500) {
                log.warn("Schema registry request failed: {}", message, e.getCause());
            }
        } else if (e instanceof WebApplicationException wae) {
            status = wae.getResponse().getStatus();
            code = status;
            // Jersey's own say "HTTP 404 Not Found"; NumberParams' name the parameter and the number it takes
            message = wae.getMessage() != null ? wae.getMessage()
                    : "HTTP " + status + " " + wae.getResponse().getStatusInfo().getReasonPhrase();
        } else {
            status = 500;
            code = 50001;
            message = "Internal error in the schema registry; the worker log has the details";
            log.error("Schema registry request failed", e);
        }
        return Response.status(status).entity(new ErrorMessage(code, message))
                .type(RegistryMediaTypes.V1_JSON).build();
    }
}
