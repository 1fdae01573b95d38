package io.sluice.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

/** A small client for the Kafka Connect REST API both runtimes serve. */
public final class Rest {

    static final ObjectMapper JSON = new ObjectMapper();

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    private final String base;

    public Rest(String base) {
        this.base = base;
    }

    /** One answer: status code and body. */
    public record Answer(int status, String body) {
        JsonNode json() throws IOException {
            return JSON.readTree(body);
        }
    }

    public Answer get(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    public Answer delete(String path) throws IOException, InterruptedException {
        return send(HttpRequest.newBuilder(URI.create(base + path)).DELETE());
    }

    /** POST /connectors with a name and a config; fails unless the runtime accepted it. */
    public void createConnector(String name, Map<String, String> config) throws IOException, InterruptedException {
        String body = JSON.writeValueAsString(Map.of("name", name, "config", config));
        Answer answer = send(HttpRequest.newBuilder(URI.create(base + "/connectors"))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body)));
        if (answer.status() != 201 && answer.status() != 200) {
            throw new IllegalStateException("creating connector " + name + " failed: HTTP " + answer.status()
                    + " " + answer.body());
        }
    }

    /** The connector's state and its tasks' states, e.g. "RUNNING [RUNNING]"; with a trace when failed. */
    public String status(String name) {
        try {
            Answer answer = get("/connectors/" + name + "/status");
            if (answer.status() != 200) {
                return "HTTP " + answer.status();
            }
            JsonNode node = answer.json();
            StringBuilder out = new StringBuilder(node.path("connector").path("state").asText("?")).append(" [");
            for (JsonNode task : node.path("tasks")) {
                out.append(task.path("state").asText("?")).append(' ');
                if (task.has("trace")) {
                    out.append(task.path("trace").asText().lines().limit(3).reduce("", (a, b) -> a + b + " | "));
                }
            }
            return out.append(']').toString();
        } catch (IOException | InterruptedException | RuntimeException e) {
            return "status unavailable: " + e.getMessage();
        }
    }

    /** True when a connector's task has FAILED (the run can stop waiting). */
    public boolean failed(String name) {
        return status(name).contains("FAILED");
    }

    private Answer send(HttpRequest.Builder request) throws IOException, InterruptedException {
        HttpResponse<String> response = http.send(request.timeout(Duration.ofSeconds(30)).build(),
                HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), response.body());
    }
}
