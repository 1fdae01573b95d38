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
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 connectors moved into the module's sink/ and source/ packages; configs written with their earlier
 * names (io.sluice.s3.S3SinkConnector, io.sluice.s3.S3SourceConnector) keep validating and running.
 */
class S3ConnectorNamesIT {
    private static final String OLD_SINK = "io.sluice.s3.S3SinkConnector";
    private static final String OLD_SOURCE = "io.sluice.s3.S3SourceConnector";

    @TempDir
    Path dir;

    @Test
    void configsNamingTheConnectorsBeforeTheyMovedStillValidateAndRun() {
        String bucket = S3TestServer.newBucket();
        String original = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-names-src"), 1);
        String restored = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-names-dst"), 1);
        KafkaTestBroker.produce(original, IntStream.range(0, 50).mapToObj(i -> Map.entry("k" + i, "v" + i)).toList());

        TestWorker.Builder cluster = S3Plugin.worker(S3Plugin.install(dir));
        Map<String, String> sink = new HashMap<>(S3TestServer.connectorSettings(bucket));
        sink.putAll(Map.of("connector.class", OLD_SINK, "topics", original, "topics.dir", "backup",
                "format.class", "envelope", "flush.size", "50"));
        Map<String, String> source = new HashMap<>(S3TestServer.connectorSettings(bucket));
        source.putAll(Map.of("connector.class", OLD_SOURCE, "topics", original, "topics.dir", "backup",
                "topic.mapping", original + ":" + restored, "format.class", "envelope", "s3.poll.interval.ms", "500"));

        try (TestWorker worker = cluster.start()) {
            RestClient rest = worker.rest();
            List<String> listed = new ArrayList<>();
            rest.get("/connector-plugins").body().forEach(p -> listed.add(p.path("class").asText()));
            assertTrue(listed.containsAll(List.of("io.sluice.s3.sink.S3SinkConnector",
                    "io.sluice.s3.source.S3SourceConnector")), "listed under their names now: " + listed);

            Map<String, String> named = new HashMap<>(sink);
            named.put("name", "old-sink");
            RestClient.Response validated = rest.put("/connector-plugins/" + OLD_SINK + "/config/validate", named);
            assertEquals(200, validated.status());
            assertEquals(0, validated.body().path("error_count").asInt(), "validated by the sink's own definitions");
            assertTrue(validated.body().path("groups").toString().contains("Partitioner"),
                    "validated by the sink's own definitions");

            assertEquals(201, rest.createConnector("old-sink", sink).status());
            Await.until(() -> S3SinkIT.storedCount(bucket, "backup/") == 50, Duration.ofSeconds(60),
                    () -> "the sink named by its old class archives: " + S3TestServer.keys(bucket));
            assertEquals(201, rest.createConnector("old-source", source).status());
            assertEquals(50, KafkaTestBroker.consumeAll(restored, 50, Duration.ofSeconds(60)).size(),
                    "the source named by its old class restores");
            JsonNode config = rest.get("/connectors/old-sink/config").body();
            assertEquals(OLD_SINK, config.path("connector.class").asText(), "the stored config is the user's, as given");
        }
    }
}
