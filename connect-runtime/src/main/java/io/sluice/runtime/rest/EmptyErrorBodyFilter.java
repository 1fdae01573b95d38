package io.sluice.runtime.rest;

import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import jakarta.ws.rs.core.MediaType;

/** Gives Apache's JSON error body to error responses Jersey built without one (e.g. unparsable Accept or Content-Type headers). */
final class EmptyErrorBodyFilter implements ContainerResponseFilter {
    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        int status = response.getStatus();
        if (status >= 400 && !response.hasEntity()) {
            String reason = response.getStatusInfo().getReasonPhrase();
            response.setEntity(new ErrorMessage(status, "HTTP " + status + " " + (reason == null ? "Error" : reason)),
                    null, MediaType.APPLICATION_JSON_TYPE);
        }
    }
}
