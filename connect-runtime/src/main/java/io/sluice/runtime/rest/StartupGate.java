package io.sluice.runtime.rest;

import jakarta.annotation.Priority;
import jakarta.ws.rs.HttpMethod;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Lets the REST API serve once the config topic is read, before the herder has started: reads that answer from the
 * connector configs alone (GET /, the connector list and each connector's info and config, the plugins) pass at once;
 * every other request needs the status and offset stores read or the herder taking changes, so it waits for the
 * herder's start, at most the REST request timeout, and is then answered 503 as while the worker starts. GET /health
 * says "starting" at once: it is ready only when everything is (KIP-1017).
 */
@Priority(Priorities.USER)
final class StartupGate implements ContainerRequestFilter {
    static final String STARTING = "Worker is still starting up; try again shortly.";

    private final CompletableFuture<Void> herderStarted = new CompletableFuture<>();
    private final long waitMs;

    StartupGate(long waitMs) {
        this.waitMs = waitMs;
    }

    /** The herder has started: every request is served from now on. */
    void open() {
        herderStarted.complete(null);
    }

    /** The worker stops without having started: requests still waiting are answered 503 now, not at their deadline. */
    void fail() {
        herderStarted.completeExceptionally(new IllegalStateException("stopped while starting"));
    }

    boolean isOpen() {
        return herderStarted.isDone() && !herderStarted.isCompletedExceptionally();
    }

    @Override
    public void filter(ContainerRequestContext request) {
        if (isOpen() || answersFromConfigs(request)) {
            return;
        }
        if (isHealth(request.getUriInfo().getPath())) {
            request.abortWith(HealthResource.starting());
            return;
        }
        try {
            herderStarted.get(waitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            abortStarting(request);
        } catch (TimeoutException | java.util.concurrent.ExecutionException e) {
            abortStarting(request);
        }
    }

    private static void abortStarting(ContainerRequestContext request) {
        request.abortWith(Response.status(503).type(MediaType.APPLICATION_JSON_TYPE)
                .entity(new ErrorMessage(503, STARTING)).build());
    }

    /** The reads the config store alone answers correctly; GET /connectors?expand=status needs the statuses. */
    static boolean answersFromConfigs(ContainerRequestContext request) {
        if (!HttpMethod.GET.equals(request.getMethod()) && !HttpMethod.HEAD.equals(request.getMethod())) {
            return false;
        }
        String[] parts = segments(request.getUriInfo().getPath());
        if (parts.length == 0) {
            return true; // GET /: versions and the Kafka cluster id, known before the config topic is read
        }
        return switch (parts[0]) {
            case "connectors" -> parts.length == 1 ? !expandsStatus(request)
                    : parts.length == 2 || parts.length == 3 && parts[2].equals("config");
            case "connector-plugins" -> true; // the plugin scan's answers, whose own wait is the scan's
            default -> false;
        };
    }

    private static boolean expandsStatus(ContainerRequestContext request) {
        List<String> expand = request.getUriInfo().getQueryParameters().get("expand");
        return expand != null && expand.stream().anyMatch(e -> !e.equals("info"));
    }

    private static boolean isHealth(String path) {
        String[] parts = segments(path);
        return parts.length == 1 && parts[0].equals("health");
    }

    private static String[] segments(String path) {
        String trimmed = path.startsWith("/") ? path.substring(1) : path;
        if (trimmed.endsWith("/")) {
            trimmed = trimmed.substring(0, trimmed.length() - 1);
        }
        return trimmed.isEmpty() ? new String[0] : trimmed.split("/");
    }
}
