package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import io.sluice.s3.ObjectNames;
import io.sluice.s3.ObjectNames.StoredObject;
import io.sluice.s3.testing.S3Plugin;
import io.sluice.s3.testing.S3TestServer;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.TopicPartition;
import org.gaul.s3proxy.S3Proxy;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.S3Object;

/**
 * The S3 sink when its store goes away mid-run, as a user meets it: uploads fail, the task FAILED, the store comes
 * back, the task is restarted: every record of the topic is in exactly one object.
 */
class S3SinkFaultsIT {

    private static final int TOTAL = 20_000;
    private static final String BUCKET = "faults";

    @TempDir
    Path dir;

    @Test
    void aStoreThatStopsMidRunAndComesBackLosesAndDuplicatesNothingOnceTheTaskIsRestarted() throws Exception {
        int port = WorkerLauncher.freePort();
        Path storeDir = dir.resolve("store");
        java.nio.file.Files.createDirectories(storeDir);
        S3Proxy store = S3TestServer.startProxy(port, storeDir);
        String endpoint = "http://127.0.0.1:" + port;
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-faults"), 1);
        try (S3Client client = S3TestServer.client(endpoint);
             TestWorker worker = S3Plugin.worker(S3Plugin.install(dir)).start()) {
            client.createBucket(b -> b.bucket(BUCKET));
            RestClient rest = worker.rest();
            Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(BUCKET));
            config.put("connector.class", "io.sluice.s3.sink.S3SinkConnector");
            config.put("store.url", endpoint);
            config.put("topics", topic);
            config.put("flush.size", "1000");
            config.put("s3.connect.timeout.ms", "2000");
            config.put("s3.request.timeout.ms", "5000");
            config.put("s3.part.retries", "1");
            assertEquals(201, rest.createConnector("faulty-store", config).status());

            Thread producer = KafkaTestBroker.produceLive(topic, TOTAL, 500, 100, i -> Map.entry("k" + i, value(i)));
            try {
                Await.until(() -> stored(client).size() >= 3, Duration.ofSeconds(60), "some objects stored");
                store.stop();
                Await.until(() -> "FAILED".equals(rest.taskState("faulty-store", 0)), Duration.ofSeconds(90),
                        "the task fails once uploads fail");
            } finally {
                producer.join(120_000);
            }
            String trace = rest.get("/connectors/faulty-store/status").body().get("tasks").get(0).get("trace").asText();
            assertTrue(trace.contains("Cannot store an object in S3"), trace);

            store = S3TestServer.startProxy(port, storeDir);
            assertEquals(204, rest.post("/connectors/faulty-store/tasks/0/restart", null).status());
            Await.until(() -> KafkaTestBroker.committedOffset("connect-faulty-store", new TopicPartition(topic, 0)) == TOTAL,
                    Duration.ofSeconds(120), "every record committed after the restart");

            List<StoredObject> objects = new ArrayList<>(stored(client));
            objects.sort(Comparator.comparingLong(StoredObject::start));
            long next = 0;
            List<String> lines = new ArrayList<>();
            for (StoredObject o : objects) {
                assertEquals(next, o.start(), "objects follow each other without gap or overlap: " + objects);
                next = o.end() + 1;
                List<String> content = read(client, o.key());
                assertEquals(o.end() - o.start() + 1, content.size(), o.key() + " holds its offset range");
                lines.addAll(content);
            }
            assertEquals(TOTAL, next, "the objects cover the topic");
            List<String> expected = new ArrayList<>();
            for (int i = 0; i < TOTAL; i++) {
                expected.add("\"" + value(i) + "\"");
            }
            assertEquals(expected, lines, "every record once, in order");
        } finally {
            store.stop();
        }
    }

    private static String value(int i) {
        return "record-" + i;
    }

    /** The sink's completed objects (not a multipart upload's assembly key, nor s3proxy's file of a write). */
    private static List<StoredObject> stored(S3Client client) {
        List<StoredObject> out = new ArrayList<>();
        for (S3Object o : client.listObjectsV2Paginator(b -> b.bucket(BUCKET)).contents()) {
            if (!ObjectNames.isUploading(o.key()) && !S3TestServer.isInFlight(o.key())) {
                ObjectNames.parse(o.key()).ifPresent(out::add);
            }
        }
        return out;
    }

    private static List<String> read(S3Client client, String key) throws IOException {
        try (InputStream in = client.getObject(b -> b.bucket(BUCKET).key(key))) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8).lines().toList();
        }
    }
}
