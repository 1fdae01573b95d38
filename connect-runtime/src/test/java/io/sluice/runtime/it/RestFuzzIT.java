package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Over a thousand malformed requests to every endpoint (bodies, paths, parameters, headers, huge and deeply nested
 * JSON, wrong types, hostile names, broken HTTP): none gets a 5xx, a stack trace, a secret or a Java type name back,
 * every error is Apache's JSON shape, and the worker's connectors are as they were.
 */
class RestFuzzIT {
    private static final String SECRET = "Sluice-Fuzz-Secret-9f8e7d";
    private static final String SECRET_CONNECTOR = "io.sluice.runtime.config.TestSinkConnector";
    private static final Pattern STACK_TRACE = Pattern.compile("\\tat |Caused by:|\\n\\s+at [a-z]");
    /** A Java type in an answer: a package-qualified class, an exception class, or Jackson's token names. */
    private static final Pattern JAVA_TYPE = Pattern.compile("\\b(?:java|javax|jakarta|sun|com\\.fasterxml|org\\.apache"
            + "|org\\.eclipse|org\\.glassfish|io\\.sluice)\\.[A-Za-z_$][\\w$.<>,]*|\\b[A-Z]\\w*(?:Exception|Error)\\b"
            + "|JsonToken|\\$[A-Z]\\w+\\b");
    /** Connector names that exist nowhere, for every endpoint that takes one. */
    private static final List<String> HOSTILE_NAMES = List.of("no-such", "%2e%2e", "a%2Fb", "%00", "%C3%A9t%C3%A9",
            "name%20with%20spaces", "x".repeat(300), "%3Cscript%3E", "..%5C..", "%7B%7D", "-1", "null", "%25");
    /** Topic names Kafka refuses or that exist nowhere, for peek and produce with a partition that could exist. */
    private static final List<String> HOSTILE_TOPICS = List.of("a:b", "a*b", "%20", "..", ".", "a%2Fb", "%00",
            "connect-cluster-configs%20", "t".repeat(300), "%C3%A9t%C3%A9", "a%20b", "%7B%7D", "a%22b", "no-such-topic");
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static TestWorker worker;
    private static RestClient rest;
    private final List<String> problems = new ArrayList<>();
    private int sent;
    /** The connectors as the last accepted change left them. */
    private String state;

    @BeforeAll
    static void startWorker() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath).with("rest.topics.produce.enable", "true").start();
        rest = worker.rest();
        assertEquals(201, rest.createConnector("existing", Map.of("connector.class", "FileStreamSink",
                "file", dir.resolve("existing.txt").toString(), "topics", "fuzz-topic")).status());
        assertEquals(204, rest.put("/connectors/existing/stop", Map.of()).status());
    }

    @AfterAll
    static void stopWorker() {
        worker.close();
    }

    @Test
    void malformedRequestsGetJsonClientErrorsWithoutTracesSecretsOrJavaTypesAndChangeNothing() {
        state = settledState(); // the connectors made for the test have started: later changes are the requests'
        Random random = new Random(20261125L);
        List<String> bodies = malformedBodies(random);
        List<String[]> targets = List.of(
                new String[] {"POST", "/connectors"},
                new String[] {"PUT", "/connectors/existing/config"},
                new String[] {"PUT", "/connectors/fresh/config"},
                new String[] {"PATCH", "/connectors/existing/config"},
                new String[] {"PATCH", "/connectors/existing/offsets"},
                new String[] {"PUT", "/connector-plugins/FileStreamSink/config/validate"},
                new String[] {"PUT", "/connector-plugins/" + SECRET_CONNECTOR + "/config/validate"},
                new String[] {"PUT", "/admin/loggers/io.sluice.fuzz"},
                new String[] {"POST", "/connectors/existing/restart"});
        for (String[] target : targets) {
            for (String body : bodies) {
                send(target[0], target[1], body, "Content-Type", "application/json");
            }
        }
        for (String path : malformedPaths(random)) {
            for (String method : List.of("GET", "POST", "PUT", "DELETE", "PATCH")) {
                String body = method.equals("GET") || method.equals("DELETE") ? null : "{}";
                send(method, path, body, "Content-Type", "application/json");
            }
        }
        for (String query : List.of("?expand=bogus", "?expand=", "?expand=status&expand=%00", "?includeTasks=maybe",
                "?onlyFailed=2", "?connectorsOnly=xyz", "?scope=galaxy", "?expand=" + "x".repeat(5000), "?%zz=1",
                "?a=%", "?&&&=&", "?expand=info&expand=info&expand=status")) {
            for (String path : List.of("/connectors", "/connectors/existing/restart", "/connector-plugins",
                    "/admin/loggers/io.sluice.fuzz", "/connectors/existing/offsets")) {
                for (String method : List.of("GET", "POST", "PUT")) {
                    send(method, path + query, method.equals("GET") ? null : "{\"level\":\"INFO\"}",
                            "Content-Type", "application/json");
                }
            }
        }
        for (String[] headers : malformedHeaders()) {
            for (String[] target : List.of(new String[] {"POST", "/connectors"}, new String[] {"PUT", "/connectors/x/config"},
                    new String[] {"GET", "/connectors"}, new String[] {"PATCH", "/connectors/existing/offsets"})) {
                String body = target[0].equals("GET") ? null : "{\"name\":\"h\",\"config\":{}}";
                send(target[0], target[1], body, headers);
            }
        }
        everyEndpoint(random);
        for (String topic : HOSTILE_TOPICS) {
            send("GET", "/topics/" + topic + "/partitions/0/records?count=1", null);
            send("POST", "/topics/" + topic + "/records", "{\"records\": [{\"value\": \"v\"}]}",
                    "Content-Type", "application/json");
        }
        URI url = worker.restUrl();
        for (String raw : rawHttp()) {
            checkRaw(url, raw);
        }
        assertTrue(sent >= 1000, "sent only " + sent + " requests");
        assertTrue(problems.isEmpty(), problems.size() + " of " + sent + " requests misbehaved:\n"
                + String.join("\n", problems.subList(0, Math.min(40, problems.size()))));
        assertEquals(200, rest.get("/connectors").status(), "the worker still serves");
    }

    /** Every path and method the worker's OpenAPI document lists, with hostile names and malformed bodies. */
    private void everyEndpoint(Random random) {
        JsonNode paths = rest.get("/openapi.json").body().path("paths");
        List<String> bodies = List.of("{", "[1]", "{\"a\": {\"b\": []}}", "null", "\"x\"", "{\"level\": 7}",
                "{\"offsets\": [{}]}", "{\"records\": 5}", "{\"name\": 1}");
        for (var it = paths.fields(); it.hasNext(); ) {
            var path = it.next();
            for (var methods = path.getValue().fieldNames(); methods.hasNext(); ) {
                String method = methods.next().toUpperCase(java.util.Locale.ROOT);
                if (!List.of("GET", "PUT", "POST", "PATCH", "DELETE").contains(method)) {
                    continue;
                }
                for (String name : HOSTILE_NAMES) {
                    String concrete = path.getKey().replace("{connector}", name).replace("{task}", random.nextBoolean() ? "x" : "-7")
                            .replace("{plugin}", name).replace("{logger}", name).replace("{topic}", name)
                            .replace("{partition}", random.nextBoolean() ? "NaN" : "99999999999");
                    if (method.equals("GET") || method.equals("DELETE")) {
                        send(method, concrete, null);
                    } else {
                        send(method, concrete, bodies.get(random.nextInt(bodies.size())), "Content-Type", "application/json");
                    }
                }
            }
        }
    }

    /** A config's keys and values in key order: a large config map's iteration order may differ between reads. */
    private static java.util.TreeMap<String, String> sorted(JsonNode config) {
        java.util.TreeMap<String, String> sorted = new java.util.TreeMap<>();
        config.fields().forEachRemaining(e -> sorted.put(e.getKey(), e.getValue().asText()));
        return sorted;
    }

    /**
     * What a request may set, read from the state: STOPPED, PAUSED or started. A started connector's RUNNING,
     * RESTARTING, UNASSIGNED or FAILED moves on by itself in the background after an accepted request.
     */
    private static String targetOf(String state) {
        if (state.equals("RESTARTING") || state.equals("UNASSIGNED")) {
            return MOVING; // a restart of a paused connector passes these on its way back to PAUSED
        }
        return state.equals("STOPPED") || state.equals("PAUSED") ? state : "STARTED";
    }

    private static final String MOVING = "MOVING";

    /** The state once two reads 100 ms apart agree and no connector is between states (at most 15 s). */
    private static String settledState() {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        String last = state();
        while (System.nanoTime() < deadline) {
            try {
                Thread.sleep(100);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            String now = state();
            if (now.equals(last) && !now.contains(" " + MOVING + "\n")) {
                return now;
            }
            last = now;
        }
        return last;
    }

    /**
     * The state once it is back to {@code expected}, or the last read after 15 s. An earlier accepted restart of a
     * paused connector may still be under way in the background on a loaded machine (its settled reads caught the
     * old PAUSED before the restart began); a refused request's real change stays.
     */
    private static String returnedTo(String expected) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(15);
        String now = state();
        while (!now.equals(expected) && System.nanoTime() < deadline) {
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
            now = state();
        }
        return now;
    }

    /** The connectors, their configs and target states: what no malformed request may change. */
    private static String state() {
        JsonNode all = rest.get("/connectors?expand=info&expand=status").body();
        StringBuilder state = new StringBuilder();
        all.fields().forEachRemaining(c -> state.append(c.getKey()).append(' ')
                .append(sorted(c.getValue().path("info").path("config"))).append(' ')
                .append(targetOf(c.getValue().path("status").path("connector").path("state").asText())).append('\n'));
        return state.toString();
    }

    private void send(String method, String path, String body, String... headers) {
        String request = method + " " + path + " " + String.join(":", headers);
        RestClient.Response response;
        try {
            response = sendRetryingStaleConnection(method, path, body, headers);
        } catch (IllegalArgumentException notAUri) {
            // java.net.URI refuses to build it, so it goes over a plain socket, as curl --path-as-is would send it
            String payload = body == null ? "" : body;
            checkRaw(worker.restUrl(), method + " " + path + " HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + payload.getBytes(StandardCharsets.UTF_8).length + "\r\nConnection: close\r\n\r\n" + payload);
            return;
        } catch (RuntimeException e) {
            sent++;
            problems.add("no response (" + e.getMessage() + "): " + abbreviate(request) + " body=" + abbreviate(body));
            return;
        }
        check(response, request, body);
        if (!method.equals("GET")) {
            // a refused request changes nothing; an accepted one (a PATCH of valid keys) may
            String now = state();
            if (response.status() >= 400 && !now.equals(state)) {
                now = returnedTo(state);
            }
            if (response.status() >= 400 && !now.equals(state)) {
                problems.add("refused but changed the connectors: " + abbreviate(request) + " body=" + abbreviate(body)
                        + "\n  before: " + state + "  after: " + now);
            }
            // an accepted change (a restart, a pause) is carried out in the background: the next request is judged
            // against the state it settles in, not against a connector still restarting
            state = response.status() < 400 ? settledState() : now;
        }
    }

    /**
     * The JDK client may reuse a pooled connection the server closed after a previous error; like browsers,
     * retry once when the connection yields no bytes at all.
     */
    private static RestClient.Response sendRetryingStaleConnection(String method, String path, String body, String... headers) {
        try {
            return rest.request(method, path, body, headers);
        } catch (java.io.UncheckedIOException e) {
            if (!String.valueOf(e.getMessage()).contains("received no bytes")) {
                throw e;
            }
            return rest.request(method, path, body, headers);
        }
    }

    private void check(RestClient.Response response, String request, String body) {
        sent++;
        String what = request + (body == null ? "" : " body=" + abbreviate(body)) + " -> " + response.status() + " "
                + abbreviate(response.raw());
        if (response.status() >= 500) {
            problems.add("5xx: " + what);
        }
        String raw = response.raw() == null ? "" : response.raw();
        if (STACK_TRACE.matcher(raw).find()) {
            problems.add("stack trace: " + what);
        }
        if (raw.contains(SECRET) && (response.status() >= 400 || request.contains("/validate"))) {
            problems.add("secret echoed: " + what);
        }
        if (response.status() >= 400) {
            java.util.regex.Matcher type = JAVA_TYPE.matcher(raw);
            while (type.find()) {
                // a name the request itself carried is an echo (e.g. an unknown class name), not the worker's own
                if (!(request + " " + body).contains(type.group())) {
                    problems.add("Java type " + type.group() + ": " + what);
                    break;
                }
            }
        }
        if (response.status() >= 400 && !request.startsWith("HEAD")) {
            JsonNode error = response.body();
            if (error == null || error.path("error_code").asInt() != response.status() || !error.path("message").isTextual()) {
                problems.add("not a JSON error: " + what);
            }
        }
    }

    private void checkRaw(URI url, String raw) {
        sent++;
        String answer;
        try (Socket socket = new Socket(url.getHost(), url.getPort())) {
            socket.setSoTimeout(5_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            socket.shutdownOutput();
            answer = readAll(socket.getInputStream());
        } catch (IOException e) {
            return; // the server may drop a broken connection: that is an answer too
        }
        if (answer.isEmpty()) {
            return;
        }
        String statusLine = answer.lines().findFirst().orElse("");
        String[] parts = statusLine.split(" ");
        String what = "raw " + abbreviate(raw) + " -> " + abbreviate(answer);
        if (parts.length < 2 || !parts[1].matches("\\d{3}")) {
            problems.add("no status: " + what);
            return;
        }
        if (parts[1].startsWith("5")) {
            problems.add("5xx: " + what);
        }
        if (STACK_TRACE.matcher(answer).find()) {
            problems.add("stack trace: " + what);
        }
        int bodyStart = answer.indexOf("\r\n\r\n");
        String body = bodyStart < 0 ? "" : answer.substring(bodyStart + 4).trim();
        if (parts[1].startsWith("4") && !body.isEmpty() && !body.contains("\"error_code\"")) {
            problems.add("not a JSON error: " + what);
        }
    }

    private static String readAll(InputStream in) throws IOException {
        ByteArrayOutputStream buffer = new ByteArrayOutputStream();
        byte[] chunk = new byte[8192];
        try {
            for (int n; (n = in.read(chunk)) > 0 && buffer.size() < 1_000_000; ) {
                buffer.write(chunk, 0, n);
            }
        } catch (SocketTimeoutException | java.net.SocketException e) {
            // keep what arrived
        }
        return buffer.toString(StandardCharsets.ISO_8859_1);
    }

    private static List<String> malformedBodies(Random random) {
        List<String> bodies = new ArrayList<>(List.of("", " ", "{", "}", "[", "]", "{not json", "{\"name\":", "null", "true",
                "42", "-1e999999", "1" + "0".repeat(5000), "\"string\"", "[1,2]", "[]", "{}", "[{}]", "{\"a\":}", "{,}",
                "{\"name\": 5, \"config\": 7}", "{\"name\": [], \"config\": []}", "{\"name\": {}, \"config\": {\"a\": {}}}",
                "{\"name\": \"x\", \"config\": null}", "{\"name\": null, \"config\": {}}", "{\"config\": {\"name\": \"\"}}",
                "{\"name\": \"\\u0000\", \"config\": {\"connector.class\": \"FileStreamSink\"}}",
                "{\"name\": \"x\", \"config\": {\"connector.class\": 1}}",
                "{\"name\": \"x\", \"config\": {\"connector.class\": [\"a\"]}}",
                "{\"name\": \"x\", \"config\": {\"connector.class\": \"" + "A".repeat(100_000) + "\"}}",
                "{\"name\": \"" + "n".repeat(300_000) + "\", \"config\": {}}",
                "{\"name\": \"x\", \"initial_state\": \"SLEEPING\", \"config\": {\"connector.class\": \"FileStreamSink\", \"topics\": \"t\"}}",
                "{\"name\": \"x\", \"initial_state\": 3, \"config\": {}}",
                "{\"offsets\": 5}", "{\"offsets\": {}}", "{\"offsets\": [123]}", "{\"offsets\": [null]}",
                "{\"offsets\": [{\"partition\": [], \"offset\": 1}]}", "{\"offsets\": [{\"partition\": {\"kafka_topic\": 1, \"kafka_partition\": \"x\"}}]}",
                "{\"offsets\": [{\"partition\": {\"kafka_topic\": \"t\", \"kafka_partition\": 99999999999}, \"offset\": {\"kafka_offset\": -5}}]}",
                "{\"offsets\": [{\"partition\": {\"kafka_topic\": \"t\", \"kafka_partition\": 0}, \"offset\": {\"kafka_offset\": \"x\"}}]}",
                "{\"offsets\": [{\"partition\": {\"kafka_topic\": \"t\", \"kafka_partition\": 0.5}, \"offset\": {\"kafka_offset\": 1.5}}]}",
                "{\"level\": 5}", "{\"level\": null}", "{\"level\": \"LOUD\"}", "{\"level\": [\"INFO\"]}",
                "{\"a\": 1, \"a\": 2}", "\uFEFF{}", "{\"k\": \"\\ud800\"}", "{\"k\": \"\\x\"}", "{'single': 'quotes'}",
                "{\"tasks.max\": \"-1\", \"connector.class\": \"FileStreamSink\"}",
                "{\"tasks.max\": {\"nested\": true}}", "{\"transforms\": \"a\", \"transforms.a.type\": \"com.example.Nope\"}",
                "{\"connector.class\": \"" + SECRET_CONNECTOR + "\", \"target.secret\": \"" + SECRET + "\", \"tasks.max\": \"zero\"}",
                "{\"connector.class\": \"" + SECRET_CONNECTOR + "\", \"target.secret\": \"" + SECRET + "\", \"test.fail.validate\": \"true\"}",
                "{\"name\": \"s\", \"config\": {\"connector.class\": \"" + SECRET_CONNECTOR + "\", \"target.secret\": \"" + SECRET
                        + "\", \"tasks.max\": \"zero\"}}",
                "{\"name\": \"s\", \"config\": {\"connector.class\": \"" + SECRET_CONNECTOR + "\", \"target.secret\": [\"" + SECRET
                        + "\"]}}"));
        bodies.add("[".repeat(100_000) + "]".repeat(100_000));
        bodies.add("{\"a\":".repeat(20_000) + "1" + "}".repeat(20_000));
        bodies.add("{\"name\": \"deep\", \"config\": " + "{\"a\":".repeat(3_000) + "1" + "}".repeat(3_000) + "}");
        bodies.add("{\"k\": \"" + "\\u0041".repeat(200_000) + "\"}");
        StringBuilder many = new StringBuilder("{");
        for (int i = 0; i < 20_000; i++) {
            many.append(i == 0 ? "" : ",").append("\"key").append(i).append("\": \"v\"");
        }
        bodies.add(many.append("}").toString());
        String alphabet = "{}[]\":,0123456789abcnulltruefalse \\\n\t\u00e9\u0000";
        for (int i = 0; i < 15; i++) {
            StringBuilder junk = new StringBuilder();
            int length = 1 + random.nextInt(200);
            for (int j = 0; j < length; j++) {
                junk.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            bodies.add(junk.toString());
        }
        return bodies;
    }

    private static List<String> malformedPaths(Random random) {
        List<String> paths = new ArrayList<>(List.of("/connectors/%00", "/connectors/%2F", "/connectors/%25", "/connectors/..",
                "/connectors/../admin/loggers", "/connectors//status", "/connectors/existing/tasks/abc/status",
                "/connectors/existing/tasks/-1/status", "/connectors/existing/tasks/99999999999999/status",
                "/connectors/existing/tasks/1.5/restart", "/connectors/existing/tasks//restart",
                "/connectors/existing/offsets/extra", "/connectors/existing/topics/reset/again",
                "/connectors/" + "x".repeat(10_000), "/connectors/%E2%82%AC%F0%9F%92%A9", "/connectors/%C3%28",
                "/connector-plugins/%00/config", "/connector-plugins/../../etc/passwd/config", "/connector-plugins/;/config",
                "/connectors;jsessionid=1", "/connectors/existing;x=y/status", "/admin/loggers/%00", "/admin",
                "/admin/loggers/" + "a.".repeat(2_000), "/openapi.json/x", "/health/x", "/%", "/%%", "/~", "/*",
                "/connectors/existing/pause/", "/connectors/existing\\status", "/connectors/%5C"));
        for (int i = 0; i < 10; i++) {
            StringBuilder p = new StringBuilder("/connectors/");
            for (int j = 0; j < 1 + random.nextInt(30); j++) {
                p.append("abc-_.~%20".charAt(random.nextInt(10)));
            }
            paths.add(p.toString().replace("%", "%25"));
        }
        return paths;
    }

    private static List<String[]> malformedHeaders() {
        return List.of(
                new String[] {"Content-Type", "text/plain"},
                new String[] {"Content-Type", "application/xml"},
                new String[] {"Content-Type", "application/json; charset=bogus-charset"},
                new String[] {"Content-Type", "multipart/form-data; boundary=x"},
                new String[] {"Content-Type", "application/x-www-form-urlencoded"},
                new String[] {"Content-Type", ";;;"},
                new String[] {"Content-Type", "application/json", "Accept", "text/html"},
                new String[] {"Content-Type", "application/json", "Accept", "application/xml"},
                new String[] {"Content-Type", "application/json", "Accept", "*/*;q=bogus"},
                new String[] {"Content-Type", "application/json", "Content-Encoding", "gzip"},
                new String[] {"Content-Type", "application/json", "Authorization", "Basic !!!"},
                new String[] {"Content-Type", "application/json", "X-Forwarded-For", "x".repeat(4000)},
                new String[] {"Content-Type", "application/json", "Accept-Charset", "bogus"},
                new String[] {"Content-Type", "application/json", "Cookie", "a=" + "b".repeat(2000)});
    }

    private static List<String> rawHttp() {
        return List.of(
                "GARBAGE\r\n\r\n",
                "GET\r\n\r\n",
                "GET /connectors\r\n\r\n",
                "GET /connectors HTTP/9.9\r\nHost: x\r\n\r\n",
                "GET /connectors HTTP/1.1\r\n\r\n",
                "GET /connectors HTTP/1.1\r\nHost: x\r\nX-Big: " + "a".repeat(100_000) + "\r\n\r\n",
                "GET /" + "a".repeat(100_000) + " HTTP/1.1\r\nHost: x\r\n\r\n",
                "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{}",
                "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: -5\r\n\r\n{}",
                "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: abc\r\n\r\n{}",
                "POST /connectors HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\nZZ\r\n{}\r\n0\r\n\r\n",
                "POST /connectors HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nContent-Length: 2\r\n\r\n2\r\n{}\r\n0\r\n\r\n",
                "GET /connectors/%zz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /connectors/%2e%2e/%2e%2e/ HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "GET /connectors HTTP/1.1\r\nHost: x\r\nBad Header Line\r\n\r\n",
                "GET /connectors HTTP/1.1\r\nHost: x\r\n: empty-name\r\n\r\n",
                "GET /connectors HTTP/1.1\r\nHost: a\r\nHost: b\r\nConnection: close\r\n\r\n",
                "\u0000\u0001\u0002\u0003\r\n\r\n",
                "OPTIONS * HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "TRACE /connectors HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
                "BREW /connectors HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
    }

    private static String abbreviate(String s) {
        if (s == null) {
            return "null";
        }
        String oneLine = s.replace("\r", "\\r").replace("\n", "\\n");
        return oneLine.length() > 160 ? oneLine.substring(0, 160) + "..." : oneLine;
    }
}
