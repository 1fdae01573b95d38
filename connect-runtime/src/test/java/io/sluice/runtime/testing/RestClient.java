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
    private final HttpClient http;
    private final URI base;

    /** A response: status code and body parsed as JSON (null when empty). */
    public record Response(int status, JsonNode body, String raw, java.net.http.HttpHeaders headers) {
        public Response(int status, JsonNode body, String raw) {
            this(status, body, raw, java.net.http.HttpHeaders.of(Map.of(), (a, b) -> true));
        }

        public <T> T as(TypeReference<T> type) {
            return JSON.convertValue(body, type);
        }
    }

    public RestClient(URI base) {
        this(base, HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build());
    }

    /** A client over a given HttpClient, e.g. one that trusts a test certificate for https listeners. */
    public RestClient(URI base, HttpClient http) {
        this.base = base;
        this.http = http;
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

    public Response patch(String path, Object body) {
        return send(HttpRequest.newBuilder(base.resolve(path)).method("PATCH", json(body))
                .header("Content-Type", "application/json"));
    }

    /**
     * Sends any request: method, path (may be malformed), body (null for none) and header name/value pairs,
     * for malformed-request and authentication tests.
     */
    public Response request(String method, String path, String body, String... headers) {
        HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(base.toString().replaceAll("/$", "") + path))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            builder.header(headers[i], headers[i + 1]);
        }
        return send(builder);
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
            return new Response(response.statusCode(), body, raw, response.headers());
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
