package io.sluice.runtime.rest;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.storage.StoreException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import org.apache.kafka.common.config.ConfigException;
import org.eclipse.jetty.http.HttpException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns every failure of a request into Apache's JSON error body; a client's mistake is a 4xx, never a stack trace. */
public final class RestExceptionMapper implements ExceptionMapper<Throwable> {
    private static final Logger log = LoggerFactory.getLogger(RestExceptionMapper.class);

    /** Jetty's own refusal while the body was read (e.g. 413, a body over the size limit), or null. */
    private static HttpException jettyRefusal(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (t instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return http;
            }
        }
        return null;
    }

    /** The HTTP status Apache's REST API answers each kind of refusal with. */
    static int status(HerderException refusal) {
        if (refusal instanceof HerderException.BadRequest) {
            return 400;
        } else if (refusal instanceof HerderException.Forbidden) {
            return 403;
        } else if (refusal instanceof HerderException.NotFound) {
            return 404;
        } else if (refusal instanceof HerderException.AlreadyExists || refusal instanceof HerderException.Conflict) {
            return 409;
        } else if (refusal instanceof HerderException.TooLarge) {
            return 413;
        } else if (refusal instanceof HerderException.Unavailable) {
            return 503;
        }
        return 500;
    }

    @Override
    public Response toResponse(Throwable e) {
        HttpException refusal = jettyRefusal(e);
        int status;
        String message;
        if (e instanceof HerderException he) {
            status = status(he);
            message = he.getMessage();
        } else if (e instanceof WebApplicationException wae) {
            status = wae.getResponse().getStatus();
            message = wae.getMessage();
            if (wae.getCause() instanceof JsonProcessingException jpe) {
                status = 400;
                message = JsonBodyErrors.describe(jpe);
            }
        } else if (e instanceof JsonProcessingException jpe) {
            status = 400;
            message = JsonBodyErrors.describe(jpe);
        } else if (refusal != null) {
            status = refusal.getCode();
            message = refusal.getReason();
        } else if (e instanceof java.io.IOException || e.getCause() instanceof java.io.IOException) {
            status = 400;
            message = "Could not read the request: the connection ended or the body was malformed";
        } else if (e instanceof ConfigException || e instanceof IllegalArgumentException) {
            status = 400;
            message = e.getMessage();
        } else if (e instanceof StoreException) {
            // Kafka away or slow: the message says what could not be done and asks whether Kafka is reachable; a
            // stack trace per refused request only buried that in the log (tryout16: 249 of an outage's 318 lines)
            status = 500;
            message = e.getMessage();
            log.warn("Request refused: {}", message);
        } else {
            status = 500;
            message = e.getMessage() == null ? e.getClass().getName() : e.getMessage();
            log.error("Request failed", e);
        }
        if (status >= 500) {
            log.debug("Request failed with {}", status, e);
        }
        return Response.status(status)
                .entity(new ErrorMessage(status, message))
                .type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}
