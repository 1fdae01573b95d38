package io.sluice.runtime.storage;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A store's compacted topic and its log: created if missing and read to the end on start, and
 * written so that a write returns only once Kafka acknowledged it and the store has read it back.
 */
public final class StoreTopic implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(StoreTopic.class);
    /** How long a read waits to see what other workers wrote just before it (a change forwarded to the leader). */
    private static final Duration CATCH_UP_WAIT = Duration.ofSeconds(2);
    private final CompactedTopic topic;
    private final Map<String, Object> clientConfig;
    private final Supplier<Admin> sharedAdmin;
    private final Duration timeout;
    private final KafkaTopicLog log;
    private volatile boolean started;
    /** Set while Kafka did not answer a {@link #catchUp()}: reads then do not wait for it. */
    private volatile boolean unanswered;

    public StoreTopic(Map<String, Object> clientConfig, CompactedTopic topic, Duration timeout,
               Consumer<ConsumerRecord<byte[], byte[]>> apply, String readerThread) {
        this(clientConfig, null, topic, timeout, apply, readerThread);
    }

    /**
     * The same, with {@code sharedAdmin} when not null (the caller closes it) instead of admin clients of its own: the
     * caller then creates the topic ({@link CompactedTopic#newTopic()}; a worker's three in one request), and this
     * checks it and looks up its end.
     */
    public StoreTopic(Map<String, Object> clientConfig, Supplier<Admin> sharedAdmin, CompactedTopic topic, Duration timeout,
               Consumer<ConsumerRecord<byte[], byte[]>> apply, String readerThread) {
        this.topic = topic;
        this.clientConfig = Map.copyOf(clientConfig);
        this.sharedAdmin = sharedAdmin;
        this.timeout = timeout;
        this.log = new KafkaTopicLog(topic.name(), clientConfig, sharedAdmin, apply, readerThread,
                topic.maxMessageBytes());
    }

    /**
     * Creates the topic if missing, lets {@code checkPartitions} refuse its partition count, then
     * reads it to the end. Returns false when it had already started.
     */
    public synchronized boolean start(IntConsumer checkPartitions) {
        if (started) {
            return false;
        }
        checkPartitions.accept(sharedAdmin != null ? topic.check(sharedAdmin.get(), timeout) : topic.ensure(clientConfig));
        log.start(timeout);
        started = true;
        return true;
    }

    /** Whether the initial read is done: records applied after it are live changes. */
    public boolean started() {
        return started;
    }

    String name() {
        return topic.name();
    }

    Duration timeout() {
        return timeout;
    }

    /** Returns once every record written before the call has been applied. */
    public void readToEnd() {
        log.readToEnd(timeout);
    }

    /** As {@link #readToEnd()}, within what is left of the store's timeout counted from {@code sinceNanos}. */
    public void readToEnd(long sinceNanos) {
        log.readToEnd(left(sinceNanos), timeout);
    }

    /**
     * Reads to the end if Kafka answers within {@link #CATCH_UP_WAIT}; while it does not, returns at once (a look-up
     * goes on in the background and ends the outage when it succeeds). Returns whether every record written before
     * the call was applied.
     */
    public boolean catchUp() {
        CompletableFuture<Void> caughtUp = log.readToEndAsync();
        if (unanswered) {
            caughtUp.thenRun(this::answered);
            return caughtUp.isDone() && !caughtUp.isCompletedExceptionally();
        }
        try {
            caughtUp.get(CATCH_UP_WAIT.toMillis(), TimeUnit.MILLISECONDS);
            return true;
        } catch (ExecutionException | TimeoutException e) {
            unanswered = true;
            caughtUp.thenRun(this::answered);
            LOG.warn("Could not read topic {} to its end within {}; answering reads from what was read until Kafka "
                    + "answers again", topic.name(), StoreWrites.seconds(CATCH_UP_WAIT));
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private void answered() {
        if (unanswered) {
            unanswered = false;
            LOG.info("Topic {} is read to its end again", topic.name());
        }
    }

    private Duration left(long sinceNanos) {
        Duration left = timeout.minusNanos(System.nanoTime() - sinceNanos);
        return left.isNegative() ? Duration.ZERO : left;
    }

    /** Writes records; completes once Kafka acknowledged them and the store has read them back. */
    CompletableFuture<Void> write(List<Map.Entry<byte[], byte[]>> records) {
        // the reader applies the records it was sent: their own positions say when, no look-up of the end needed
        return log.sendAll(records).thenCompose(log::readTo);
    }

    /** {@link #write} and wait, at most the store's timeout; {@code what} names the write in errors. */
    public void writeAndWait(List<Map.Entry<byte[], byte[]>> records, String what) {
        long began = System.nanoTime();
        CompletableFuture<Void> written = writeUnchecked(records);
        StoreWrites.await(written, left(began), timeout, what + " in topic " + topic.name());
    }

    /**
     * {@link #write} without waiting: the caller goes on while Kafka acknowledges and the store reads the records
     * back. Fails, after at most the store's timeout, with the {@link StoreException} {@link #writeAndWait} throws.
     */
    public CompletableFuture<Void> writeLater(List<Map.Entry<byte[], byte[]>> records, String what) {
        return writeUnchecked(records).orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                .exceptionallyCompose(error -> CompletableFuture.failedFuture(StoreWrites.failure(
                        error instanceof CompletionException ? error.getCause() : error, timeout,
                        what + " in topic " + topic.name())));
    }

    private CompletableFuture<Void> writeUnchecked(List<Map.Entry<byte[], byte[]>> records) {
        try {
            return write(records); // blocks while the producer waits for metadata, Kafka being unreachable
        } catch (org.apache.kafka.common.KafkaException e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** Sends one record without waiting for it to be read back. */
    CompletableFuture<RecordMetadata> send(byte[] key, byte[] value) {
        return log.send(key, value);
    }

    @Override
    public synchronized void close() {
        log.close();
        started = false;
    }
}
