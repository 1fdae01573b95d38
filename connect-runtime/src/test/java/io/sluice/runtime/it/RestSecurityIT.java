package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.cli.WorkerProcess;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestKeystores;
import io.sluice.runtime.testing.TestPlugins;
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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
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

    private static Map<String, String> httpsWorker(String name) {
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        props.put("group.id", KafkaTestBroker.uniqueTopic(name));
        props.put("listeners", "https://127.0.0.1:0");
        props.put("plugin.path", dir.resolve("plugins-" + name).toString());
        props.put("listeners.https.ssl.keystore.location", keystore.toString());
        props.put("listeners.https.ssl.keystore.password", STORE_PASSWORD);
        props.put("listeners.https.ssl.key.password", STORE_PASSWORD);
        props.put("listeners.https.ssl.keystore.type", "PKCS12");
        return props;
    }

    private static RestClient httpsClient(WorkerProcess worker) {
        return new RestClient(worker.restUrl(), HttpClient.newBuilder().sslContext(trusting)
                .connectTimeout(Duration.ofSeconds(5)).build());
    }

    private static String basic(String user, String password) {
        return "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void httpsListenerServesTheApiOnlyOverTls() throws IOException {
        Files.createDirectories(dir.resolve("plugins-tls"));
        try (WorkerProcess worker = WorkerProcess.start(httpsWorker("tls"))) {
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
        Map<String, String> props = httpsWorker("builtin");
        props.put("rest.basic.auth.users.file", users.toString());
        try (WorkerProcess worker = WorkerProcess.start(props)) {
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
        Map<String, String> props = httpsWorker("extension");
        props.put("rest.extension.classes", "org.apache.kafka.connect.rest.basic.auth.extension.BasicAuthSecurityRestExtension");
        try (WorkerProcess worker = WorkerProcess.start(props)) {
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
        Map<String, String> props = new HashMap<>();
        props.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        props.put("group.id", KafkaTestBroker.uniqueTopic("admin"));
        props.put("listeners", "http://127.0.0.1:0");
        props.put("admin.listeners", "http://127.0.0.1:" + adminPort);
        props.put("plugin.path", Files.createDirectories(dir.resolve("plugins-admin")).toString());
        try (WorkerProcess worker = WorkerProcess.start(props)) {
            RestClient main = new RestClient(worker.restUrl());
            RestClient admin = new RestClient(java.net.URI.create("http://127.0.0.1:" + adminPort + "/"));
            assertEquals(200, admin.get("/admin/loggers").status());
            assertEquals(404, main.get("/admin/loggers").status());
            assertEquals(200, main.get("/connectors").status());
            assertEquals(404, admin.get("/connectors").status());
        }
        props.put("admin.listeners", "");
        props.put("group.id", KafkaTestBroker.uniqueTopic("no-admin"));
        try (WorkerProcess worker = WorkerProcess.start(props)) {
            assertEquals(404, new RestClient(worker.restUrl()).get("/admin/loggers").status(), "an empty admin.listeners disables them");
        }
    }
}
