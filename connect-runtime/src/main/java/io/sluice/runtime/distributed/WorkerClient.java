package io.sluice.runtime.distributed;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.connect.errors.ConnectException;

/** Requests one worker makes to another's REST API (task configs to the leader), as JSON over HTTP(S). */
final class WorkerClient {
    private static final ObjectMapper JSON = new ObjectMapper();

    /** body as JSON bytes, the exact bytes a signature is computed over and sent. */
    static byte[] json(Object body) {
        try {
            return JSON.writeValueAsBytes(body);
        } catch (JsonProcessingException e) {
            throw new ConnectException("Cannot serialize a request body", e);
        }
    }
    private final HttpClient http;
    private final Duration timeout;

    /** A client trusting (and, with client auth, presenting) what ssl says; see {@link io.sluice.runtime.kafka.ClientSsl}. */
    WorkerClient(Duration timeout, javax.net.ssl.SSLContext ssl) {
        this.timeout = timeout;
        this.http = HttpClient.newBuilder().sslContext(ssl).connectTimeout(Duration.ofSeconds(10)).build();
    }

    /**
     * POSTs a JSON body with the given headers to path (unencoded) on the worker at baseUrl, marked as
     * already forwarded so the receiver does not pass it on again, without waiting for the answer: the future
     * fails unless the answer is 2xx.
     */
    CompletableFuture<Void> post(URI baseUrl, String path, byte[] json, Map<String, String> headers) {
        URI target;
        try {
            target = new URI(baseUrl.getScheme(), baseUrl.getAuthority(), path, "forward=false", null);
        } catch (java.net.URISyntaxException e) {
            return CompletableFuture.failedFuture(new ConnectException("Bad path " + path + " for " + baseUrl, e));
        }
        HttpRequest.Builder builder = HttpRequest.newBuilder(target).timeout(timeout)
                .header("Content-Type", "application/json");
        headers.forEach(builder::header);
        HttpRequest request = builder.POST(HttpRequest.BodyPublishers.ofByteArray(json)).build();
        return http.sendAsync(request, HttpResponse.BodyHandlers.ofString())
                .handle((response, error) -> {
                    if (error != null) {
                        Throwable cause = error instanceof java.util.concurrent.CompletionException && error.getCause() != null
                                ? error.getCause() : error;
                        throw new ConnectException("POST " + target + " failed: " + cause.getMessage(), cause);
                    }
                    if (response.statusCode() / 100 != 2) {
                        throw new ConnectException("POST " + target + " answered " + response.statusCode() + ": "
                                + response.body());
                    }
                    return null;
                });
    }
}
