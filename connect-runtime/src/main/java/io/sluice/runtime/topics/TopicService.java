package io.sluice.runtime.topics;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.config.TopicsConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.worker.RecordDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Reads and writes topic records for the REST API and the console: the topics that may be read, the last N
 * records or an offset range of one partition, shown as UTF-8 text, base64 or decoded with a connector's
 * converters; and records written to a topic. Only where rest.topics.* allow it and for the topics
 * {@link TopicAccess} lets through: never, by default, the internal topics that hold connector secrets.
 * Clients use the worker's admin./consumer./producer. settings, so they reach the cluster exactly as the
 * worker's own clients do; they are created on first use and closed with the service.
 */
public final class TopicService implements AutoCloseable {
    private static final Duration TIMEOUT = Duration.ofSeconds(15);
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final WorkerConfig worker;
    private final String bootstrap;
    private final Plugins plugins;
    private final ConfigProviders providers;
    private final SecretKeys secrets;
    private final TopicsConfig config;
    private final Herder herder;
    private final TopicAccess access;
    private Admin admin;
    private KafkaProducer<byte[], byte[]> producer;
    private boolean closed;

    public TopicService(WorkerConfig worker, String bootstrapServers, Plugins plugins, ConfigProviders providers,
                        Herder herder) {
        this.worker = worker;
        this.bootstrap = bootstrapServers;
        this.plugins = plugins;
        this.providers = providers;
        this.secrets = new SecretKeys(plugins);
        this.config = worker.topics();
        this.herder = herder;
        this.access = new TopicAccess(config, worker, herder);
    }

    /** The names and partition counts of the topics that may be read here, by name. */
    public ArrayNode readableTopics() {
        checkPeek();
        Set<String> internal = access.internalTopics();
        ArrayNode readable = JsonNodeFactory.instance.arrayNode();
        topics().forEach(t -> {
            if (access.permits(internal, t.path("name").asText())) {
                readable.add(t);
            }
        });
        return readable;
    }

    private ArrayNode topics() {
        Admin a = admin();
        try {
            Set<String> names = a.listTopics(new org.apache.kafka.clients.admin.ListTopicsOptions().listInternal(false))
                    .names().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            Map<String, TopicDescription> described = a.describeTopics(names).allTopicNames()
                    .get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            new TreeMap<>(described).forEach((name, d) -> out.addObject()
                    .put("name", name).put("partitions", d.partitions().size()));
            return out;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HerderException.Failed("Interrupted while listing topics");
        } catch (ExecutionException | TimeoutException e) {
            throw new HerderException.Failed("Could not list topics: " + rootMessage(e));
        }
    }

    /**
     * Records of one partition: from offset (inclusive) when given, else the last count records.
     *
     * @param format    utf8, base64 or auto (text when the bytes are valid UTF-8, else base64); ignored with a connector
     * @param connector the connector whose converters decode the records, or null for raw bytes
     */
    public ObjectNode peek(String topic, int partition, Long offset, int count, String format, String connector) {
        checkPeek();
        access.check(topic);
        if (!List.of("auto", "utf8", "base64").contains(format)) {
            throw HerderException.badRequest("format must be auto, utf8 or base64 (or name a connector with connector=NAME)");
        }
        Map<String, String> connectorConfig = null;
        if (connector != null && !connector.isBlank()) {
            connectorConfig = herder.connectorConfig(connector);
        }
        int max = config.peekMaxRecords();
        if (count < 1 || count > max) {
            throw HerderException.badRequest("count must be between 1 and " + max + " (" + TopicsConfig.PEEK_MAX_RECORDS + ")");
        }
        if (offset != null && offset < 0) {
            throw HerderException.badRequest("offset must not be negative");
        }
        TopicPartition tp = new TopicPartition(topic, partition);
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(consumerConfig());
             RecordDecoder decoder = connectorConfig == null ? null
                     : RecordDecoder.forConnector(providers.resolve(connectorConfig), worker, plugins)) {
            int partitions = partitionCount(topic);
            if (partition < 0 || partition >= partitions) {
                throw new HerderException.NotFound("Topic " + topic + " has no partition " + partition
                        + " (it has " + partitions + ")");
            }
            List<TopicPartition> one = List.of(tp);
            consumer.assign(one); // before asking offsets, so the consumer does not warn about an unassigned partition
            long begin = consumer.beginningOffsets(one, TIMEOUT).get(tp);
            long end = consumer.endOffsets(one, TIMEOUT).get(tp);
            long from = offset != null ? Math.max(offset, begin) : Math.max(begin, end - count);
            long until = Math.min(end, from + count);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            out.put("topic", topic).put("partition", partition)
                    .put("beginning_offset", begin).put("end_offset", end);
            out.put("format", decoder != null ? "connector" : format);
            if (connector != null) {
                out.put("connector", connector);
            }
            ArrayNode records = out.putArray("records");
            if (from < until) {
                consumer.seek(tp, from);
                long deadline = System.currentTimeMillis() + TIMEOUT.toMillis();
                long next = from;
                PeekedRecords rendering = new PeekedRecords(format, decoder, secrets);
                while (next < until && System.currentTimeMillis() < deadline) {
                    for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200)).records(tp)) {
                        if (r.offset() >= until) {
                            next = until;
                            break;
                        }
                        records.add(rendering.render(r));
                        next = r.offset() + 1;
                    }
                    if (consumer.position(tp) >= until) {
                        break;
                    }
                }
            }
            return out;
        }
    }

    /** The topic's partition count; 404 when it does not exist (asked of the admin client: no wait for metadata). */
    private int partitionCount(String topic) {
        try {
            return admin().describeTopics(List.of(topic)).allTopicNames().get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)
                    .get(topic).partitions().size();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HerderException.Failed("Interrupted while describing " + topic);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new HerderException.NotFound("Topic " + topic + " not found");
            }
            if (e.getCause() instanceof InvalidTopicException) {
                throw HerderException.badRequest("Not a valid topic name: " + topic + " (" + rootMessage(e) + ")");
            }
            throw new HerderException.Failed("Could not describe topic " + topic + ": " + rootMessage(e));
        } catch (TimeoutException e) {
            throw new HerderException.Failed("Could not describe topic " + topic + ": timed out");
        }
    }

    /**
     * Writes records, where producing over REST is on: {"format": "utf8"|"base64"|"json", "records": [{"key", "value", "partition", "headers": {k: v}}]};
     * answers the partition and offset of each, in order.
     */
    public ObjectNode produce(String topic, JsonNode body) {
        checkProduce();
        access.check(topic);
        if (body == null || !body.isObject() || !body.path("records").isArray()) {
            throw HerderException.badRequest("Body must be {\"format\": \"utf8\"|\"base64\"|\"json\", \"records\": "
                    + "[{\"key\": ..., \"value\": ..., \"partition\": n, \"headers\": {...}}]}");
        }
        String format = body.path("format").asText("utf8");
        if (!List.of("utf8", "base64", "json").contains(format)) {
            throw HerderException.badRequest("format must be utf8, base64 or json");
        }
        // checked before anything is sent: a missing topic would block on metadata, a bad partition fail mid-batch
        int partitions = partitionCount(topic);
        List<ProducerRecord<byte[], byte[]>> toSend = new ArrayList<>();
        for (JsonNode r : body.get("records")) {
            if (!r.isObject()) {
                throw HerderException.badRequest("Each record must be an object with key, value, partition, headers");
            }
            Integer partition = null;
            if (r.hasNonNull("partition")) {
                JsonNode p = r.get("partition");
                if (!p.canConvertToInt() || !p.isIntegralNumber() || p.asInt() < 0 || p.asInt() >= partitions) {
                    throw HerderException.badRequest("partition must be an integer from 0 to " + (partitions - 1)
                            + " (topic " + topic + " has " + partitions + " partitions), not " + p);
                }
                partition = p.asInt();
            }
            RecordHeaders headers = new RecordHeaders();
            r.path("headers").properties().forEach(h ->
                    headers.add(h.getKey(), h.getValue().isNull() ? null : h.getValue().asText().getBytes(StandardCharsets.UTF_8)));
            toSend.add(new ProducerRecord<>(topic, partition, null, bytes(r.get("key"), format), bytes(r.get("value"), format),
                    headers));
        }
        if (toSend.isEmpty()) {
            throw HerderException.badRequest("records is empty");
        }
        List<Future<RecordMetadata>> sent = new ArrayList<>();
        KafkaProducer<byte[], byte[]> p = producer();
        for (ProducerRecord<byte[], byte[]> record : toSend) {
            sent.add(p.send(record));
        }
        p.flush();
        ObjectNode out = JsonNodeFactory.instance.objectNode();
        ArrayNode offsets = out.putArray("offsets");
        try {
            for (Future<RecordMetadata> f : sent) {
                RecordMetadata m = f.get(TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
                offsets.addObject().put("partition", m.partition()).put("offset", m.offset());
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new HerderException.Failed("Interrupted while producing");
        } catch (ExecutionException | TimeoutException e) {
            if (e.getCause() instanceof UnknownTopicOrPartitionException) {
                throw new HerderException.NotFound("Topic " + topic + " or its partition not found");
            }
            throw new HerderException.Failed("Could not produce to " + topic + ": " + rootMessage(e));
        }
        return out;
    }

    private void checkPeek() {
        if (!config.peekEnabled()) {
            throw new HerderException.Forbidden("Reading topics over REST is disabled (" + TopicsConfig.PEEK_ENABLE + "=false)");
        }
    }

    /** Producing over REST is off by default. */
    private void checkProduce() {
        if (!config.produceEnabled()) {
            throw new HerderException.Forbidden("Producing over REST is disabled; set "
                    + TopicsConfig.PRODUCE_ENABLE + "=true in the worker config to allow it");
        }
    }

    private static byte[] bytes(JsonNode node, String format) {
        if (node == null || node.isNull()) {
            return null;
        }
        try {
            return switch (format) {
                case "base64" -> Base64.getDecoder().decode(node.asText());
                case "json" -> MAPPER.writeValueAsBytes(node);
                default -> (node.isTextual() ? node.asText() : node.toString()).getBytes(StandardCharsets.UTF_8);
            };
        } catch (IllegalArgumentException e) {
            throw HerderException.badRequest("Not valid base64: " + e.getMessage());
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw HerderException.badRequest("Cannot write JSON: " + e.getMessage());
        }
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(worker.clientConfig("consumer.", bootstrap));
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, "sluice-rest-peek");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, "false");
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, "500");
        props.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        props.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        return props;
    }

    private synchronized Admin admin() {
        if (closed) {
            throw new HerderException.Unavailable("Worker is stopping");
        }
        if (admin == null) {
            Map<String, Object> props = new HashMap<>(worker.clientConfig("admin.", bootstrap));
            props.put(CommonClientConfigs.CLIENT_ID_CONFIG, "sluice-rest-topics");
            admin = Admin.create(props);
        }
        return admin;
    }

    private synchronized KafkaProducer<byte[], byte[]> producer() {
        if (closed) {
            throw new HerderException.Unavailable("Worker is stopping");
        }
        if (producer == null) {
            Map<String, Object> props = new HashMap<>(worker.clientConfig("producer.", bootstrap));
            props.put(ProducerConfig.CLIENT_ID_CONFIG, "sluice-rest-produce");
            props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
            props.putIfAbsent(ProducerConfig.MAX_BLOCK_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
            props.putIfAbsent(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, Long.toString(TIMEOUT.toMillis()));
            props.putIfAbsent(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, "10000");
            props.putIfAbsent(ProducerConfig.LINGER_MS_CONFIG, "0");
            producer = new KafkaProducer<>(props);
        }
        return producer;
    }

    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (producer != null) {
            producer.close(Duration.ofSeconds(5));
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
