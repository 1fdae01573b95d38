package io.sluice.runtime.storage;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ListOffsetsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.IsolationLevel;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Reads every record of one topic, from the beginning, on a background thread that hands each to a
 * callback, and writes records to it. The base of the config, offset and status stores.
 *
 * <p>"Read to" waits are never signalled to the reader: a waiter names the positions it needs (the end offsets,
 * asked of Kafka by an admin client on the caller's thread, or the offsets of records just written) and the
 * reader completes it once it has applied everything before them. Waking the reader's consumer instead cost
 * up to a fetch wait (500 ms) on about every other write, while the record it waited for sat in the consumer.
 */
public final class KafkaTopicLog implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(KafkaTopicLog.class);
    private static final Duration POLL_TIMEOUT = Duration.ofMillis(500);
    private static final Duration CLIENT_TIMEOUT = Duration.ofSeconds(30);

    private final String topic;
    private final Map<String, Object> clientConfig;
    private final Consumer<ConsumerRecord<byte[], byte[]>> applier;
    private final String threadName;
    /** Where the reader is: the next offset to apply, by partition; guarded by itself. */
    private final Map<TopicPartition, Long> applied = new HashMap<>();
    /** Waiters for positions the reader has not reached yet; guarded by applied. */
    private final List<Waiter> waiters = new ArrayList<>();
    /** Guards lookingUpEnd and nextEndLookup: end look-ups, one at a time, shared by the calls that wait for one. */
    private final Object endLookups = new Object();
    private boolean lookingUpEnd;
    private CompletableFuture<Void> nextEndLookup;
    private final int maxRecordBytes;
    /** An admin client the caller owns (one per worker's stores), opened when asked; or null: this log opens its own. */
    private final Supplier<Admin> sharedAdmin;
    /** Guards producer's creation and closing. */
    private final Object producerLock = new Object();
    /** Opened at the first write: most stores write nothing at start, and three producers cost a start ~0.1 CPU-s. */
    private volatile KafkaProducer<byte[], byte[]> producer;
    private volatile Duration producerTimeout = CLIENT_TIMEOUT;
    private volatile Admin admin;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private volatile List<TopicPartition> partitions = List.of();
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
        this(topic, clientConfig, null, applier, threadName, maxRecordBytes);
    }

    /**
     * The same, looking up the topic's end with {@code sharedAdmin} when not null (the caller closes it): a worker's
     * stores share one admin client instead of opening one each.
     */
    public KafkaTopicLog(String topic, Map<String, Object> clientConfig, Supplier<Admin> sharedAdmin,
                         Consumer<ConsumerRecord<byte[], byte[]>> applier, String threadName, int maxRecordBytes) {
        this.sharedAdmin = sharedAdmin;
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
        producerTimeout = timeout;
        consumer = new KafkaConsumer<>(StoreClients.reader(clientConfig, threadName + "-consumer"),
                new ByteArrayDeserializer(), new ByteArrayDeserializer());
        try {
            List<PartitionInfo> infos = consumer.partitionsFor(topic, CLIENT_TIMEOUT);
            if (infos == null || infos.isEmpty()) {
                throw new IllegalStateException("Topic " + topic + " does not exist");
            }
            partitions = infos.stream().map(p -> new TopicPartition(topic, p.partition())).toList();
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            synchronized (applied) {
                for (TopicPartition tp : partitions) {
                    applied.put(tp, consumer.position(tp, CLIENT_TIMEOUT)); // an empty topic is read at once
                }
            }
            admin = sharedAdmin != null ? sharedAdmin.get()
                    : Admin.create(StoreClients.admin(clientConfig, threadName + "-admin"));
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
        readToEnd(timeout, timeout);
    }

    /** As {@link #readToEnd(Duration)}, waiting at most {@code wait}: what is left of {@code timeout}, named in errors. */
    public void readToEnd(Duration wait, Duration timeout) {
        CompletableFuture<Void> done = readToEndAsync();
        try {
            done.get(Math.max(0, wait.toMillis()), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            throw new StoreException("Could not read topic " + topic + " to its end within " + StoreWrites.seconds(timeout)
                    + "; is Kafka reachable?", e);
        } catch (ExecutionException e) {
            throw new StoreException("Could not read topic " + topic + " to its end: " + e.getCause().getMessage(), e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new StoreException("Interrupted while reading topic " + topic, e);
        }
    }

    /**
     * Completes once every record up to the topic's end at the time of the call was applied. Calls made while an
     * end look-up is under way share the next one (it starts after them): a thousand reads at once cost two
     * look-ups, not a thousand.
     */
    public CompletableFuture<Void> readToEndAsync() {
        if (Thread.currentThread() == reader) {
            return readTo(Map.of()); // refused: see readTo
        }
        if (!running || admin == null) {
            return CompletableFuture.failedFuture(new IllegalStateException("Reader of topic " + topic + " is not running"));
        }
        synchronized (endLookups) {
            if (lookingUpEnd) {
                if (nextEndLookup == null) {
                    nextEndLookup = new CompletableFuture<>();
                }
                return nextEndLookup;
            }
            lookingUpEnd = true;
        }
        CompletableFuture<Void> done = new CompletableFuture<>();
        lookUpEnd(done);
        return done;
    }

    /** Asks Kafka for the end offsets, then waits for the reader to reach them; then serves the calls that queued. */
    private void lookUpEnd(CompletableFuture<Void> done) {
        Admin current = admin;
        if (current == null) {
            endLookedUp(done, null, new IllegalStateException("Reader of topic " + topic + " is not running"));
            return;
        }
        Map<TopicPartition, OffsetSpec> latest = new HashMap<>();
        partitions.forEach(tp -> latest.put(tp, OffsetSpec.latest()));
        current.listOffsets(latest, new ListOffsetsOptions(IsolationLevel.READ_COMMITTED)).all()
                .whenComplete((ends, error) -> {
                    Map<TopicPartition, Long> positions = new HashMap<>();
                    if (ends != null) {
                        ends.forEach((tp, info) -> positions.put(tp, info.offset()));
                    }
                    endLookedUp(done, positions, error);
                });
    }

    private void endLookedUp(CompletableFuture<Void> done, Map<TopicPartition, Long> positions, Throwable error) {
        CompletableFuture<Void> queued;
        synchronized (endLookups) {
            queued = nextEndLookup;
            nextEndLookup = null;
            lookingUpEnd = queued != null;
        }
        if (queued != null) {
            lookUpEnd(queued); // those who called during this look-up need one that began after them
        }
        if (error != null) {
            done.completeExceptionally(error);
            return;
        }
        readTo(positions).whenComplete((v, e) -> {
            if (e != null) {
                done.completeExceptionally(e);
            } else {
                done.complete(null);
            }
        });
    }

    /** Completes once the reader has applied every record before the given positions (partition to next offset). */
    public CompletableFuture<Void> readTo(Map<TopicPartition, Long> positions) {
        if (Thread.currentThread() == reader) {
            // the reader would wait for itself: callbacks must not block on the store
            return CompletableFuture.failedFuture(new IllegalStateException(
                    "Cannot wait for topic " + topic + " from its own reader thread (a store callback)"));
        }
        Waiter waiter = new Waiter(Map.copyOf(positions), new CompletableFuture<>());
        synchronized (applied) {
            if (!running) {
                return CompletableFuture.failedFuture(new IllegalStateException("Reader of topic " + topic + " is not running"));
            }
            if (!waiter.reachedBy(applied)) {
                waiters.add(waiter);
                return waiter.done();
            }
        }
        waiter.done().complete(null);
        return waiter.done();
    }

    /** Sends records in order; the future completes, once Kafka acknowledged them all, with the positions after them. */
    public CompletableFuture<Map<TopicPartition, Long>> sendAll(List<Map.Entry<byte[], byte[]>> records) {
        List<CompletableFuture<RecordMetadata>> acks = new ArrayList<>(records.size());
        for (Map.Entry<byte[], byte[]> record : records) {
            CompletableFuture<RecordMetadata> ack = send(record.getKey(), record.getValue());
            if (ack.isCompletedExceptionally()) {
                // not even enqueued: the send blocked max.block.ms for metadata (Kafka unreachable). Each further
                // record would block as long, so a change of three records took three store timeouts to refuse
                return ack.thenApply(never -> Map.of());
            }
            acks.add(ack);
        }
        return CompletableFuture.allOf(acks.toArray(CompletableFuture[]::new)).thenApply(all -> {
            Map<TopicPartition, Long> after = new HashMap<>();
            for (CompletableFuture<RecordMetadata> ack : acks) {
                RecordMetadata metadata = ack.join();
                after.merge(new TopicPartition(metadata.topic(), metadata.partition()), metadata.offset() + 1, Math::max);
            }
            return after;
        });
    }

    /** A wait for the reader to reach positions. */
    private record Waiter(Map<TopicPartition, Long> positions, CompletableFuture<Void> done) {
        boolean reachedBy(Map<TopicPartition, Long> applied) {
            for (Map.Entry<TopicPartition, Long> position : positions.entrySet()) {
                if (applied.getOrDefault(position.getKey(), -1L) < position.getValue()) {
                    return false;
                }
            }
            return true;
        }
    }

    /** Sends a record (null value = tombstone); the future completes when Kafka acknowledged it. */
    public CompletableFuture<RecordMetadata> send(byte[] key, byte[] value) {
        CompletableFuture<RecordMetadata> acked = new CompletableFuture<>();
        KafkaProducer<byte[], byte[]> current = producer();
        if (current == null) {
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

    public String topic() {
        return topic;
    }

    /** The producer, opened at the first call while running; null when not running. */
    private KafkaProducer<byte[], byte[]> producer() {
        KafkaProducer<byte[], byte[]> current = producer;
        if (current != null && running) {
            return current;
        }
        synchronized (producerLock) {
            // close() clears running before it takes this lock, so no producer is opened after it closed the last one
            if (!running) {
                return null;
            }
            if (producer == null) {
                producer = new KafkaProducer<>(StoreClients.producer(clientConfig, threadName + "-producer", maxRecordBytes,
                        producerTimeout), new ByteArraySerializer(), new ByteArraySerializer());
            }
            return producer;
        }
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
        failWaiters(new IllegalStateException("Reader of topic " + topic + " was closed"));
    }

    private void readLoop() {
        while (running) {
            try {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(POLL_TIMEOUT)) {
                    apply(record);
                }
                advance();
            } catch (WakeupException e) {
                // close(): the loop looks at running
            } catch (org.apache.kafka.common.errors.TimeoutException e) {
                log.warn("Kafka did not answer while reading topic {}; retrying", topic, e);
            } catch (RuntimeException e) {
                log.error("Reading topic {} failed; stopping its reader", topic, e);
                running = false;
                failWaiters(e);
                return;
            }
        }
    }

    /** Notes the reader's positions after what it applied, and completes the waiters they satisfy. */
    private void advance() {
        Map<TopicPartition, Long> positions = new HashMap<>();
        for (TopicPartition tp : partitions) {
            positions.put(tp, consumer.position(tp, CLIENT_TIMEOUT));
        }
        List<Waiter> reached = new ArrayList<>();
        synchronized (applied) {
            applied.putAll(positions);
            for (java.util.Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
                Waiter waiter = it.next();
                if (waiter.reachedBy(applied)) {
                    reached.add(waiter);
                    it.remove();
                }
            }
        }
        reached.forEach(w -> w.done().complete(null));
    }

    private void failWaiters(RuntimeException error) {
        List<Waiter> failed;
        synchronized (applied) {
            failed = new ArrayList<>(waiters);
            waiters.clear();
        }
        failed.forEach(w -> w.done().completeExceptionally(error));
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

    private void closeClients() {
        if (admin != null && sharedAdmin == null) {
            admin.close(CLIENT_TIMEOUT);
        }
        admin = null;
        synchronized (producerLock) {
            if (producer != null) {
                producer.close(CLIENT_TIMEOUT);
                producer = null;
            }
        }
        if (consumer != null) {
            consumer.close(CLIENT_TIMEOUT);
            consumer = null;
        }
    }
}
