package io.sluice.runtime.schemaregistry.api;

import io.sluice.runtime.metrics.MetricGroup;
import io.sluice.runtime.metrics.MetricsRegistry;
import io.sluice.runtime.metrics.Stat;
import io.sluice.runtime.schemaregistry.SchemaRegistry;
import io.sluice.runtime.schemaregistry.storage.WriterElection;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.util.concurrent.atomic.LongAdder;

/**
 * The registry's figures in the worker's metrics (JMX kafka.connect:type=schema-registry-metrics, and
 * kafka_connect_schema_registry_metrics_* in GET /metrics): requests by outcome with their latency, registrations,
 * subjects, schemas, and whether this registry is its topic's writer.
 */
final class RegistryMetrics implements ContainerRequestFilter, ContainerResponseFilter {
    private static final String STARTED = RegistryMetrics.class.getName() + ".started";

    private final LongAdder requests = new LongAdder();
    private final LongAdder clientErrors = new LongAdder();
    private final LongAdder serverErrors = new LongAdder();
    private volatile Stat latency;
    private MetricsRegistry metrics;
    private MetricGroup group;

    @Override
    public void filter(ContainerRequestContext request) {
        request.setProperty(STARTED, System.nanoTime());
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        requests.increment();
        if (response.getStatus() >= 500) {
            serverErrors.increment();
        } else if (response.getStatus() >= 400) {
            clientErrors.increment();
        }
        Stat stat = latency;
        if (stat != null && request.getProperty(STARTED) instanceof Long started) {
            stat.record((System.nanoTime() - started) / 1_000_000);
        }
    }

    /** Registers the group in the worker's metrics. */
    synchronized void register(MetricsRegistry registry, SchemaRegistry schemas, WriterElection election) {
        MetricGroup g = registry.group("schema-registry-metrics");
        g.counter("request-total", "Requests the registry answered.", requests::sum);
        g.counter("request-client-error-total", "Requests answered with a 4xx error (the client's mistake).",
                clientErrors::sum);
        g.counter("request-server-error-total", "Requests answered with a 5xx error (Kafka unreachable, no writer).",
                serverErrors::sum);
        g.rate("request-rate", "Requests per second.", requests::sum);
        latency = g.stat("request-latency-avg", "Average request time in ms.", "request-latency-max",
                "Longest request time in ms.");
        g.counter("versions-registered-total", "Schema versions this registry wrote.", schemas::versionsRegistered);
        g.gauge("subjects", "Subjects with a live version.", () -> schemas.subjects(null, false).size());
        g.gauge("schemas", "Distinct schemas (ids) in the schemas topic.", schemas::schemaCount);
        g.gauge("writer", "1 when this registry writes to its topic, 0 when it forwards writes.",
                () -> election.isWriter() ? 1 : 0);
        registry.register(g);
        this.metrics = registry;
        this.group = g;
    }

    synchronized void unregister() {
        if (metrics != null) {
            metrics.unregister(group);
            metrics = null;
        }
    }
}
