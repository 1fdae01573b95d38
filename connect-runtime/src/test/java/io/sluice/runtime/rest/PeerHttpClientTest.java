package io.sluice.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class PeerHttpClientTest {

    private static long clientThreads() {
        return Thread.getAllStackTraces().keySet().stream().filter(t -> t.getName().startsWith("HttpClient-")).count();
    }

    @Test
    void aWorkerThatNeverForwardsSetsUpNoClientAndTheFirstForwardDoes() throws Exception {
        HttpServer other = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        other.createContext("/", exchange -> {
            byte[] body = "{}".getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        other.start();
        try {
            long before = clientThreads();
            PeerHttpClient client = new PeerHttpClient(Map.of(), Duration.ofSeconds(5));
            assertEquals(before, clientThreads(), "no client (nor its selector thread) before the first request");
            HttpResponse<String> answer = client.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:"
                    + other.getAddress().getPort() + "/connectors")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, answer.statusCode());
            assertEquals("{}", answer.body());
        } finally {
            other.stop(0);
        }
    }

    @Test
    void aTrustStoreThatCannotBeReadFailsTheStartNotALaterForward() {
        ConfigException wrong = assertThrows(ConfigException.class, () -> new PeerHttpClient(
                Map.of("ssl.truststore.location", "/nonexistent/truststore.jks", "ssl.truststore.password", "secret"),
                Duration.ofSeconds(5)));
        assertTrue(wrong.getMessage().contains("ssl"), wrong.getMessage());
        assertTrue(!wrong.getMessage().contains("secret"), wrong.getMessage());
    }
}
