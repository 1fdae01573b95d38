package io.sluice.runtime.rest;

import io.sluice.runtime.herder.InternalRequestSignature;
import io.sluice.runtime.herder.RequestTargetException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Sends a request the herder says belongs to another worker (changes go to the leader) to that worker and
 * answers with its response, as Apache does: the first hop may be forwarded once more (?forward=true),
 * the second not (?forward=false), and a request that can't be forwarded any further is a 409.
 */
public final class RequestForwarder implements ExceptionMapper<RequestTargetException> {
    private static final Logger log = LoggerFactory.getLogger(RequestForwarder.class);
    private static final String BODY = RequestForwarder.class.getName() + ".body";
    private static final List<String> PASSED_HEADERS = List.of("Content-Type", "Accept", "Authorization",
            InternalRequestSignature.SIGNATURE_HEADER, InternalRequestSignature.ALGORITHM_HEADER);
    /** Apache's REST request timeout: the other worker runs the change within it or fails it. */
    private static final Duration TIMEOUT = Duration.ofSeconds(90);

    private final PeerHttpClient http;
    private final int unreachableStatus;
    private final int unreachableCode;

    @Context
    private HttpServletRequest request;

    /** Forwards with the given client (over TLS when the target is an https:// worker). */
    RequestForwarder(PeerHttpClient http) {
        this(http, 409, 409);
    }

    /**
     * A forwarder whose "cannot be forwarded (further)" answers carry this status and error code (the schema
     * registry's are Confluent's 500/50003: its clients read 409 as an incompatible schema).
     */
    public RequestForwarder(PeerHttpClient http, int unreachableStatus, int unreachableCode) {
        this.http = http;
        this.unreachableStatus = unreachableStatus;
        this.unreachableCode = unreachableCode;
    }

    /** Keeps the body of every change so it can be sent on if the herder refuses it here. */
    public static final class BodyKeeper implements ContainerRequestFilter {
        @Override
        public void filter(ContainerRequestContext context) throws IOException {
            if (!context.getMethod().equals("GET") && context.hasEntity()) {
                byte[] body = context.getEntityStream().readAllBytes();
                context.setProperty(BODY, body);
                context.setEntityStream(new ByteArrayInputStream(body));
            }
        }
    }

    @Override
    public Response toResponse(RequestTargetException e) {
        String forward = request.getParameter("forward");
        if ("false".equalsIgnoreCase(forward)) {
            return error(unreachableStatus, unreachableCode, "Cannot complete request because of a conflicting "
                    + "operation (e.g. worker rebalance): " + e.getMessage());
        }
        URI target = target(e.targetUrl(), forward == null ? "true" : "false");
        Object body = request.getAttribute(BODY);
        HttpRequest.Builder forwarded = HttpRequest.newBuilder(target).timeout(TIMEOUT)
                .method(request.getMethod(), body instanceof byte[] bytes
                        ? HttpRequest.BodyPublishers.ofByteArray(bytes) : HttpRequest.BodyPublishers.noBody());
        for (String header : PASSED_HEADERS) {
            String value = request.getHeader(header);
            if (value != null) {
                forwarded.header(header, value);
            }
        }
        log.debug("Forwarding {} {} to {} ({})", request.getMethod(), request.getRequestURI(), target, e.getMessage());
        try {
            HttpResponse<byte[]> response = http.send(forwarded.build(), HttpResponse.BodyHandlers.ofByteArray());
            Response.ResponseBuilder answer = Response.status(response.statusCode());
            if (response.body().length > 0) {
                answer.entity(response.body());
            }
            response.headers().firstValue("Content-Type").ifPresent(type -> answer.type(type));
            response.headers().firstValue("Location").ifPresent(location -> answer.header("Location", location));
            return answer.build();
        } catch (IOException failure) {
            return error(unreachableStatus, unreachableCode, "Could not reach worker " + e.targetUrl()
                    + " to complete the request (the cluster may be rebalancing); try again shortly: " + failure.getMessage());
        } catch (InterruptedException interrupted) {
            Thread.currentThread().interrupt();
            return error(503, 503, "Interrupted while forwarding the request to " + e.targetUrl());
        }
    }

    /** The same path and query at the target, with the forward parameter replaced. */
    private URI target(URI base, String forward) {
        StringBuilder query = new StringBuilder();
        String original = request.getQueryString();
        if (original != null) {
            for (String parameter : original.split("&")) {
                if (!parameter.isEmpty() && !parameter.startsWith("forward=") && !parameter.equals("forward")) {
                    query.append(parameter).append('&');
                }
            }
        }
        query.append("forward=").append(forward);
        String root = base.toString().endsWith("/") ? base.toString().substring(0, base.toString().length() - 1)
                : base.toString();
        return URI.create(root + request.getRequestURI() + "?" + query);
    }

    private static Response error(int status, int code, String message) {
        return Response.status(status).entity(new ErrorMessage(code, message)).type(MediaType.APPLICATION_JSON_TYPE)
                .build();
    }
}
