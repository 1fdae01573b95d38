package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.s3.testing.S3Plugin;
import io.sluice.s3.testing.S3TestServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.gaul.s3proxy.S3Proxy;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;

/**
 * A store the connectors cannot use is reported, never waited on: by config validation over REST (per key),
 * by a refused create, and by a FAILED task with the reason when it goes bad while the connector runs.
 */
class S3FailureReportingIT {

    private static final String SINK = "io.sluice.s3.sink.S3SinkConnector";
    private static final String SOURCE = "io.sluice.s3.source.S3SourceConnector";

    @TempDir
    Path dir;
    private TestWorker worker;
    private RestClient rest;

    @BeforeEach
    void startWorker() {
        TestWorker.Builder cluster = S3Plugin.worker(S3Plugin.install(dir));
        worker = cluster.start();
        rest = worker.rest();
    }

    @AfterEach
    void stopWorker() {
        worker.close();
    }

    private static Map<String, String> config(String connectorClass, String bucket, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.put("connector.class", connectorClass);
        config.put("s3.connect.timeout.ms", "2000");
        config.putAll(extra);
        return config;
    }

    private static Map<String, String> sinkConfig(String bucket) {
        return config(SINK, bucket, Map.of("topics", "t"));
    }

    private static Map<String, String> sourceConfig(String bucket) {
        return config(SOURCE, bucket, Map.of("s3.prefixes", "in/", "topic", "t"));
    }

    /** The validation errors of key, through PUT /connector-plugins/{class}/config/validate. */
    private List<String> errors(Map<String, String> config, String key) {
        RestClient.Response response = rest.put("/connector-plugins/" + config.get("connector.class")
                + "/config/validate", config);
        assertEquals(200, response.status(), response.raw());
        for (JsonNode entry : response.body().get("configs")) {
            if (entry.get("value").get("name").asText().equals(key)) {
                List<String> errors = new java.util.ArrayList<>();
                entry.get("value").get("errors").forEach(e -> errors.add(e.asText()));
                assertTrue(!errors.isEmpty(), key + " has no error: " + response.raw());
                return errors;
            }
        }
        throw new AssertionError("no key " + key + " in " + response.raw());
    }

    @Test
    void aMissingBucketBadCredentialsAndAnUnreachableStoreAreValidationErrorsOfBothConnectors() {
        String bucket = S3TestServer.newBucket();
        for (Map<String, String> good : List.of(sinkConfig(bucket), sourceConfig(bucket))) {
            Map<String, String> missing = new HashMap<>(good);
            missing.put("s3.bucket.name", "no-such-bucket-" + System.nanoTime());
            assertTrue(errors(missing, "s3.bucket.name").get(0).contains("does not exist"), missing.toString());

            Map<String, String> badKey = new HashMap<>(good);
            badKey.put("aws.secret.access.key", "wrong");
            assertTrue(errors(badKey, "aws.access.key.id").get(0).contains("denied"), badKey.get("connector.class"));
            assertTrue(!rest.put("/connector-plugins/" + good.get("connector.class") + "/config/validate", badKey)
                    .raw().contains("wrong"), "the secret is never echoed");

            Map<String, String> unreachable = new HashMap<>(good);
            unreachable.put("store.url", "http://127.0.0.1:" + closedPort());
            assertTrue(errors(unreachable, "store.url").get(0).contains("Cannot reach"), good.get("connector.class"));

            RestClient.Response refused = rest.createConnector("refused-" + System.nanoTime(), missing);
            assertEquals(400, refused.status(), refused.raw());
            assertTrue(refused.raw().contains("does not exist"), refused.raw());
        }
    }

    @Test
    void aBucketDeletedUnderARunningSinkFailsItsTaskWithTheReason() {
        String bucket = S3TestServer.newBucket();
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-fail-sink"), 1);
        Map<String, String> config = config(SINK, bucket, Map.of("topics", topic, "flush.size", "1",
                "s3.request.timeout.ms", "5000", "s3.part.retries", "1"));
        assertEquals(201, rest.createConnector("doomed-sink", config).status());
        Await.until(() -> "RUNNING".equals(rest.taskState("doomed-sink", 0)), Duration.ofSeconds(30), "running");
        S3TestServer.client().deleteBucket(b -> b.bucket(bucket));
        KafkaTestBroker.produce(topic, "a", "b", "c");

        Await.until(() -> "FAILED".equals(rest.taskState("doomed-sink", 0)), Duration.ofSeconds(60),
                "the task fails instead of retrying forever");
        String trace = rest.get("/connectors/doomed-sink/status").body().get("tasks").get(0).get("trace").asText();
        assertTrue(trace.contains("s3://" + bucket) || trace.contains("NoSuchBucket"), trace);
    }

    @Test
    void aStoreThatStopsAnsweringFailsTheSourceTaskInsteadOfHangingIt() throws Exception {
        S3Proxy own = S3TestServer.startProxy();
        String endpoint = "http://127.0.0.1:" + own.getPort();
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-fail-src"), 1);
        try (S3Client client = S3TestServer.client(endpoint)) {
            client.createBucket(b -> b.bucket("landing"));
            client.putObject(b -> b.bucket("landing").key("in/1.json"),
                    RequestBody.fromString("{\"n\":1}\n{\"n\":2}\n", StandardCharsets.UTF_8));
        }
        Map<String, String> config = config(SOURCE, "landing", Map.of("s3.prefixes", "in/", "topic", topic,
                "format.class", "json", "s3.poll.interval.ms", "200", "s3.request.timeout.ms", "3000",
                "s3.part.retries", "0", "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false"));
        config.put("store.url", endpoint);
        try {
            assertEquals(201, rest.createConnector("doomed-source", config).status());
            KafkaTestBroker.consumeAll(topic, 2, Duration.ofSeconds(60));
        } finally {
            own.stop();
        }
        Await.until(() -> "FAILED".equals(rest.taskState("doomed-source", 0)), Duration.ofSeconds(60),
                "the task fails within its timeouts");
        String trace = rest.get("/connectors/doomed-source/status").body().get("tasks").get(0).get("trace").asText();
        assertTrue(trace.contains("Cannot read s3://landing"), trace);
    }

    private static int closedPort() {
        try (java.net.ServerSocket socket = new java.net.ServerSocket(0)) {
            return socket.getLocalPort();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
