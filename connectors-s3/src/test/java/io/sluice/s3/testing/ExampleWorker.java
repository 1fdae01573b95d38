package io.sluice.s3.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ExampleConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One worker of config/standalone.properties (on the shared test broker) for a class of S3 example tests, pointed at
 * the test S3 server: examples that leave their keys empty find the server's in the default AWS credentials chain
 * (its system properties, set while the class runs), and those that name the secrets file find them in one. Each test
 * creates example connectors and topics; both are deleted after it, as the examples reuse topic names.
 */
public final class ExampleWorker implements BeforeAllCallback, AfterAllCallback, AfterEachCallback {
    private final List<String> connectors = new ArrayList<>();
    private final List<String> topics = new ArrayList<>();
    private TestWorker worker;
    private RestClient rest;
    private Path dir;
    private Path secrets;

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        dir = Files.createTempDirectory("sluice-s3-examples");
        System.setProperty("aws.accessKeyId", S3TestServer.ACCESS_KEY);
        System.setProperty("aws.secretAccessKey", S3TestServer.SECRET_KEY);
        secrets = Files.writeString(dir.resolve("secrets.properties"),
                "minio.secret=" + S3TestServer.SECRET_KEY + "\ngcs.secret=" + S3TestServer.SECRET_KEY + "\n");
        worker = ExampleConfig.standaloneWorkerOnTestBroker(S3Plugin.install(dir)).start();
        rest = worker.rest();
    }

    @Override
    public void afterEach(ExtensionContext context) throws Exception {
        connectors.forEach(name -> rest.delete("/connectors/" + name));
        // their tasks gone before their topics go, so none writes a deleted topic back into existence
        Await.until(() -> connectors.stream().allMatch(name -> rest.get("/connectors/" + name + "/status").status() == 404),
                Duration.ofSeconds(60), () -> "connectors " + connectors + " deleted");
        connectors.clear();
        try (Admin admin = KafkaTestBroker.admin()) {
            admin.deleteTopics(topics).all().get(60, TimeUnit.SECONDS);
        }
        topics.clear();
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        worker.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
        try (Stream<Path> files = Files.walk(dir)) {
            files.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        }
    }

    public RestClient rest() {
        return rest;
    }

    /** The secrets file the examples' ${file:...} placeholders are pointed at. */
    public Path secrets() {
        return secrets;
    }

    /** An AWS example with its bucket replaced and the test server as its endpoint (credentials: the default chain). */
    public static ExampleConfig onTestServer(String file, String shippedBucket, String bucket) {
        return ExampleConfig.connector(file).replace("s3.bucket.name", shippedBucket, bucket)
                .add("store.url", S3TestServer.endpoint());
    }

    /** Creates the example's connector, deleted after the test. */
    public void create(ExampleConfig example) {
        RestClient.Response created = rest.createConnector(example.name(), example.config());
        assertEquals(201, created.status(), example.name() + ": " + created.raw());
        connectors.add(example.name());
    }

    /** Creates a topic of the examples' (retention unlimited: some records are hours old), deleted after the test. */
    public void topic(String name, int partitions) {
        OldRecordTopics.create(name, partitions);
        topics.add(name);
    }
}
