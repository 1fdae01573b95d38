package io.sluice.runtime.testing;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.function.Predicate;

/**
 * Waits until a connector's status (GET /connectors/{name}/status) reaches a state, as Apache's
 * EmbeddedConnectClusterAssertions do; on time-out the failure prints the status seen last, so a test that
 * fails says what the worker showed instead of only that it waited.
 */
public final class ConnectorAssertions {
    /** Long enough for a connector start on a loaded 2-core machine shared by several builds. */
    public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

    private final RestClient rest;
    private final Duration timeout;

    public ConnectorAssertions(RestClient rest) {
        this(rest, DEFAULT_TIMEOUT);
    }

    public ConnectorAssertions(RestClient rest, Duration timeout) {
        this.rest = rest;
        this.timeout = timeout;
    }

    /** The same assertions with another deadline. */
    public ConnectorAssertions within(Duration otherTimeout) {
        return new ConnectorAssertions(rest, otherTimeout);
    }

    /** The connector and exactly tasks tasks are RUNNING; returns that status. */
    public JsonNode awaitRunning(String name, int tasks) {
        return await(name, "connector and " + tasks + " task(s) RUNNING", status -> isState(status.path("connector"), "RUNNING")
                && status.path("tasks").size() == tasks
                && allTasksIn(status, "RUNNING"));
    }

    /** The connector itself is in state (RUNNING, PAUSED, STOPPED, FAILED, ...); returns that status. */
    public JsonNode awaitState(String name, String state) {
        return await(name, "connector " + state, status -> isState(status.path("connector"), state));
    }

    /** Task task of the connector is in state; returns that status. */
    public JsonNode awaitTaskState(String name, int task, String state) {
        return await(name, "task " + task + " " + state, status -> isState(task(status, task), state));
    }

    /**
     * The connector or one of its tasks is FAILED with a trace containing causeFragment; returns the trace,
     * so a test can assert more on it.
     */
    public String awaitFailedWith(String name, String causeFragment) {
        JsonNode status = await(name, "FAILED with \"" + causeFragment + "\"", s -> failedTrace(s, causeFragment) != null);
        return failedTrace(status, causeFragment);
    }

    /** The connector is gone: its status answers 404. */
    public void awaitGone(String name) {
        RestClient.Response[] last = new RestClient.Response[1];
        Await.until(() -> (last[0] = rest.get(path(name))).status() == 404, timeout,
                () -> name + " gone (404); last status: " + describe(last[0]));
    }

    private JsonNode await(String name, String expected, Predicate<JsonNode> reached) {
        RestClient.Response[] last = new RestClient.Response[1];
        Await.until(() -> {
            last[0] = rest.get(path(name));
            return last[0].status() == 200 && last[0].body() != null && reached.test(last[0].body());
        }, timeout, () -> name + ": " + expected + "; last status: " + describe(last[0]));
        return last[0].body();
    }

    private static String path(String name) {
        return "/connectors/" + java.net.URLEncoder.encode(name, java.nio.charset.StandardCharsets.UTF_8)
                .replace("+", "%20") + "/status";
    }

    private static boolean isState(JsonNode node, String state) {
        return state.equals(node.path("state").asText(null));
    }

    private static boolean allTasksIn(JsonNode status, String state) {
        for (JsonNode t : status.path("tasks")) {
            if (!isState(t, state)) {
                return false;
            }
        }
        return true;
    }

    private static JsonNode task(JsonNode status, int id) {
        for (JsonNode t : status.path("tasks")) {
            if (t.path("id").asInt(-1) == id) {
                return t;
            }
        }
        return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
    }

    private static String failedTrace(JsonNode status, String fragment) {
        if (isState(status.path("connector"), "FAILED") && status.path("connector").path("trace").asText("").contains(fragment)) {
            return status.path("connector").path("trace").asText();
        }
        for (JsonNode t : status.path("tasks")) {
            if (isState(t, "FAILED") && t.path("trace").asText("").contains(fragment)) {
                return t.path("trace").asText();
            }
        }
        return null;
    }

    private static String describe(RestClient.Response response) {
        if (response == null) {
            return "(none)";
        }
        String raw = response.raw() == null ? "" : response.raw();
        // a trace can run to hundreds of lines; the first ones say what failed
        return response.status() + " " + (raw.length() > 2000 ? raw.substring(0, 2000) + "..." : raw);
    }
}
