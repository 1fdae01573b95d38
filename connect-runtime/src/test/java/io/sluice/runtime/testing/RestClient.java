package io.sluice.runtime.testing;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/** A plain HTTP client for the Connect REST API, as scripts and tools use it. */
public final class RestClient {
    private static final ObjectMapper JSON = new ObjectMapper();
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final URI base;

    /** A response: status code and body parsed as JSON (null when empty). */
    public record Response(int status, JsonNode body, String raw) {
        public <T> T as(TypeReference<T> type) {
            return JSON.convertValue(body, type);
        }
    }

    public RestClient(URI base) {
        this.base = base;
    }

    public Response get(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).GET());
    }

    public Response delete(String path) {
        return send(HttpRequest.newBuilder(base.resolve(path)).DELETE());
    }

    public Response post(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).POST(json(body))
                .header("Content-Type", "application/json"));
    }

    public Response put(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).PUT(json(body))
                .header("Content-Type", "application/json"));
    }

    /** Sends a raw body, for malformed-request tests. */
    public Response sendRaw(String method, String path, String body) {
        return send(HttpRequest.newBuilder(base.resolve(path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json"));
    }

    /** Creates a connector (POST /connectors) and returns the response. */
    public Response createConnector(String name, Map<String, String> config) {
        return post("/connectors", Map.of("name", name, "config", config));
    }

    /** The connector's state, or null when it has no status yet. */
    public String connectorState(String name) {
        Response r = get("/connectors/" + name + "/status");
        return r.status() == 200 ? r.body().path("connector").path("state").asText(null) : null;
    }

    /** The task's state, or null when the task does not exist yet. */
    public String taskState(String name, int task) {
        Response r = get("/connectors/" + name + "/status");
        if (r.status() != 200) {
            return null;
        }
        for (JsonNode t : r.body().path("tasks")) {
            if (t.path("id").asInt() == task) {
                return t.path("state").asText(null);
            }
        }
        return null;
    }

    private static HttpRequest.BodyPublisher json(Object body) {
        try {
            return HttpRequest.BodyPublishers.ofString(JSON.writeValueAsString(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private Response send(HttpRequest.Builder request) {
        try {
            HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(60)).build(),
                    HttpResponse.BodyHandlers.ofString());
            String raw = response.body();
            JsonNode body = raw == null || raw.isBlank() ? null : parse(raw);
            return new Response(response.statusCode(), body, raw);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static JsonNode parse(String raw) {
        try {
            return JSON.readTree(raw);
        } catch (IOException e) {
            return null;
        }
    }
}
