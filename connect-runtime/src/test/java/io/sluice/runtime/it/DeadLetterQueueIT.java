package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Poison records: tolerated ones go to the dead letter queue with their error context; intolerable ones fail the task. */
class DeadLetterQueueIT {

    @TempDir
    Path dir;
    private TestWorker worker;
    private RestClient rest;
    private String topic;

    @BeforeEach
    void startWorker() {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(TestPlugins.connectFileJar(), pluginPath);
        worker = TestWorker.standalone().pluginPath(pluginPath).start();
        rest = worker.rest();
        topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("poisoned"), 1);
        KafkaTestBroker.produce(topic, "\"good-1\"", "{not json", "\"good-2\"", "also not json", "\"good-3\"");
    }

    @AfterEach
    void stopWorker() {
        worker.close();
    }

    private Map<String, String> sinkConfig(Path output) {
        Map<String, String> config = new HashMap<>();
        config.put("connector.class", "FileStreamSink");
        config.put("file", output.toString());
        config.put("topics", topic);
        config.put("value.converter", "org.apache.kafka.connect.json.JsonConverter");
        config.put("value.converter.schemas.enable", "false");
        config.put("key.converter", "org.apache.kafka.connect.storage.StringConverter");
        return config;
    }

    @Test
    void toleratedPoisonRecordsLandInTheDeadLetterQueueWithErrorHeadersAndTheTaskKeepsRunning() throws IOException {
        Path output = dir.resolve("good.txt");
        String dlq = KafkaTestBroker.uniqueTopic("dlq");
        Map<String, String> config = sinkConfig(output);
        config.put("errors.tolerance", "all");
        config.put("errors.log.enable", "true");
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("errors.deadletterqueue.topic.replication.factor", "1");
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        assertEquals(201, rest.createConnector("tolerant", config).status());

        List<ConsumerRecord<String, String>> dead = KafkaTestBroker.consumeAll(dlq, 2, Duration.ofSeconds(60));
        assertEquals(List.of("{not json", "also not json"), dead.stream().map(ConsumerRecord::value).toList());
        ConsumerRecord<String, String> first = dead.get(0);
        assertEquals(topic, header(first, "__connect.errors.topic"));
        assertEquals("1", header(first, "__connect.errors.offset"));
        assertEquals("tolerant", header(first, "__connect.errors.connector.name"));
        assertEquals("VALUE_CONVERTER", header(first, "__connect.errors.stage"));
        assertNotNull(header(first, "__connect.errors.exception.class.name"));
        Await.until(() -> lines(output) == 3, Duration.ofSeconds(30), "the good records reached the sink");
        assertEquals(List.of("good-1", "good-2", "good-3"), Files.readAllLines(output));
        assertEquals("RUNNING", rest.taskState("tolerant", 0));
    }

    @Test
    void intolerablePoisonRecordFailsTheTaskWithItsTraceInTheStatus() {
        assertEquals(201, rest.createConnector("strict", sinkConfig(dir.resolve("strict.txt"))).status());
        String trace = worker.assertions().awaitTaskState("strict", 0, "FAILED").path("tasks").get(0).path("trace").asText();
        assertTrue(trace.contains("Tolerance exceeded") || trace.contains("DataException"), trace);
    }

    private static String header(ConsumerRecord<?, ?> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    private static long lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file).size() : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
