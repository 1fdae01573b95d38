package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Connector configs far over Kafka's default 1 MiB record size, which Apache's standalone worker accepts, are stored
 * and read back (the config topic and its producer take 16 MiB configs); a larger one is refused with a 413 before
 * anything is written, by validation and creation alike.
 */
class LargeConnectorConfigsIT {
    private static final int MIB = 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aTwoMebibyteConfigIsStoredRunsAndIsReadBackAfterARestart() {
        String group = KafkaTestBroker.uniqueTopic("large-configs");
        Map<String, String> config = sink("padding", "x".repeat(2 * MIB));
        try (TestWorker worker = start(group)) {
            RestClient rest = worker.rest();
            Map<String, String> named = new HashMap<>(config);
            named.put("name", "large");
            RestClient.Response validated = rest.put("/connector-plugins/FileStreamSink/config/validate", named);
            assertEquals(200, validated.status(), validated.raw().substring(0, 300));
            assertEquals(0, validated.body().path("error_count").asInt(), "validation and creation agree");
            RestClient.Response created = rest.createConnector("large", config);
            assertEquals(201, created.status(), created.raw().length() > 300 ? created.raw().substring(0, 300) : created.raw());
        }
        try (TestWorker restarted = start(group)) {
            RestClient rest = restarted.rest();
            assertEquals(2 * MIB, rest.get("/connectors/large/config").body().path("padding").asText().length(),
                    "the config was read back from the config topic");
            assertEquals(204, rest.delete("/connectors/large").status());
        }
    }

    @Test
    void aConfigOverSixteenMebibytesIsRefusedWith413BeforeAnythingIsWritten() throws Exception {
        String group = KafkaTestBroker.uniqueTopic("too-large-configs");
        Map<String, String> config = sink("padding", "x".repeat(16 * MIB + 1));
        try (TestWorker worker = start(group)) {
            RestClient rest = worker.rest();
            long written = endOffset(group + "-configs");
            for (RestClient.Response refused : List.of(
                    rest.createConnector("huge", config),
                    rest.put("/connectors/huge/config", config),
                    rest.put("/connector-plugins/FileStreamSink/config/validate", config))) {
                assertEquals(413, refused.status(), refused.raw());
                assertEquals(413, refused.body().path("error_code").asInt(), refused.raw());
                assertTrue(refused.body().path("message").asText().contains("16 MiB"), refused.raw());
            }
            assertEquals(written, endOffset(group + "-configs"), "nothing was written to the config topic");
            assertEquals("[]", rest.get("/connectors").raw());

            // a body larger than any config is refused before it is read
            RestClient.Response body = rest.request("POST", "/connectors", "{\"name\":\"b\",\"config\":{\"p\":\""
                    + "y".repeat(20 * MIB) + "\"}}", "Content-Type", "application/json");
            assertEquals(413, body.status(), body.raw());
            assertEquals(413, body.body().path("error_code").asInt(), body.raw());
            assertTrue(body.body().path("message").asText().contains("16 MiB"), body.raw());
        }
    }

    @Test
    void aConfigTopicCreatedWithKafkasDefaultLimitIsRaisedAtStart() throws Exception {
        String group = KafkaTestBroker.uniqueTopic("apache-made");
        String topic = group + "-configs";
        try (Admin admin = KafkaTestBroker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }
        try (TestWorker worker = start(group)) {
            ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
            try (Admin admin = KafkaTestBroker.admin()) {
                String limit = admin.describeConfigs(List.of(resource)).all().get().get(resource)
                        .get(TopicConfig.MAX_MESSAGE_BYTES_CONFIG).value();
                assertTrue(Long.parseLong(limit) > 16 * MIB, "max.message.bytes raised: " + limit);
            }
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("large", sink("padding", "z".repeat(3 * MIB))).status());
        }
    }

    private Map<String, String> sink(String key, String value) {
        Map<String, String> config = new HashMap<>(Map.of("connector.class", "FileStreamSink",
                "file", dir.resolve("out.txt").toString(), "topics", KafkaTestBroker.uniqueTopic("large")));
        config.put(key, value);
        return config;
    }

    private TestWorker start(String group) {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        return TestWorker.standalone().pluginPath(pluginPath).with("group.id", group).start();
    }

    private static long endOffset(String topic) throws Exception {
        try (Admin admin = KafkaTestBroker.admin()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return admin.listOffsets(Map.of(partition, OffsetSpec.latest())).all().get().get(partition).offset();
        }
    }
}
