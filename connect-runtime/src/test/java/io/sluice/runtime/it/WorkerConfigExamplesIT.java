package io.sluice.runtime.it;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import io.sluice.runtime.kafka.EmbeddedKafkaBroker;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.ExampleConfig;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.testing.RestClient;
import io.sluice.runtime.testing.TestPlugins;
import io.sluice.runtime.testing.TestWorker;
import io.sluice.runtime.testing.WorkerLauncher;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * config/standalone.properties and config/distributed.properties as shipped, only their ports, broker and plugin
 * path replaced, doing what their comments and the README say: the README's first example on a fresh clone's
 * layout with its own embedded broker, and two workers of the distributed example sharing their connectors.
 */
class WorkerConfigExamplesIT {

    private static final Duration WAIT = Duration.ofSeconds(90);
    private static final List<String> STANDALONE_TOPICS =
            List.of("connect-cluster-configs", "connect-cluster-offsets", "connect-cluster-status");
    private static final List<String> DISTRIBUTED_TOPICS = List.of("connect-configs", "connect-offsets", "connect-status");

    @TempDir
    Path dir;

    @Test
    void theReadmesFirstExampleStreamsTestTxtThroughConnectTestAndTheDistributedExampleOnItsBrokerRunsNoneOfItsConnectorsAgain()
            throws Exception {
        // a clone after the build: config/, plugins/connect-file as the build installs it, the working directory
        // holding test.txt; the worker config names plugins/ and data/kafka relative to it, as shipped
        TestPlugins.install(Path.of(System.getProperty("sluice.plugin.dir")), dir.resolve("plugins"));
        ExampleConfig.connector("connect-file-source.properties").writeTo(dir.resolve("config"));
        ExampleConfig.connector("connect-file-sink.json").writeTo(dir.resolve("config"));
        Files.write(dir.resolve("test.txt"), List.of("foo", "bar"));
        int kafkaPort = WorkerLauncher.freePort();
        int restPort = WorkerLauncher.freePort();
        Map<String, String> standalone = ExampleConfig.worker("standalone.properties")
                .replace("embedded.kafka.port", "9092", Integer.toString(kafkaPort))
                .replace("listeners", "http://:8083", "http://127.0.0.1:" + restPort)
                .config();

        try (WorkerLauncher worker = new WorkerLauncher(dir, restPort, standalone)) {
            RestClient rest = worker.start("config/connect-file-source.properties", "config/connect-file-sink.json");
            String kafka = "127.0.0.1:" + kafkaPort;
            List<ConsumerRecord<String, String>> records = KafkaTestBroker.consumeAll(kafka, "connect-test", 2, WAIT);
            assertEquals(List.of(jsonString("foo"), jsonString("bar")), records.stream().map(ConsumerRecord::value).toList(),
                    "each line of test.txt a record of connect-test, a string with its schema (JsonConverter, "
                            + "schemas.enable=true as the worker config sets)");
            Await.until(() -> lines(dir.resolve("test.sink.txt")).equals(List.of("foo", "bar")), WAIT,
                    () -> "the sink writes the topic back into test.sink.txt; " + worker.tail());
            Files.write(dir.resolve("test.txt"), List.of("baz"), StandardOpenOption.APPEND);
            Await.until(() -> lines(dir.resolve("test.sink.txt")).equals(List.of("foo", "bar", "baz")), WAIT,
                    "a line appended to test.txt follows");

            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
                assertTrue(admin.listTopics().names().get().containsAll(STANDALONE_TOPICS),
                        "the internal topics are <group.id>-configs, -offsets, -status");
            }
            assertTrue(Files.exists(dir.resolve("data/kafka/meta.properties")), "the broker's data in embedded.kafka.dir");
            for (String name : List.of("local-file-source", "local-file-sink")) {
                assertEquals("RUNNING", rest.taskState(name, 0), name);
            }

            // the distributed example started next, on the same machine: its localhost:9092 is this embedded broker
            try (TestWorker distributed = distributedWorker(kafka, dir.resolve("plugins")).start()) {
                RestClient cluster = distributed.rest();
                Await.until(() -> cluster.get("/connectors").status() == 200, WAIT, "the cluster worker answers");
                assertEquals("[]", cluster.get("/connectors").body().toString(),
                        "a cluster of its own: the standalone worker's connectors are not run a second time");
                Files.write(dir.resolve("test.txt"), List.of("qux"), StandardOpenOption.APPEND);
                Await.until(() -> lines(dir.resolve("test.sink.txt")).size() == 4, WAIT, "the line follows");
                try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka))) {
                    TopicPartition connectTest = new TopicPartition("connect-test", 0);
                    assertEquals(4, admin.listOffsets(Map.of(connectTest, OffsetSpec.latest())).all().get()
                            .get(connectTest).offset(), "each line once in the topic");
                }
                assertEquals(List.of("foo", "bar", "baz", "qux"), lines(dir.resolve("test.sink.txt")), "once each");
            }
        }
    }

    @Test
    void twoWorkersOfTheDistributedExampleShareItsConnectorsAndOneCarriesOnWhenTheOtherStops() throws Exception {
        Path pluginPath = dir.resolve("plugins");
        TestPlugins.install(Path.of(System.getProperty("sluice.plugin.dir")), pluginPath);
        // the example's group and topic names as shipped: on a Kafka cluster of its own, not the shared test broker
        try (EmbeddedKafkaBroker kafka = new EmbeddedKafkaBroker(dir.resolve("kafka"), 0).start();
             TestWorker first = distributedWorker(kafka.bootstrapServers(), pluginPath).start();
             TestWorker second = distributedWorker(kafka.bootstrapServers(), pluginPath).start()) {
            try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
                admin.createTopics(List.of(new NewTopic("orders", 1, (short) 1), new NewTopic("refunds", 1, (short) 1)))
                        .all().get();
                for (String topic : DISTRIBUTED_TOPICS) {
                    ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
                    assertEquals("compact", admin.describeConfigs(List.of(resource)).all().get().get(resource)
                            .get("cleanup.policy").value(), topic + " is compacted");
                }
            }
            // a secret-style value through the file config provider the example configures
            Path paths = Files.writeString(dir.resolve("paths.properties"), "orders.file=" + dir.resolve("orders.txt") + "\n");
            RestClient one = first.rest();
            RestClient two = second.rest();
            assertEquals(201, two.createConnector("orders-sink", Map.of("connector.class", "FileStreamSink",
                    "topics", "orders", "file", "${file:" + paths + ":orders.file}")).status());
            assertEquals(201, one.createConnector("refunds-sink", Map.of("connector.class", "FileStreamSink",
                    "topics", "refunds", "file", dir.resolve("refunds.txt").toString())).status());

            Set<String> workers = new HashSet<>();
            Await.until(() -> {
                workers.clear();
                for (String name : List.of("orders-sink", "refunds-sink")) {
                    JsonNode status = one.get("/connectors/" + name + "/status").body();
                    if (status == null || !"RUNNING".equals(status.path("tasks").path(0).path("state").asText())) {
                        return false;
                    }
                    workers.add(status.path("connector").path("worker_id").asText());
                    workers.add(status.path("tasks").path(0).path("worker_id").asText());
                }
                return workers.size() == 2;
            }, WAIT, () -> "two connectors and their tasks RUNNING, spread over both workers; "
                    + one.get("/connectors?expand=status").raw());
            assertEquals(one.get("/connectors?expand=info").body(), two.get("/connectors?expand=info").body(),
                    "both workers know the same connectors");

            produce(kafka, "orders", "o1", "o2");
            produce(kafka, "refunds", "r1");
            Await.until(() -> lines(dir.resolve("orders.txt")).equals(List.of("o1", "o2"))
                    && lines(dir.resolve("refunds.txt")).equals(List.of("r1")), WAIT, "both sinks write");

            first.close();
            String survivor = second.restUrl().getHost() + ":" + second.restUrl().getPort();
            Await.until(() -> List.of("orders-sink", "refunds-sink").stream().allMatch(name -> {
                JsonNode status = two.get("/connectors/" + name + "/status").body();
                return status != null && survivor.equals(status.path("connector").path("worker_id").asText())
                        && survivor.equals(status.path("tasks").path(0).path("worker_id").asText())
                        && "RUNNING".equals(status.path("tasks").path(0).path("state").asText());
            }), WAIT, () -> "everything runs on the remaining worker; " + two.get("/connectors?expand=status").raw());
            produce(kafka, "orders", "o3");
            produce(kafka, "refunds", "r2");
            Await.until(() -> lines(dir.resolve("orders.txt")).equals(List.of("o1", "o2", "o3"))
                    && lines(dir.resolve("refunds.txt")).equals(List.of("r1", "r2")), WAIT,
                    "the remaining worker carries on where the other stopped");
        }
    }

    /** A worker of config/distributed.properties: its Kafka cluster, REST port and plugin path replaced. */
    private static TestWorker.Builder distributedWorker(String kafka, Path pluginPath) {
        return TestWorker.of(ExampleConfig.worker("distributed.properties")
                .replace("bootstrap.servers", "localhost:9092", kafka)
                .replace("listeners", "http://0.0.0.0:8083", "http://127.0.0.1:0")
                .replace("plugin.path", "plugins", pluginPath.toString())
                .config(), true);
    }

    /** Strings as JsonConverter with schemas writes them, which the example workers read. */
    private static void produce(EmbeddedKafkaBroker kafka, String topic, String... values) throws Exception {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(
                Map.of("bootstrap.servers", kafka.bootstrapServers()), new StringSerializer(), new StringSerializer())) {
            for (String value : values) {
                producer.send(new ProducerRecord<>(topic, jsonString(value))).get();
            }
        }
    }

    private static String jsonString(String value) {
        return "{\"schema\":{\"type\":\"string\",\"optional\":false},\"payload\":\"" + value + "\"}";
    }

    private static List<String> lines(Path file) {
        try {
            return Files.exists(file) ? Files.readAllLines(file) : List.of();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
