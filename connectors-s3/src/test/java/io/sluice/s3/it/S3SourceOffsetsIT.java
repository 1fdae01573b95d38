package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Offsets of the S3 source altered over REST, on a real worker reading a real S3-compatible store. */
class S3SourceOffsetsIT {

    @TempDir
    Path dir;

    @Test
    void offsetsTheTaskCouldNotUseAreRefusedWithTheConnectorsReasonAndAnAlteredOneIsWhereReadingGoesOn() {
        String bucket = S3TestServer.newBucket();
        S3TestServer.put(bucket, "in/a.json", "{\"n\":1}\n{\"n\":2}\n".getBytes(StandardCharsets.UTF_8));
        S3TestServer.put(bucket, "in/b.json", "{\"n\":3}\n{\"n\":4}\n{\"n\":5}\n".getBytes(StandardCharsets.UTF_8));
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s3-offsets"), 1);
        Map<String, String> source = new HashMap<>(S3TestServer.connectorSettings(bucket));
        source.putAll(Map.of("connector.class", "io.sluice.s3.S3SourceConnector", "s3.prefixes", "in/",
                "topic", topic, "format.class", "json", "s3.poll.interval.ms", "200"));
        TestWorker.Builder cluster = S3Plugin.worker(S3Plugin.install(dir));

        try (TestWorker worker = cluster.start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("landing", source).status());
            Await.until(() -> "in/b.json 3".equals(offset(rest)), Duration.ofSeconds(60), "every line read, committed");
            assertEquals(204, rest.put("/connectors/landing/stop", Map.of()).status());
            Await.until(() -> "STOPPED".equals(rest.connectorState("landing")), Duration.ofSeconds(30), "stopped");

            Map<String, String> unit = Map.of("unit", "prefix:in/");
            RestClient.Response notANumber = alter(rest, unit, Map.of("object", "in/b.json", "position", "notanumber"));
            assertEquals(400, notANumber.status(), notANumber.raw());
            assertEquals(400, notANumber.body().path("error_code").asInt(), notANumber.raw());
            assertTrue(notANumber.body().path("message").asText().contains("The value for the 'position' key in the "
                    + "offset is expected to be a Long value"), notANumber.raw());
            RestClient.Response negative = alter(rest, unit, Map.of("object", "in/b.json", "position", -10));
            assertEquals(400, negative.status(), negative.raw());
            assertTrue(negative.raw().contains("should be a non-negative value, not -10"), negative.raw());
            RestClient.Response elsewhere = alter(rest, unit, Map.of("object", "out/b.json", "position", 0));
            assertEquals(400, elsewhere.status(), elsewhere.raw());
            assertTrue(elsewhere.raw().contains("is not under the unit's prefix 'in/'"), elsewhere.raw());
            assertEquals("in/b.json 3", offset(rest), "a refused change wrote nothing");

            RestClient.Response altered = alter(rest, unit, Map.of("object", "in/a.json", "position", 1));
            assertEquals(200, altered.status(), altered.raw());
            assertEquals("in/a.json 1", offset(rest));
            assertEquals(202, rest.put("/connectors/landing/resume", Map.of()).status());
            KafkaTestBroker.consumeAll(topic, 9, Duration.ofSeconds(60));
            Await.until(() -> "in/b.json 3".equals(offset(rest)), Duration.ofSeconds(60), "read on to the end again");
            List<String> values = KafkaTestBroker.consumeToEnd(topic).stream().map(r -> r.value()).toList();
            assertEquals(9, values.size(), "5 lines, then the 4 after line 1 of in/a.json: " + values);
            assertEquals(values.subList(1, 5), values.subList(5, 9));
        }
    }

    private static RestClient.Response alter(RestClient rest, Map<String, String> partition, Map<String, ?> offset) {
        return rest.patch("/connectors/landing/offsets", Map.of("offsets", List.of(Map.of("partition", partition,
                "offset", offset))));
    }

    /** The committed offset as "object position", or null. */
    private static String offset(RestClient rest) {
        var offsets = rest.get("/connectors/landing/offsets").body().path("offsets");
        if (offsets.size() != 1) {
            return null;
        }
        var offset = offsets.get(0).path("offset");
        return offset.path("object").asText() + " " + offset.path("position").asLong();
    }
}
