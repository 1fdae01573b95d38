package io.sluice.runtime.storage;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source connector's offsets when it has an offsets topic of its own (KIP-618's {@code offsets.storage.topic}):
 * its own topic is read first and the worker's topic fills in partitions it has never written, as in Apache
 * Kafka Connect, so a connector given its own topic later resumes where the worker's topic left it. Writes go to
 * its own topic and are copied to the worker's; a reset's tombstones reach the worker's topic first, or a
 * partition reset in its own topic would come back from the worker's.
 */
public final class ConnectorOffsetStore implements OffsetStore {
    private static final Logger log = LoggerFactory.getLogger(ConnectorOffsetStore.class);

    private final OffsetStore own;
    private final OffsetStore worker;
    private final Runnable release;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@code release} runs once, on close, and gives back {@code own}; the worker's store stays open. */
    public ConnectorOffsetStore(OffsetStore own, OffsetStore worker, Runnable release) {
        this.own = own;
        this.worker = worker;
        this.release = release;
    }

    /** Both stores were started by whoever opened them. */
    @Override
    public void start() {
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector, Set<Map<String, Object>> partitions) {
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>(worker.offsets(connector, partitions));
        result.putAll(own.offsets(connector, partitions));
        return result;
    }

    @Override
    public Map<Map<String, Object>, Map<String, Object>> offsets(String connector) {
        Map<Map<String, Object>, Map<String, Object>> result = new HashMap<>(worker.offsets(connector));
        result.putAll(own.offsets(connector));
        return result;
    }

    @Override
    public void readToEnd() {
        worker.readToEnd();
        own.readToEnd();
    }

    /** Completes with the write to the connector's own topic; the copy to the worker's topic is best effort. */
    @Override
    public CompletableFuture<Void> write(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        Map<Map<String, Object>, Map<String, Object>> tombstones = new HashMap<>();
        Map<Map<String, Object>, Map<String, Object>> values = new HashMap<>();
        offsets.forEach((partition, offset) -> (offset == null ? tombstones : values).put(partition, offset));
        CompletableFuture<Void> first = tombstones.isEmpty()
                ? CompletableFuture.completedFuture(null) : worker.write(connector, tombstones);
        return first.thenCompose(done -> own.write(connector, offsets))
                .thenRun(() -> copyToWorker(connector, values));
    }

    @Override
    public String transactionalTopic() {
        return own.transactionalTopic();
    }

    @Override
    public List<Map.Entry<byte[], byte[]>> records(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        return own.records(connector, offsets);
    }

    /** A transaction put the offsets in the connector's own topic; the worker's topic gets its copy now. */
    @Override
    public void transactionCommitted(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        copyToWorker(connector, offsets);
    }

    private void copyToWorker(String connector, Map<Map<String, Object>, Map<String, Object>> offsets) {
        if (offsets.isEmpty()) {
            return;
        }
        worker.write(connector, Map.copyOf(offsets)).whenComplete((done, error) -> {
            if (error != null) {
                log.warn("Could not copy {} offset(s) of connector {} to the worker's offsets topic: {}",
                        offsets.size(), connector, error.getMessage());
            }
        });
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            release.run();
        }
    }
}
