package io.sluice.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** s3proxy (filesystem store, no authorization) as a separate process, with raw HTTP calls for the scenario. */
public final class S3Proxy implements AutoCloseable {

    private static final Pattern SIZE = Pattern.compile("<Size>(\\d+)</Size>");
    private static final Pattern TOKEN = Pattern.compile("<NextContinuationToken>([^<]+)</NextContinuationToken>");

    private final ManagedProcess process;
    private final String endpoint;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    private S3Proxy(ManagedProcess process, String endpoint) {
        this.process = process;
        this.endpoint = endpoint;
    }

    public static S3Proxy start(Layout layout) throws Exception {
        Path dir = layout.work().resolve("s3");
        Files.createDirectories(dir.resolve("store"));
        String endpoint = "http://127.0.0.1:" + Layout.freePort();
        Properties props = new Properties();
        props.setProperty("s3proxy.endpoint", endpoint);
        props.setProperty("s3proxy.authorization", "none");
        props.setProperty("jclouds.provider", "filesystem");
        props.setProperty("jclouds.filesystem.basedir", dir.resolve("store").toString());
        props.setProperty("jclouds.identity", "bench");
        props.setProperty("jclouds.credential", "bench");
        Path config = dir.resolve("s3proxy.properties");
        try (var out = Files.newBufferedWriter(config)) {
            props.store(out, "sluice bench s3proxy");
        }
        ManagedProcess process = ManagedProcess.start("s3proxy",
                ManagedProcess.java(List.of("-Xmx1g"), Layout.jarsIn(layout.s3proxyLib()), "org.gaul.s3proxy.Main",
                        List.of("--properties", config.toString())),
                layout.logs().resolve("s3proxy.log"), Map.of());
        S3Proxy s3 = new S3Proxy(process, endpoint);
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (true) {
            if (!process.isAlive()) {
                throw new IllegalStateException("s3proxy exited:\n" + process.logTail(20));
            }
            try {
                s3.send(HttpRequest.newBuilder(URI.create(endpoint + "/")).GET());
                return s3;
            } catch (IOException e) {
                if (System.nanoTime() > deadline) {
                    s3.close();
                    throw new IllegalStateException("s3proxy not answering in 60 s:\n" + process.logTail(20));
                }
                Thread.sleep(100);
            }
        }
    }

    public String endpoint() {
        return endpoint;
    }

    public void createBucket(String bucket) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(endpoint + "/" + bucket))
                .PUT(HttpRequest.BodyPublishers.noBody()));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("create bucket " + bucket + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** One PUT of {@code bytes} as object {@code key}. */
    public void put(String bucket, String key, byte[] bytes) throws Exception {
        HttpResponse<String> r = send(HttpRequest.newBuilder(URI.create(endpoint + "/" + bucket + "/" + key))
                .PUT(HttpRequest.BodyPublishers.ofByteArray(bytes)));
        if (r.statusCode() / 100 != 2) {
            throw new IllegalStateException("PUT " + key + ": HTTP " + r.statusCode() + " " + r.body());
        }
    }

    /** Total bytes of the objects under {@code prefix} (ListObjectsV2, all pages). */
    public long bytesUnder(String bucket, String prefix) throws Exception {
        long total = 0;
        String token = null;
        do {
            String url = endpoint + "/" + bucket + "?list-type=2&prefix=" + prefix
                    + (token == null ? "" : "&continuation-token="
                            + java.net.URLEncoder.encode(token, java.nio.charset.StandardCharsets.UTF_8));
            String body = send(HttpRequest.newBuilder(URI.create(url)).GET()).body();
            Matcher m = SIZE.matcher(body);
            while (m.find()) {
                total += Long.parseLong(m.group(1));
            }
            Matcher t = TOKEN.matcher(body);
            token = body.contains("<IsTruncated>true</IsTruncated>") && t.find() ? t.group(1) : null;
        } while (token != null);
        return total;
    }

    private HttpResponse<String> send(HttpRequest.Builder request) throws IOException, InterruptedException {
        return http.send(request.timeout(Duration.ofSeconds(60)).build(), HttpResponse.BodyHandlers.ofString());
    }

    @Override
    public void close() {
        process.close();
    }
}
