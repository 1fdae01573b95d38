package io.sluice.s3.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.LogCapture;
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
import java.util.stream.Collectors;
import java.util.stream.IntStream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The tester's story (tryout20): a 3-partition archive restored with topic.mapping into a topic that did not exist.
 * The broker auto-created it with one partition; partition 0 was restored, then both tasks hung RUNNING, logging only
 * UNKNOWN_TOPIC_OR_PARTITION. Now a missing target is created with the archive's partition count (and the
 * connector's topic.creation.* settings), and a target with too few partitions fails the tasks at once, saying so.
 */
class S3SourceRestoreTargetIT {
    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final int PARTITIONS = 3;
    private static final int PER_PARTITION = 20;

    @TempDir
    Path dir;

    @Test
    void aRestoreIntoATopicThatDoesNotExistCreatesItWithTheArchivesPartitionsAndRestoresEveryPartition()
            throws Exception {
        String bucket = S3TestServer.newBucket();
        String archived = archive(bucket, "s1");
        String target = KafkaTestBroker.uniqueTopic("s1r");
        Map<String, String> config = restore(bucket, archived, target);
        // KIP-158 settings are honoured; the archive's partition count wins over a smaller one
        config.putAll(Map.of("topic.creation.default.replication.factor", "-1",
                "topic.creation.default.partitions", "1", "topic.creation.default.retention.ms", "3600000"));
        try (TestWorker worker = S3Plugin.worker(S3Plugin.install(dir)).start();
             LogCapture log = LogCapture.open()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("restore", config).status());
            // a consumer of a missing topic would have the broker create it with one partition: read once it exists
            try (Admin admin = KafkaTestBroker.admin()) {
                Await.until(() -> exists(admin, target), WAIT, "target created");
            }
            List<ConsumerRecord<String, String>> records = KafkaTestBroker.consumeAll(target, PARTITIONS * PER_PARTITION,
                    WAIT);
            for (ConsumerRecord<String, String> r : records) {
                assertTrue(r.value().startsWith("\"p" + r.partition() + "-"),
                        "each record in the partition it was archived from: " + r);
            }
            assertEquals(1, log.linesWith("Created topic " + target + " with 3 partitions").size(),
                    log.linesWith("Created topic " + target).toString());
            try (Admin admin = KafkaTestBroker.admin()) {
                assertEquals(PARTITIONS, admin.describeTopics(List.of(target)).allTopicNames().get().get(target)
                        .partitions().size());
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, target);
                assertEquals("3600000", admin.describeConfigs(List.of(topic)).all().get().get(topic)
                        .get("retention.ms").value());
            }
            assertEquals("RUNNING", rest.taskState("restore", 0));
            assertEquals("RUNNING", rest.taskState("restore", 1));
        }
    }

    @Test
    void aRestoreIntoATopicWithFewerPartitionsThanTheArchiveFailsAtOnceSayingWhichPartitionAndWhatToDo()
            throws Exception {
        String bucket = S3TestServer.newBucket();
        String archived = archive(bucket, "s1");
        String target = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("s1r-small"), 1);
        try (TestWorker worker = S3Plugin.worker(S3Plugin.install(dir)).start()) {
            RestClient rest = worker.rest();
            assertEquals(201, rest.createConnector("restore", restore(bucket, archived, target)).status());
            // units 0 and 2 go to task 0, unit 1 to task 1
            Await.until(() -> "FAILED".equals(rest.taskState("restore", 0))
                    && "FAILED".equals(rest.taskState("restore", 1)), Duration.ofSeconds(30), "both tasks fail");
            String trace = rest.get("/connectors/restore/status").body().path("tasks").get(1).path("trace").asText();
            assertTrue(trace.contains("Topic " + target + " has 1 partition(s), but the archive of " + archived
                    + " holds partition 1 (3 partitions in all)"), trace);
            assertTrue(trace.contains("--alter --topic " + target + " --partitions 3"), trace);
            assertEquals(0, KafkaTestBroker.consumeToEnd(target).size(), "nothing restored before it failed");
        }
    }

    private static boolean exists(Admin admin, String topic) {
        try {
            return admin.listTopics().names().get().contains(topic);
        } catch (Exception e) {
            return false;
        }
    }

    /** Objects as the S3 sink names them, JSON lines "pN-i", PER_PARTITION of each of PARTITIONS partitions. */
    private static String archive(String bucket, String prefix) {
        String topic = KafkaTestBroker.uniqueTopic(prefix);
        for (int p = 0; p < PARTITIONS; p++) {
            int partition = p;
            String lines = IntStream.range(0, PER_PARTITION).mapToObj(i -> "\"p" + partition + "-" + i + "\"\n")
                    .collect(Collectors.joining());
            S3TestServer.put(bucket, String.format("topics/%s/partition=%d/%s+%d+%010d+%010d.json", topic, p, topic, p,
                    0, PER_PARTITION - 1), lines.getBytes(StandardCharsets.UTF_8));
        }
        return topic;
    }

    private static Map<String, String> restore(String bucket, String archived, String target) {
        Map<String, String> config = new HashMap<>(S3TestServer.connectorSettings(bucket));
        config.putAll(Map.of("connector.class", "io.sluice.s3.source.S3SourceConnector", "topics", archived,
                "topic.mapping", archived + ":" + target, "format.class", "json", "tasks.max", "2",
                "s3.poll.interval.ms", "500", "value.converter", "org.apache.kafka.connect.json.JsonConverter",
                "value.converter.schemas.enable", "false"));
        return config;
    }
}
