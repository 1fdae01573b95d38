package io.sluice.runtime.schemaregistry;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * The _schemas topic speaks Confluent's format both ways: records a Confluent registry wrote (the bytes below, as
 * its KafkaStore writes them) are served as is, and what Sluice writes has Confluent's keys and values; ids and
 * versions survive a restart.
 */
class SchemaTopicFormatIT {
    private static final String SCHEMA = "{\"type\":\"record\",\"name\":\"Order\",\"fields\":[{\"name\":\"id\",\"type\":\"long\"}]}";

    @Test
    void aTopicWrittenByConfluentsRegistryIsServedAsIs() throws Exception {
        String topic = createCompacted("_schemas-confluent");
        String escaped = SCHEMA.replace("\"", "\\\"");
        produce(topic, List.of(
                Map.entry("{\"keytype\":\"NOOP\",\"magic\":0}", ""),
                Map.entry("{\"keytype\":\"CONFIG\",\"magic\":0}", "{\"compatibilityLevel\":\"FULL\"}"),
                Map.entry("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}",
                        "{\"subject\":\"orders-value\",\"version\":1,\"id\":7,\"schema\":\"" + escaped + "\",\"deleted\":false}"),
                Map.entry("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-copy\",\"version\":1,\"magic\":1}",
                        "{\"subject\":\"orders-copy\",\"version\":1,\"id\":7,\"schemaType\":\"AVRO\",\"schema\":\"" + escaped
                                + "\",\"deleted\":false}"),
                Map.entry("{\"keytype\":\"DELETE_SUBJECT\",\"subject\":\"orders-copy\",\"magic\":0}",
                        "{\"subject\":\"orders-copy\",\"version\":1}"),
                Map.entry("{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}",
                        "{\"subject\":\"orders-value\",\"compatibilityLevel\":\"NONE\"}"),
                Map.entry("{\"keytype\":\"MODE\",\"subject\":\"frozen\",\"magic\":0}", "{\"subject\":\"frozen\",\"mode\":\"READONLY\"}"),
                Map.entry("{\"keytype\":\"CONTEXT\",\"tenant\":\"default\",\"context\":\".\",\"magic\":0}", "{}"),
                Map.entry("not json at all", "{}")));
        try (TestRegistry registry = TestRegistry.on(topic, Map.of())) {
            assertEquals("[\"orders-value\"]", registry.get("/subjects").raw());
            assertEquals("[\"orders-copy\",\"orders-value\"]", registry.get("/subjects?deleted=true").raw());
            assertEquals(SCHEMA, registry.get("/schemas/ids/7/schema").raw());
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", registry.get("/config").raw());
            assertEquals("{\"compatibilityLevel\":\"NONE\"}", registry.get("/config/orders-value").raw());
            assertEquals("{\"mode\":\"READONLY\"}", registry.get("/mode/frozen").raw());
            assertEquals(8, registry.registerOk("orders-value", "\"string\""), "new ids continue after the highest seen");
        }
    }

    @Test
    void whatSluiceWritesIsConfluentsFormatAndKeepsIdsAndVersionsAcrossRestarts() {
        String topic = KafkaTestBroker.uniqueTopic("_schemas-sluice");
        int id;
        try (TestRegistry registry = TestRegistry.on(topic, Map.of())) {
            id = registry.registerOk("orders-value", SCHEMA);
            registry.put("/config/orders-value", Map.of("compatibility", "FULL"));
            registry.put("/mode/orders-value", Map.of("mode", "READWRITE"));
            registry.delete("/subjects/orders-value/versions/1");
        }
        List<ConsumerRecord<String, String>> records = readAll(topic, 4);
        String escaped = SCHEMA.replace("\"", "\\\"");
        assertEquals("{\"keytype\":\"SCHEMA\",\"subject\":\"orders-value\",\"version\":1,\"magic\":1}", records.get(0).key());
        assertEquals("{\"subject\":\"orders-value\",\"version\":1,\"id\":" + id + ",\"schemaType\":\"AVRO\",\"schema\":\""
                + escaped + "\",\"deleted\":false}", records.get(0).value());
        assertEquals("{\"keytype\":\"CONFIG\",\"subject\":\"orders-value\",\"magic\":0}", records.get(1).key());
        assertEquals("{\"subject\":\"orders-value\",\"compatibilityLevel\":\"FULL\"}", records.get(1).value());
        assertEquals("{\"keytype\":\"MODE\",\"subject\":\"orders-value\",\"magic\":0}", records.get(2).key());
        assertEquals("{\"subject\":\"orders-value\",\"mode\":\"READWRITE\"}", records.get(2).value());
        assertTrue(records.get(3).value().endsWith("\"deleted\":true}"), records.get(3).value());

        try (TestRegistry restarted = TestRegistry.on(topic, Map.of())) {
            assertEquals(id, restarted.get("/subjects/orders-value/versions/1?deleted=true").body().path("id").asInt());
            assertEquals("{\"compatibilityLevel\":\"FULL\"}", restarted.get("/config/orders-value").raw());
            assertEquals(id, restarted.registerOk("orders-value", SCHEMA), "the same schema keeps its id");
            assertEquals("[2]", restarted.get("/subjects/orders-value/versions").raw(), "versions are never reused");
        }
    }

    private static String createCompacted(String prefix) throws Exception {
        String topic = KafkaTestBroker.uniqueTopic(prefix);
        try (var admin = KafkaTestBroker.admin()) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1)
                    .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT)))).all().get();
        }
        return topic;
    }

    private static void produce(String topic, List<Map.Entry<String, String>> records) throws Exception {
        Properties props = new Properties();
        props.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
            for (Map.Entry<String, String> r : records) {
                producer.send(new ProducerRecord<>(topic, r.getKey(), r.getValue().isEmpty() ? null : r.getValue())).get();
            }
        }
    }

    private static List<ConsumerRecord<String, String>> readAll(String topic, int count) {
        Properties props = new Properties();
        props.put("bootstrap.servers", KafkaTestBroker.bootstrapServers());
        List<ConsumerRecord<String, String>> out = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new StringDeserializer())) {
            TopicPartition tp = new TopicPartition(topic, 0);
            consumer.assign(List.of(tp));
            consumer.seekToBeginning(List.of(tp));
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (out.size() < count && System.nanoTime() < deadline) {
                consumer.poll(Duration.ofMillis(200)).forEach(out::add);
            }
        }
        assertEquals(count, out.size(), "records in " + topic + ": " + out);
        return out;
    }

}
