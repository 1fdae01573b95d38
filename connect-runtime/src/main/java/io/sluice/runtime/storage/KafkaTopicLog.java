package io.sluice.runtime.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every record of one topic, from the beginning, on a background thread that hands each to a
 * callback, and writes records to it. The base of the config, offset and status stores.
 */
public final class KafkaTopicLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopicLog.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> clientConfig;
    private final Consumer<ConsumerRecord<byte[], byte[]>> applier;
    private final String threadName;
    private final int maxRecordBytes;
    private final ConcurrentLinkedQueue<CompletableFuture<Void>> readToEndRequests = new ConcurrentLinkedQueue<>();
    private KafkaProducer<byte[], byte[]> producer;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile Thread reader;
    private volatile boolean running;

    /**
     * @param clientConfig bootstrap servers and security settings shared by the producer and consumer
     * @param applier called on the reader thread for every record, in partition order
     * @param threadName the reader thread's name, e.g. sluice-config-reader
     */
    public KafkaTopicLog(String topic, Map<String, Object> clientConfig,
                         Consumer<ConsumerRecord<byte[], byte[]>> applier, String threadName) {
        this(topic, clientConfig, applier, threadName, 0);
    }

    /** The same, with a producer for records up to maxRecordBytes (0: the producer's default, 1 MiB). */
    public KafkaTopicLog(String topic, Map<String, Object> clientConfig,
                         Consumer<ConsumerRecord<byte[], byte[]>> applier, String threadName, int maxRecordBytes) {
        this.maxRecordBytes = maxRecordBytes;
        this.topic = topic;
        this.clientConfig = Map.copyOf(clientConfig);
        this.applier = applier;
        this.threadName = threadName;
    }

    /** Starts the clients and the reader thread, then reads to the end. The topic must exist. */
    public synchronized void start(Duration timeout) {
        if (running) {
            return;
        }
        producer = new KafkaProducer<>(producerConfig(), new ByteArraySerializer(), new ByteArraySerializer());
        consumer = new KafkaConsumer<>(consumerConfig(), new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, CLIENT_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist");
            }
            List<TopicPartition> partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
        } catch (RuntimeException e) {
            closeClients();
            throw e;
        }
        running = true;
        reader = new Thread(this::readLoop, threadName);
        reader.setDaemon(true);
        reader.start();
        log.debug("Reading topic {} on thread {}", topic, threadName);
        readToEnd(timeout);
    }

    /** Returns once every record up to the current end of the topic was applied. */
    public void readToEnd(Duration timeout) {
        CompletableFuture<Void> done = readToEndAsync();
        try {
            done.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreException("Could not read topic " + topic + " to its end within " + timeout, e);
        } catch (ExecutionException e) {
            throw new StoreException("Could not read topic " + topic + " to its end: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while reading topic " + topic, e);
        }
    }

    /** Completes once every record up to the topic's end at the time of the call was applied. */
    public CompletableFuture<Void> readToEndAsync() {
        CompletableFuture<Void> done = new CompletableFuture<>();
        if (Thread.currentThread() == reader) {
            // the reader would wait for itself: callbacks must not block on the store
            done.completeExceptionally(new IllegalStateException(
                    "Cannot wait for topic " + topic + " from its own reader thread (a store callback)"));
            return done;
        }
        KafkaConsumer<byte[], byte[]> current = consumer;
        if (!running || current == null) {
            done.completeExceptionally(new IllegalStateException("Reader of topic " + topic + " is not running"));
            return done;
        }
        readToEndRequests.add(done);
        current.wakeup();
        return done;
    }

    /** Sends a record (null value = tombstone); the future completes when Kafka acknowledged it. */
    public CompletableFuture<RecordMetadata> send(byte[] key, byte[] value) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        KafkaProducer<byte[], byte[]> current = producer;
        if (current == null || !running) {
            acked.completeExceptionally(new IllegalStateException("Writer of topic " + topic + " is not running"));
            return acked;
        }
        current.send(new ProducerRecord<>(topic, key, value), (metadata, error) -> {
            if (error != null) {
                acked.completeExceptionally(error);
            } else {
                acked.complete(metadata);
            }
        });
        return acked;
    }

    /** Sends records in order; the future completes when Kafka acknowledged all of them. */
    public CompletableFuture<Void> sendAll(List<Map.Entry<byte[], byte[]>> records) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (Map.Entry<byte[], byte[]> record : records) {
            acks.add(send(record.getKey(), record.getValue()));
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new));
    }

    public String topic() {
        return topic;
    }

    @Override
    public synchronized void close() {
        if (!running && reader == null) {
            return;
        }
        running = false;
        if (consumer != null) {
            consumer.wakeup();
        }
        if (reader != null) {
            try {
                reader.join(CLIENT_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            if (reader.isAlive()) {
                log.warn("Reader thread {} of topic {} did not stop within {}", threadName, topic, CLIENT_TIMEOUT);
            }
            reader = null;
        }
        closeClients();
        CompletableFuture<Void> pending;
        while ((pending = readToEndRequests.poll()) != null) {
            pending.completeExceptionally(new IllegalStateException("Reader of topic " + topic + " was closed"));
        }
    }

    private void readLoop() {
        List<CompletableFuture<Void>> waiting = new ArrayList<>();
        Map<TopicPartition, Long> target = null;
        while (running) {
            try {
                CompletableFuture<Void> request;
                while ((request = readToEndRequests.poll()) != null) {
                    waiting.add(request);
                    target = null;
                }
                if (!waiting.isEmpty() && target == null) {
                    // one end-offset lookup serves every request that arrived before it
                    target = consumer.endOffsets(consumer.assignment(), CLIENT_TIMEOUT);
                }
                if (target != null && reached(target)) {
                    waiting.forEach(f -> f.complete(null));
                    waiting.clear();
                    target = null;
                    continue;
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    apply(record);
                }
            } catch (WakeupException e) {
                // a new readToEnd request or close(): loop around
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("Kafka did not answer while reading topic {}; retrying", topic, e);
            } catch (RuntimeException e) {
                log.error("Reading topic {} failed; stopping its reader", topic, e);
                running = false;
                waiting.forEach(f -> f.completeExceptionally(e));
                return;
            }
        }
        waiting.forEach(f -> f.completeExceptionally(new IllegalStateException("Reader of topic " + topic + " was closed")));
    }

    private boolean reached(Map<TopicPartition, Long> endOffsets) {
        for (Map.Entry<TopicPartition, Long> end : endOffsets.entrySet()) {
            if (consumer.position(end.getKey(), CLIENT_TIMEOUT) < end.getValue()) {
                return false;
            }
        }
        return true;
    }

    private void apply(ConsumerRecord<byte[], byte[]> record) {
        try {
            applier.accept(record);
        } catch (RuntimeException e) {
            // one unreadable record must not stop the store from reading the rest
            log.error("Cannot apply record at offset {} of {}-{}; skipping it",
                    record.offset(), record.topic(), record.partition(), e);
        }
    }

    private Map<String, Object> producerConfig() {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.CLIENT_ID_CONFIG, threadName + "-producer");
        if (maxRecordBytes > 0) {
            props.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, maxRecordBytes);
        }
        return props;
    }

    private Map<String, Object> consumerConfig() {
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.remove(ConsumerConfig.GROUP_ID_CONFIG);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        // readToEnd's end-offset lookup queues behind the reader's pending fetch on the broker connection: with
        // Kafka's 500 ms long poll every write waited 300-500 ms to be read back; 100 ms keeps idle fetches rare
        props.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 100);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, threadName + "-consumer");
        return props;
    }

    private void closeClients() {
        if (producer != null) {
            producer.close(CLIENT_TIMEOUT);
            producer = null;
        }
        if (consumer != null) {
            consumer.close(CLIENT_TIMEOUT);
            consumer = null;
        }
    }
}
