package io.sluice.runtime.rest;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.herder.ConnectorStateInfo;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.metrics.TaskLive;
import io.sluice.runtime.metrics.TaskMetrics;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.container.ContainerResponseFilter;
import java.time.Instant;
import java.util.Map;

/**
 * Adds a "live" object to every task of a status answer (GET /connectors/{name}/status,
 * /tasks/{id}/status, ?expand=status) for the tasks running on this worker: records per second in,
 * out and (sinks) written over the last minute and the last 5 seconds, totals since the task first started on
 * this worker, records pending, errors, the last error's time and, for sinks, the lag of each partition. Apache's
 * fields are left exactly as they are; clients that don't know "live" ignore it. Not in an answer to a request another
 * worker forwarded (?forward=): that worker may be Apache's, whose client refuses fields it does not know (a restart
 * sent to an Apache worker while Sluice led answered 500 "Unrecognized field live" although it was carried out).
 */
final class LiveStatusFilter implements ContainerResponseFilter {
    static final String FIELD = "live";

    private final ConnectMetrics metrics;
    private final ObjectMapper mapper;

    LiveStatusFilter(ConnectMetrics metrics, ObjectMapper mapper) {
        this.metrics = metrics;
        this.mapper = mapper;
    }

    @Override
    public void filter(ContainerRequestContext request, ContainerResponseContext response) {
        if ((response.getStatus() != 200 && response.getStatus() != 202)
                || request.getUriInfo().getQueryParameters().containsKey("forward")) {
            return;
        }
        Object entity = response.getEntity();
        if (entity instanceof ConnectorStateInfo status) {
            response.setEntity(withLive(status));
        } else if (entity instanceof ConnectorStateInfo.TaskState task) {
            String connector = request.getUriInfo().getPathParameters().getFirst("connector");
            ObjectNode node = mapper.valueToTree(task);
            addLive(node, connector, task.id());
            response.setEntity(node);
        } else if (entity instanceof Map<?, ?> map && !map.isEmpty()) {
            for (Object value : map.values()) {
                if (value instanceof Map<?, ?> inner && inner.get("status") instanceof ConnectorStateInfo status) {
                    @SuppressWarnings("unchecked")
                    Map<String, Object> entry = (Map<String, Object>) inner;
                    entry.put("status", withLive(status));
                }
            }
        }
    }

    private JsonNode withLive(ConnectorStateInfo status) {
        ObjectNode node = mapper.valueToTree(status);
        JsonNode tasks = node.get("tasks");
        if (tasks != null) {
            for (JsonNode task : tasks) {
                if (task instanceof ObjectNode t && t.has("id")) {
                    addLive(t, status.name(), t.get("id").asInt());
                }
            }
        }
        return node;
    }

    private void addLive(ObjectNode task, String connector, int id) {
        if (connector == null) {
            return;
        }
        TaskMetrics m = metrics.task(connector, id);
        if (m == null) {
            return;
        }
        task.set(FIELD, toJson(mapper, m.live()));
    }

    static ObjectNode toJson(ObjectMapper mapper, TaskLive live) {
        ObjectNode out = mapper.createObjectNode();
        out.put("type", live.type());
        out.put("window_seconds", live.windowSeconds());
        out.put("recent_window_seconds", live.recentWindowSeconds());
        flow(out, "in", live.in());
        flow(out, "out", live.out());
        if (live.written() != null) {
            flow(out, "written", live.written());
        }
        out.put("records_pending", live.pending());
        out.put("errors_total", live.errors());
        if (live.lastErrorTime() > 0) {
            out.put("last_error_time", Instant.ofEpochMilli(live.lastErrorTime()).toString());
        }
        if (live.lag() != null) {
            ObjectNode lag = out.putObject("lag");
            long total = 0;
            for (Map.Entry<String, Long> e : live.lag().entrySet()) {
                lag.put(e.getKey(), e.getValue());
                total += e.getValue();
            }
            out.put("lag_total", total);
        }
        return out;
    }

    /** records_{name}_per_second (the window), _per_second_recent (the last seconds) and _total. */
    private static void flow(ObjectNode out, String name, TaskLive.Flow flow) {
        out.put("records_" + name + "_per_second", flow.perSecond());
        out.put("records_" + name + "_per_second_recent", flow.perSecondRecent());
        out.put("records_" + name + "_total", flow.total());
    }
}
