package io.sluice.runtime.worker.errors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.SinkConnectorConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.testing.KafkaTestBroker;
import io.sluice.runtime.worker.TransformationChain;
import io.sluice.runtime.plugins.Plugins;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.transforms.ReplaceField;
import org.junit.jupiter.api.Test;

/** The dead letter queue through a real broker: what lands there, and when a report counts as durable. */
class DeadLetterQueueIT {

    private static final Duration TIMEOUT = Duration.ofSeconds(30);
    private static final byte[] KEY = {0, 1, (byte) 0xff};
    private static final byte[] VALUE = "{\"id\": 7}".getBytes(StandardCharsets.UTF_8);

    private static Map<String, String> sinkConfig(String topic, String dlq) {
        Map<String, String> config = new HashMap<>();
        config.put("name", "orders-sink");
        config.put("connector.class", "OrdersSink");
        config.put("topics", topic);
        config.put("errors.tolerance", "all");
        config.put("errors.log.enable", "true");
        config.put("errors.deadletterqueue.topic.name", dlq);
        config.put("errors.deadletterqueue.context.headers.enable", "true");
        return config;
    }

    @Test
    void toleratedTransformationFailureLandsTheOriginalBytesWithEveryContextHeader() throws Exception {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("orders"), 2);
        String dlq = KafkaTestBroker.uniqueTopic("orders-dlq");
        ConsumerRecord<byte[], byte[]> original = produceAndReadBack(topic);
        Map<String, String> config = sinkConfig(topic, dlq);
        config.put("transforms", "rename");
        config.put("transforms.rename.type", ReplaceField.Value.class.getName());
        config.put("transforms.rename.renames", "id:order_id");

        ConnectorTaskId task = new ConnectorTaskId("orders-sink", 3);
        Plugins plugins = new Plugins(List.of(), "only_scan");
        SinkConnectorConfig typed = new SinkConnectorConfig(plugins, config);
        try (ErrorHandler errors = new ErrorHandler(task, typed, KafkaTestBroker.clientConfig(),
                KafkaTestBroker.clientConfig());
             TransformationChain<SinkRecord> chain = TransformationChain.create(typed, plugins)) {
            // a schemaless ReplaceField needs a map; the converted value here is a plain string
            SinkRecord converted = new SinkRecord(topic, original.partition(), null, null, null, "not a map",
                    original.offset());
            assertNull(chain.apply(converted, errors, RecordContext.of(original)));
            errors.flush();
        }

        try (Admin admin = KafkaTestBroker.admin()) {
            TopicDescription created = admin.describeTopics(List.of(dlq)).allTopicNames()
                    .get(30, TimeUnit.SECONDS).get(dlq);
            assertEquals(1, created.partitions().size());
            assertEquals(1, created.partitions().get(0).replicas().size(),
                    "replication factor 3 is more than one broker has, so the broker default is used");
        }
        ConsumerRecord<byte[], byte[]> dead = consumeBytes(dlq, 1).get(0);
        assertArrayEquals(KEY, dead.key());
        assertArrayEquals(VALUE, dead.value());
        assertEquals(original.timestamp(), dead.timestamp());
        assertEquals("eu", text(dead.headers().lastHeader("region")));
        assertEquals(topic, text(dead.headers().lastHeader("__connect.errors.topic")));
        assertEquals(String.valueOf(original.partition()), text(dead.headers().lastHeader("__connect.errors.partition")));
        assertEquals(String.valueOf(original.offset()), text(dead.headers().lastHeader("__connect.errors.offset")));
        assertEquals("orders-sink", text(dead.headers().lastHeader("__connect.errors.connector.name")));
        assertEquals("3", text(dead.headers().lastHeader("__connect.errors.task.id")));
        assertEquals("TRANSFORMATION", text(dead.headers().lastHeader("__connect.errors.stage")));
        assertEquals(ReplaceField.Value.class.getName(), text(dead.headers().lastHeader("__connect.errors.class.name")));
        assertEquals("org.apache.kafka.connect.errors.DataException",
                text(dead.headers().lastHeader("__connect.errors.exception.class.name")));
        assertTrue(text(dead.headers().lastHeader("__connect.errors.exception.message")).contains("Map"),
                () -> text(dead.headers().lastHeader("__connect.errors.exception.message")));
        assertTrue(text(dead.headers().lastHeader("__connect.errors.exception.stacktrace"))
                .startsWith("org.apache.kafka.connect.errors.DataException"));
    }

    @Test
    void reportErrantFutureCompletesOnceTheRecordIsReadableFromTheDeadLetterQueue() throws Exception {
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("payments"), 1);
        String dlq = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("payments-dlq"), 1);
        ConsumerRecord<byte[], byte[]> original = produceAndReadBack(topic);
        try (ErrorHandler errors = new ErrorHandler(new ConnectorTaskId("payments-sink", 0),
                new SinkConnectorConfig(null, sinkConfig(topic, dlq)), KafkaTestBroker.clientConfig(), KafkaTestBroker.clientConfig())) {
            Future<Void> reported = errors.reportErrant(original, new IllegalArgumentException("amount < 0"));
            reported.get(30, TimeUnit.SECONDS);
            assertEquals(1L, endOffset(dlq), "acknowledged means already readable");
        }
        ConsumerRecord<byte[], byte[]> dead = consumeBytes(dlq, 1).get(0);
        assertArrayEquals(VALUE, dead.value());
        assertEquals("TASK_PUT", text(dead.headers().lastHeader("__connect.errors.stage")));
        assertEquals("amount < 0", text(dead.headers().lastHeader("__connect.errors.exception.message")));
    }

    private static String text(Header header) {
        return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static ConsumerRecord<byte[], byte[]> produceAndReadBack(String topic) throws Exception {
        Map<String, Object> props = new HashMap<>(KafkaTestBroker.clientConfig());
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        try (KafkaProducer<byte[], byte[]> producer =
                     new KafkaProducer<>(props, new ByteArraySerializer(), new ByteArraySerializer())) {
            RecordHeaders headers = new RecordHeaders();
            headers.add("region", "eu".getBytes(StandardCharsets.UTF_8));
            producer.send(new ProducerRecord<>(topic, null, 1_700_000_000_123L, KEY, VALUE, headers))
                    .get(30, TimeUnit.SECONDS);
        }
        return consumeBytes(topic, 1).get(0);
    }

    private static long endOffset(String topic) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            TopicPartition partition = new TopicPartition(topic, 0);
            return consumer.endOffsets(List.of(partition), TIMEOUT).get(partition);
        }
    }

    private static List<ConsumerRecord<byte[], byte[]>> consumeBytes(String topic, int expected) {
        List<ConsumerRecord<byte[], byte[]>> records = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer()) {
            List<TopicPartition> partitions = consumer.partitionsFor(topic, TIMEOUT).stream()
                    .map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            long deadline = System.nanoTime() + TIMEOUT.toNanos();
            while (records.size() < expected) {
                if (System.nanoTime() > deadline) {
                    throw new AssertionError("expected " + expected + " records in " + topic + ", got " + records.size());
                }
                consumer.poll(Duration.ofMillis(100)).forEach(records::add);
            }
        }
        return records;
    }

    private static KafkaConsumer<byte[], byte[]> consumer() {
        Map<String, Object> props = new HashMap<>(KafkaTestBroker.clientConfig());
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
    }
}
