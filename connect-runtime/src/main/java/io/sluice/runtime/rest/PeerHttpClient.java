package io.sluice.runtime.rest;

import io.sluice.runtime.kafka.ClientSsl;
import java.io.IOException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;

/**
 * The HTTP client REST uses to reach other workers and the worker's own registry (forwarded requests, the console's
 * registry proxy), built when first used. Without ssl.truststore/keystore settings its TLS context is the JVM's
 * default, whose set-up parses the JDK's trust store and starts the client's selector thread: a quarter of what
 * Jersey's set-up cost before REST answered, paid by every start although a standalone worker never forwards. Stores
 * that are configured are still read at start, so a wrong path or password fails the start, not a later request.
 */
public final class PeerHttpClient {
    private final Map<String, Object> ssl;
    private final Duration connectTimeout;
    private volatile HttpClient http;

    public PeerHttpClient(Map<String, Object> ssl, Duration connectTimeout) {
        this.ssl = ssl;
        this.connectTimeout = connectTimeout;
        if (ssl.containsKey("ssl.truststore.location") || ssl.containsKey("ssl.keystore.location")) {
            http = build();
        }
    }

    /** Sends the request, building the client on the first one. */
    public <T> HttpResponse<T> send(HttpRequest request, HttpResponse.BodyHandler<T> body)
            throws IOException, InterruptedException {
        HttpClient client = http;
        if (client == null) {
            synchronized (this) {
                client = http;
                if (client == null) {
                    client = build();
                    http = client;
                }
            }
        }
        return client.send(request, body);
    }

    private HttpClient build() {
        return HttpClient.newBuilder().sslContext(ClientSsl.context(ssl)).connectTimeout(connectTimeout).build();
    }
}
