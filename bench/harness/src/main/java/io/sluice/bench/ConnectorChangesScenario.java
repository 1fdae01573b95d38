package io.sluice.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import io.sluice.bench.Row.Better;

/**
 * Scenario 8: how long connector changes take over REST. On a fresh worker: 50 connectors created one after
 * another (each request's latency, and the wall time of all 50), each updated (PUT config) and deleted; then 50
 * created by 50 concurrent clients (the wall time until the last answered). The connectors are Apache's
 * FileStreamSink on an empty topic, the same plugin on both runtimes.
 */
public final class ConnectorChangesScenario implements Scenario {

    static final String LABEL = "8 connector changes";
    private static final int COUNT = 50;

    @Override
    public String id() {
        return "8";
    }

    @Override
    public String label() {
        return LABEL;
    }

    @Override
    public void run(BenchContext ctx) throws Exception {
        Side[] sluice = measure(ctx, ConnectRuntime.SLUICE);
        Side[] apache = measure(ctx, ConnectRuntime.APACHE);
        Report report = ctx.report();
        String[] metrics = {
            "create latency (median of 50 sequential POST /connectors)",
            "update latency (median of 50 PUT /connectors/{name}/config)",
            "delete latency (median of 50 DELETE /connectors/{name})",
            COUNT + " sequential creates, wall time",
            COUNT + " concurrent creates, wall time to the last answer"};
        String[] units = {"ms", "ms", "ms", "s", "s"};
        for (int i = 0; i < metrics.length; i++) {
            report.add(new Row(LABEL, metrics[i], units[i], Better.LOWER, sluice[i], "Apache", apache[i]));
        }
    }

    private static Side[] measure(BenchContext ctx, ConnectRuntime runtime) {
        Side[] sides = {new Side(), new Side(), new Side(), new Side(), new Side()};
        String missing = runtime.missing(ctx.layout());
        if (missing != null) {
            for (Side side : sides) {
                side.fail(missing);
            }
            return sides;
        }
        int runs = ctx.options().repetitions() + 1;
        for (int rep = 0; rep < runs; rep++) {
            String topic = "bench-changes-" + runtime.name().toLowerCase() + "-" + rep;
            try (ConnectWorker worker = ConnectWorker.start(runtime, ctx.layout(), ctx.broker(),
                    List.of(ctx.layout().thirdPartyPlugins()))) {
                ctx.broker().createTopic(topic);
                Changes changes = new Changes(worker, topic, "r" + rep);
                double[] figures = changes.run();
                if (rep == 0) {
                    Bench.log("  %s warm-up: create %.0f ms, 50 sequential %.2f s", runtime.label(), figures[0],
                            figures[3]);
                    continue;
                }
                for (int i = 0; i < figures.length; i++) {
                    sides[i].add(figures[i]);
                }
                Bench.log("  %s run %d: create %.0f ms, update %.0f ms, delete %.0f ms, 50 sequential %.2f s, "
                        + "50 concurrent %.2f s", runtime.label(), rep, figures[0], figures[1], figures[2], figures[3],
                        figures[4]);
            } catch (Exception e) {
                Bench.log("  %s connector changes failed: %s", runtime.label(), e.getMessage());
                for (Side side : sides) {
                    side.fail(runtime.label() + ": " + e.getMessage());
                }
                break;
            }
        }
        return sides;
    }

    /** One repetition's requests against one worker. */
    private static final class Changes {
        private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
        private final String base;
        private final String topic;
        private final String prefix;
        private final java.nio.file.Path dir;

        Changes(ConnectWorker worker, String topic, String prefix) {
            this.base = "http://127.0.0.1:" + worker.port();
            this.topic = topic;
            this.prefix = prefix;
            this.dir = worker.dir();
        }

        /** create, update and delete medians (ms), 50 sequential and 50 concurrent creates (s). */
        double[] run() throws Exception {
            List<Double> creates = new ArrayList<>();
            long began = System.nanoTime();
            for (int i = 0; i < COUNT; i++) {
                creates.add(timed("POST", "/connectors", body(name("s", i), i, "a"), 201));
            }
            double sequential = (System.nanoTime() - began) / 1e9;
            List<Double> updates = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                updates.add(timed("PUT", "/connectors/" + name("s", i) + "/config",
                        Rest.JSON.writeValueAsString(config(i, "b")), 200));
            }
            List<Double> deletes = new ArrayList<>();
            for (int i = 0; i < COUNT; i++) {
                deletes.add(timed("DELETE", "/connectors/" + name("s", i), null, 204));
            }
            List<CompletableFuture<HttpResponse<String>>> concurrent = new ArrayList<>();
            began = System.nanoTime();
            for (int i = 0; i < COUNT; i++) {
                concurrent.add(http.sendAsync(request("POST", "/connectors", body(name("c", i), i, "c")),
                        HttpResponse.BodyHandlers.ofString()));
            }
            for (CompletableFuture<HttpResponse<String>> answer : concurrent) {
                expect(answer.get(), 201, "concurrent create");
            }
            double parallel = (System.nanoTime() - began) / 1e9;
            return new double[] {median(creates), median(updates), median(deletes), sequential, parallel};
        }

        private String name(String kind, int i) {
            return prefix + "-" + kind + "-" + i;
        }

        private Map<String, String> config(int i, String variant) {
            return Map.of("connector.class", "FileStreamSink", "topics", topic,
                    "file", dir.resolve("sink-" + prefix + "-" + variant + "-" + i + ".txt").toString());
        }

        private String body(String name, int i, String variant) throws Exception {
            return Rest.JSON.writeValueAsString(Map.of("name", name, "config", config(i, variant)));
        }

        private double timed(String method, String path, String body, int expected) throws Exception {
            long began = System.nanoTime();
            HttpResponse<String> answer = http.send(request(method, path, body), HttpResponse.BodyHandlers.ofString());
            double ms = (System.nanoTime() - began) / 1e6;
            expect(answer, expected, method + " " + path);
            return ms;
        }

        private HttpRequest request(String method, String path, String body) {
            return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(120))
                    .header("Content-Type", "application/json")
                    .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                            : HttpRequest.BodyPublishers.ofString(body))
                    .build();
        }

        private static void expect(HttpResponse<String> answer, int expected, String what) {
            if (answer.statusCode() != expected) {
                throw new IllegalStateException(what + " answered " + answer.statusCode() + ": " + answer.body());
            }
        }

        private static double median(List<Double> values) {
            Side side = new Side();
            values.forEach(side::add);
            return side.median();
        }
    }
}
