package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.kafka.ClientSsl;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestKeystores;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.net.Authenticator;
import java.net.PasswordAuthentication;
import java.net.http.HttpClient;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two workers on HTTPS listeners with HTTP Basic authentication: forwarded changes and signed task configs
 * travel between them over TLS, and a worker's task configs need its signature, not a password.
 */
class DistributedTlsIT {
    private static final String PASSWORD = "store-secret";

    @TempDir
    Path dir;

    @Test
    void workersForwardAndHandInTaskConfigsOverTls() throws Exception {
        Path keystore = TestKeystores.selfSigned(dir.resolve("worker.p12"), PASSWORD);
        Path users = java.nio.file.Files.writeString(dir.resolve("users.properties"), "alice=alice-secret\n");
        TestPlugins.install(TestPlugins.connectFileJar(), dir.resolve("plugins"));
        String group = KafkaTestBroker.uniqueTopic("tls-cluster");
        Map<String, Object> trust = Map.of("ssl.truststore.location", keystore.toString(),
                "ssl.truststore.password", PASSWORD, "ssl.truststore.type", "PKCS12");

        TestWorker.Builder member = member(group, keystore, users);
        try (TestWorker first = member.start(); TestWorker second = member.start()) {
            HttpClient https = HttpClient.newBuilder().sslContext(ClientSsl.context(trust))
                    .authenticator(new Authenticator() {
                        @Override
                        protected PasswordAuthentication getPasswordAuthentication() {
                            return new PasswordAuthentication("alice", "alice-secret".toCharArray());
                        }
                    }).build();
            RestClient anonymous = new RestClient(first.restUrl(),
                    HttpClient.newBuilder().sslContext(ClientSsl.context(trust)).build());
            assertEquals(401, anonymous.get("/connectors").status());
            RestClient.Response unsigned = anonymous.post("/connectors/any/tasks", List.of(Map.of()));
            assertEquals(400, unsigned.status(), "no password needed, but a worker's signature");
            assertEquals("Internal request missing required signature", unsigned.body().path("message").asText());
            List<RestClient> workers = List.of(new RestClient(first.restUrl(), https),
                    new RestClient(second.restUrl(), https));
            assertEquals("https", first.restUrl().getScheme());
            // both have joined: one leads, the other must reach it over TLS for every change and task config
            Await.until(() -> workers.stream().allMatch(w -> w.get("/health").status() == 200),
                    Duration.ofSeconds(120), "both workers joined the cluster");
            for (int i = 0; i < 2; i++) {
                String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("tls"), 2);
                RestClient.Response created = workers.get(i).createConnector("sink-" + i, Map.of(
                        "connector.class", "FileStreamSink", "tasks.max", "2", "topics", topic,
                        "file", dir.resolve("out-" + i + ".txt").toString()));
                assertEquals(201, created.status(), created.raw());
            }
            Await.until(() -> {
                for (String name : List.of("sink-0", "sink-1")) {
                    JsonNode status = workers.get(0).get("/connectors/" + name + "/status").body();
                    if (status == null || status.path("tasks").size() != 2) {
                        return false;
                    }
                    for (JsonNode task : status.path("tasks")) {
                        if (!task.path("state").asText().equals("RUNNING")) {
                            return false;
                        }
                    }
                }
                return true;
            }, Duration.ofSeconds(120), "both connectors' task configs reached the leader and their tasks run");
        }
    }

    private TestWorker.Builder member(String group, Path keystore, Path users) {
        TestWorker.Builder member = TestWorker.distributed(group).pluginPath(dir.resolve("plugins"))
                .with("listeners", "https://127.0.0.1:0")
                .with("heartbeat.interval.ms", "1000")
                .with("session.timeout.ms", "6000");
        for (String store : List.of("keystore", "truststore")) {
            member.with("listeners.https.ssl." + store + ".location", keystore.toString())
                    .with("listeners.https.ssl." + store + ".password", PASSWORD)
                    .with("listeners.https.ssl." + store + ".type", "PKCS12");
        }
        return member.with("listeners.https.ssl.key.password", PASSWORD)
                .with("rest.basic.auth.users.file", users.toString());
    }
}
