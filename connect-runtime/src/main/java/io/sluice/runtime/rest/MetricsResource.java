package io.sluice.runtime.rest;

import io.sluice.runtime.metrics.MetricsRegistry;
import io.sluice.runtime.metrics.PrometheusText;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.Response;

/**
 * GET /metrics: the worker's metrics (the same meters as its JMX MBeans) in Prometheus text format, at most about a
 * second old (see {@link MetricsRegistry#prometheusText()}).
 */
@Path("/metrics")
public final class MetricsResource {
    private final MetricsRegistry registry;

    public MetricsResource(MetricsRegistry registry) {
        this.registry = registry;
    }

    @GET
    @Produces({"text/plain", "*/*"})
    public Response metrics() {
        return Response.ok(registry.prometheusText())
                .type(PrometheusText.CONTENT_TYPE)
                .header("Cache-Control", "no-store")
                .build();
    }
}
