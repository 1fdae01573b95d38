package io.sluice.runtime.worker.errors;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.SinkConnectorConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.common.errors.InvalidReplicationFactorException;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.internals.Topic;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The dead letter queue of a sink task: writes the original consumed bytes of each failed record
 * to errors.deadletterqueue.topic.name, optionally with Apache's {@code __connect.errors.*}
 * context headers. A failed DLQ write is remembered and surfaced by {@link #checkHealthy()},
 * so a report is never lost without failing the task.
 */
final class DeadLetterQueueReporter implements AutoCloseable {

    static final String HEADER_PREFIX = "__connect.errors.";
    static final String HEADER_ORIG_TOPIC = HEADER_PREFIX + "topic";
    static final String HEADER_ORIG_PARTITION = HEADER_PREFIX + "partition";
    static final String HEADER_ORIG_OFFSET = HEADER_PREFIX + "offset";
    static final String HEADER_CONNECTOR_NAME = HEADER_PREFIX + "connector.name";
    static final String HEADER_TASK_ID = HEADER_PREFIX + "task.id";
    static final String HEADER_STAGE = HEADER_PREFIX + "stage";
    static final String HEADER_EXECUTING_CLASS = HEADER_PREFIX + "class.name";
    static final String HEADER_EXCEPTION = HEADER_PREFIX + "exception.class.name";
    static final String HEADER_EXCEPTION_MESSAGE = HEADER_PREFIX + "exception.message";
    static final String HEADER_EXCEPTION_STACK_TRACE = HEADER_PREFIX + "exception.stacktrace";

    private static final Logger log = LoggerFactory.getLogger(DeadLetterQueueReporter.class);
    private static final long ADMIN_TIMEOUT_MS = 30_000L;

    private final Producer<byte[], byte[]> producer;
    private final String topic;
    private final boolean contextHeaders;
    private final AtomicReference<Throwable> firstFailure = new AtomicReference<>();

    DeadLetterQueueReporter(Producer<byte[], byte[]> producer, String topic, boolean contextHeaders) {
        this.producer = producer;
        this.topic = topic;
        this.contextHeaders = contextHeaders;
    }

    /** The topic failed records go to. */
    String topic() {
        return topic;
    }

    /** Creates the DLQ topic when missing, then the producer that writes to it. */
    static DeadLetterQueueReporter open(ConnectorTaskId task, SinkConnectorConfig config,
                                        Map<String, Object> producerConfig, Map<String, Object> adminConfig) {
        String topic = config.dlqTopicName();
        try {
            Topic.validate(topic); // the connector config's rules do not say what Kafka accepts as a name
        } catch (InvalidTopicException e) {
            throw new ConfigException(ConnectorConfig.DLQ_TOPIC_NAME, topic, e.getMessage());
        }
        ensureTopic(topic, config.dlqTopicReplicationFactor(), adminConfig);
        Map<String, Object> props = new HashMap<>(producerConfig);
        props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class);
        props.putIfAbsent(ProducerConfig.CLIENT_ID_CONFIG, "connector-dlq-producer-" + task);
        return new DeadLetterQueueReporter(new KafkaProducer<>(props), topic, config.isDlqContextHeadersEnabled());
    }

    /**
     * Creates the topic with one partition and the configured replication factor. A factor the
     * cluster can't satisfy (3 on a one-broker cluster, the embedded default) falls back to the
     * broker's default, with a warning, rather than failing the task as Apache would.
     */
    static void ensureTopic(String topic, short replicationFactor, Map<String, Object> adminConfig) {
        try (Admin admin = Admin.create(adminConfig)) {
            if (admin.listTopics().names().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS).contains(topic)) {
                return;
            }
            log.info("Dead letter queue topic {} doesn't exist; creating it", topic);
            Optional<Short> rf = replicationFactor == -1 ? Optional.empty() : Optional.of(replicationFactor);
            try {
                create(admin, new NewTopic(topic, Optional.of(1), rf));
            } catch (ExecutionException e) {
                if (!(e.getCause() instanceof InvalidReplicationFactorException) || rf.isEmpty()) {
                    throw e;
                }
                log.warn("Could not create dead letter queue topic {} with replication factor {} ({}); "
                        + "creating it with the broker's default replication factor instead",
                        topic, replicationFactor, e.getCause().getMessage());
                create(admin, new NewTopic(topic, Optional.of(1), Optional.empty()));
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Could not initialize dead letter queue with topic=" + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("Could not initialize dead letter queue with topic=" + topic, e);
        }
    }

    private static void create(Admin admin, NewTopic newTopic)
            throws ExecutionException, InterruptedException, TimeoutException {
        try {
            admin.createTopics(List.of(newTopic)).all().get(ADMIN_TIMEOUT_MS, TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    /**
     * Sends the failed record's original bytes; the future completes when the broker has
     * acknowledged the write, or exceptionally when the write failed.
     */
    CompletableFuture<Void> report(Failure failure) {
        ConsumerRecord<byte[], byte[]> original = failure.record() == null ? null : failure.record().consumed();
        if (original == null) {
            // only a sink's consumed record has original bytes to send; Apache skips the rest too
            return CompletableFuture.completedFuture(null);
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        try {
            producer.send(toDlqRecord(topic, failure, contextHeaders), (metadata, exception) -> {
                if (exception == null) {
                    done.complete(null);
                } else {
                    log.error("Could not produce a failed record to dead letter queue topic {}", topic, exception);
                    firstFailure.compareAndSet(null, exception);
                    done.completeExceptionally(exception);
                }
            });
        } catch (RuntimeException e) {
            log.error("Could not produce a failed record to dead letter queue topic {}", topic, e);
            firstFailure.compareAndSet(null, e);
            done.completeExceptionally(e);
        }
        return done;
    }

    /** Throws if any earlier DLQ write failed, so the task fails instead of losing the report. */
    void checkHealthy() {
        Throwable failure = firstFailure.get();
        if (failure != null) {
            throw new ConnectException("A write to the dead letter queue topic " + topic + " failed", failure);
        }
    }

    /** Waits for every DLQ write sent so far, then surfaces any that failed. */
    void flush() {
        producer.flush();
        checkHealthy();
    }

    static ProducerRecord<byte[], byte[]> toDlqRecord(String topic, Failure failure, boolean contextHeaders) {
        ConsumerRecord<byte[], byte[]> original = failure.record().consumed();
        // a record without a timestamp (-1) gets the producer's own, as in Apache
        Long timestamp = original.timestamp() < 0 ? null : original.timestamp();
        ProducerRecord<byte[], byte[]> record = new ProducerRecord<>(topic, null, timestamp,
                original.key(), original.value(), original.headers());
        if (contextHeaders) {
            addContextHeaders(record.headers(), failure);
        }
        return record;
    }

    private static void addContextHeaders(Headers headers, Failure failure) {
        ConsumerRecord<byte[], byte[]> original = failure.record().consumed();
        headers.add(HEADER_ORIG_TOPIC, utf8(original.topic()));
        headers.add(HEADER_ORIG_PARTITION, utf8(String.valueOf(original.partition())));
        headers.add(HEADER_ORIG_OFFSET, utf8(String.valueOf(original.offset())));
        headers.add(HEADER_CONNECTOR_NAME, utf8(failure.task().connector()));
        headers.add(HEADER_TASK_ID, utf8(String.valueOf(failure.task().task())));
        headers.add(HEADER_STAGE, utf8(failure.stage().name()));
        headers.add(HEADER_EXECUTING_CLASS, utf8(failure.className()));
        Throwable error = failure.error();
        if (error != null) {
            headers.add(HEADER_EXCEPTION, utf8(error.getClass().getName()));
            headers.add(HEADER_EXCEPTION_MESSAGE, utf8(error.getMessage()));
            headers.add(HEADER_EXCEPTION_STACK_TRACE, stackTrace(error));
        }
    }

    private static byte[] utf8(String value) {
        return value == null ? null : value.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] stackTrace(Throwable error) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
            error.printStackTrace(out);
        }
        return bytes.toByteArray();
    }

    /** Waits up to {@code timeout} for pending writes, then closes the producer. */
    @Override
    public void close() {
        close(Duration.ofSeconds(30));
    }

    void close(Duration timeout) {
        producer.close(timeout);
        Throwable failure = firstFailure.get();
        if (failure != null) {
            log.error("Dead letter queue topic {} missed at least one failed record", topic, failure);
        }
    }
}
