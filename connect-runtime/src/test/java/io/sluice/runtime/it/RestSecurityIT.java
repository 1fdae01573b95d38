package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestKeystores;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.http.HttpClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import javax.security.auth.login.Configuration;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** HTTPS listeners with Apache's listeners.https.ssl.* keys, Sluice's built-in basic auth and Apache's basic-auth extension, through a real HTTPS client. */
class RestSecurityIT {
    private static final String STORE_PASSWORD = "store-secret";

    @TempDir
    static Path dir;
    private static Path keystore;
    private static SSLContext trusting;

    @BeforeAll
    static void generateKeystore() throws Exception {
        keystore = TestKeystores.selfSigned(dir.resolve("worker.p12"), STORE_PASSWORD);
        KeyStore trust = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(keystore)) {
            trust.load(in, STORE_PASSWORD.toCharArray());
        }
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        trusting = SSLContext.getInstance("TLS");
        trusting.init(null, tmf.getTrustManagers(), null);
    }

    private static TestWorker.Builder httpsWorker(String name) {
        return TestWorker.standalone().pluginPath(dir.resolve("plugins-" + name))
                .with("listeners", "https://127.0.0.1:0")
                .with("listeners.https.ssl.keystore.location", keystore.toString())
                .with("listeners.https.ssl.keystore.password", STORE_PASSWORD)
                .with("listeners.https.ssl.key.password", STORE_PASSWORD)
                .with("listeners.https.ssl.keystore.type", "PKCS12");
    }

    private static RestClient httpsClient(TestWorker worker) {
        return new RestClient(worker.restUrl(), HttpClient.newBuilder().sslContext(trusting)
                .connectTimeout(Duration.ofSeconds(5)).build());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void httpsListenerServesTheApiOnlyOverTls() throws IOException {
        Files.createDirectories(dir.resolve("plugins-tls"));
        try (TestWorker worker = httpsWorker("tls").start()) {
            assertEquals("https", worker.restUrl().getScheme());
            RestClient rest = httpsClient(worker);
            RestClient.Response root = rest.get("/");
            assertEquals(200, root.status(), root.raw());
            assertEquals("4.3.1", root.body().path("version").asText());
            assertEquals(200, rest.get("/connectors").status());
            assertEquals(404, rest.get("/connectors/none").status());

            RestClient untrusting = new RestClient(worker.restUrl());
            assertThrows(UncheckedIOException.class, () -> untrusting.get("/"), "a client that does not trust the certificate fails the handshake");
            RestClient plain = new RestClient(java.net.URI.create(worker.restUrl().toString().replace("https:", "http:")));
            RestClient.Response overPlain;
            try {
                overPlain = plain.get("/");
                assertTrue(overPlain.status() >= 400, "plain HTTP on the TLS port is refused");
            } catch (UncheckedIOException refused) {
                // the TLS listener may also just drop the connection
            }
        }
    }

    @Test
    void builtInBasicAuthRefusesRequestsWithoutValidCredentials() throws IOException {
        Files.createDirectories(dir.resolve("plugins-builtin"));
        Path users = Files.writeString(dir.resolve("users.properties"), "alice=wonderland\nbob=builder\n");
        try (TestWorker worker = httpsWorker("builtin").with("rest.basic.auth.users.file", users.toString()).start()) {
            RestClient rest = httpsClient(worker);
            for (String[] headers : List.of(new String[0], new String[] {"Authorization", basic("alice", "wrong")},
                    new String[] {"Authorization", basic("mallory", "wonderland")}, new String[] {"Authorization", "Basic %%%"},
                    new String[] {"Authorization", "Bearer token"})) {
                RestClient.Response refused = rest.request("GET", "/connectors", null, headers);
                assertEquals(401, refused.status(), refused.raw());
                assertEquals(401, refused.body().path("error_code").asInt(), refused.raw());
                assertTrue(refused.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Basic realm="),
                        refused.headers().toString());
                assertTrue(!refused.raw().contains("wonderland"), "no password echoed");
            }
            assertEquals(401, rest.request("GET", "/no/such/path", null).status(), "unknown paths need credentials too");
            RestClient.Response allowed = rest.request("GET", "/connectors", null, "Authorization", basic("alice", "wonderland"));
            assertEquals(200, allowed.status(), allowed.raw());
            assertEquals(200, rest.request("GET", "/", null, "Authorization", basic("bob", "builder")).status());
        }
    }

    @Test
    void apachesBasicAuthExtensionLoadsFromThePluginPathAndGuardsTheApi() throws IOException {
        Path pluginPath = Files.createDirectories(dir.resolve("plugins-extension"));
        TestPlugins.install(TestPlugins.basicAuthExtensionJar(), pluginPath);
        Path credentials = Files.writeString(dir.resolve("jaas-users.properties"), "carol: secret-carol\n");
        Path jaas = Files.writeString(dir.resolve("connect.jaas"), "KafkaConnect {\n"
                + "  org.apache.kafka.connect.rest.basic.auth.extension.PropertyFileLoginModule required\n"
                + "  file=\"" + credentials.toString().replace("\\", "/") + "\";\n};\n");
        String previous = System.getProperty("java.security.auth.login.config");
        System.setProperty("java.security.auth.login.config", jaas.toString());
        Configuration.setConfiguration(null);
        TestWorker.Builder extended = httpsWorker("extension")
                .with("rest.extension.classes", "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension");
        try (TestWorker worker = extended.start()) {
            RestClient rest = httpsClient(worker);
            assertEquals(401, rest.request("GET", "/connectors", null).status());
            assertEquals(401, rest.request("GET", "/connectors", null, "Authorization", basic("carol", "nope")).status());
            RestClient.Response allowed = rest.request("GET", "/connectors", null, "Authorization", basic("carol", "secret-carol"));
            assertEquals(200, allowed.status(), allowed.raw());
        } finally {
            if (previous == null) {
                System.clearProperty("java.security.auth.login.config");
            } else {
                System.setProperty("java.security.auth.login.config", previous);
            }
            Configuration.setConfiguration(null);
        }
    }

    @Test
    void adminListenersServeTheAdminEndpointsAndNothingElse() throws IOException {
        int adminPort = io.sluice.runtime.testing.WorkerLauncher.freePort();
        Path pluginPath = Files.createDirectories(dir.resolve("plugins-admin"));
        try (TestWorker worker = TestWorker.standalone().pluginPath(pluginPath)
                .with("admin.listeners", "http://127.0.0.1:" + adminPort).start()) {
            RestClient main = worker.rest();
            RestClient admin = new RestClient(java.net.URI.create("http://127.0.0.1:" + adminPort + "/"));
            assertEquals(200, admin.get("/admin/loggers").status());
            assertEquals(404, main.get("/admin/loggers").status());
            assertEquals(200, main.get("/connectors").status());
            assertEquals(404, admin.get("/connectors").status());
        }
        try (TestWorker worker = TestWorker.standalone().pluginPath(pluginPath).with("admin.listeners", "").start()) {
            assertEquals(404, worker.rest().get("/admin/loggers").status(), "an empty admin.listeners disables them");
        }
    }
}
