package io.sluice.runtime.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.WorkerConfig;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;

class RestServerTest {

    private static HttpResponse<String> get(URI base, String path) throws Exception {
        return HttpClient.newHttpClient().send(HttpRequest.newBuilder(base.resolve(path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aBoundServerAnswersStartingUntilTheApiIsInstalled() throws Exception {
        try (RestServer server = new RestServer(new WorkerConfig(Map.of("listeners", "http://127.0.0.1:0")))) {
            URI url = server.bind();
            HttpResponse<String> health = get(url, "/health");
            assertEquals(503, health.statusCode());
            assertTrue(health.body().contains("\"status\":\"starting\""), health.body());
            HttpResponse<String> other = get(url, "/connectors");
            assertEquals(503, other.statusCode());
            assertTrue(other.body().contains("\"error_code\":503"), other.body());
        }
    }

    @Test
    void listenersMustBeHttpOrHttpsAndHttpsNeedsAKeystore() {
        assertThrows(ConfigException.class, () -> new RestServer(new WorkerConfig(Map.of("listeners", "ftp://:21"))));
        ConfigException noKeystore = assertThrows(ConfigException.class,
                () -> new RestServer(new WorkerConfig(Map.of("listeners", "https://127.0.0.1:0"))));
        assertTrue(noKeystore.getMessage().contains("keystore"), noKeystore.getMessage());
    }
}
