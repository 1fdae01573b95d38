package io.sluice.runtime.worker;

import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Says when a source task's send has waited long: the producer blocks a send (max.block.ms is unbounded for source
 * tasks, as in Apache Kafka Connect) until the topic's metadata holds the record's partition, so a record for a
 * partition the topic does not have waits forever, with nothing but the producer's UNKNOWN_TOPIC_OR_PARTITION at
 * DEBUG/WARN to tell why (tryout20). A thread of the worker's own looks at the sends in progress every 5 s (not the
 * worker's timer: asking Kafka for a partition count may take seconds, and stop deadlines run there); a send seen in
 * progress for 10 s is said, and again every minute while it waits.
 */
final class BlockedSends implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(BlockedSends.class);

    /** How long a send waits before it is said, and again after how long while it still waits. */
    static final long FIRST_WARNING_MS = 10_000;
    static final long REPEAT_MS = 60_000;

    /** What the watch asks of a task (its toString names it): the record it is sending, a topic's partition count. */
    interface Sender {
        /** The record whose send() has not returned yet, null when none. */
        ProducerRecord<?, ?> sending();

        int partitionCount(String topic);
    }

    /** A send the watch saw in progress: since when it saw it, and when it last said so (0: not yet). */
    private static final class Seen {
        final ProducerRecord<?, ?> record;
        final long sinceNanos;
        long saidNanos;

        Seen(ProducerRecord<?, ?> record, long sinceNanos) {
            this.record = record;
            this.sinceNanos = sinceNanos;
        }
    }

    /** The tasks watched, with the send each was seen in (absent while none). */
    private final Map<Sender, Optional<Seen>> senders = new ConcurrentHashMap<>();
    private final ScheduledExecutorService watch = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "sluice-blocked-send-watch");
        t.setDaemon(true);
        return t;
    });

    BlockedSends() {
        watch.scheduleWithFixedDelay(this::look, 5, 5, TimeUnit.SECONDS);
    }

    void watch(Sender sender) {
        senders.put(sender, Optional.empty());
    }

    void forget(Sender sender) {
        senders.remove(sender);
    }

    /** Ends the watch with the worker that owns it. */
    @Override
    public void close() {
        watch.shutdownNow();
    }

    /** The task thread marks only the record it sends (no clock, no allocation per record): the watch times it. */
    private void look() {
        long now = System.nanoTime();
        for (Map.Entry<Sender, Optional<Seen>> e : senders.entrySet()) {
            ProducerRecord<?, ?> record = e.getKey().sending();
            Seen seen = e.getValue().orElse(null);
            if (record == null || seen == null || seen.record != record) {
                senders.replace(e.getKey(), e.getValue(), Optional.ofNullable(record).map(r -> new Seen(r, now)));
                continue;
            }
            long waitedMs = TimeUnit.NANOSECONDS.toMillis(now - seen.sinceNanos);
            if (waitedMs < FIRST_WARNING_MS
                    || (seen.saidNanos != 0 && TimeUnit.NANOSECONDS.toMillis(now - seen.saidNanos) < REPEAT_MS)) {
                continue;
            }
            seen.saidNanos = now;
            try {
                say(e.getKey(), record.topic(), record.partition(), waitedMs / 1000);
            } catch (RuntimeException failure) {
                log.debug("Looking at a blocked send of {} failed", e.getKey(), failure);
            }
        }
    }

    private static void say(Sender sender, String topic, Integer partition, long waitedS) {
        int count = sender.partitionCount(topic);
        if (partition != null && count > 0 && partition >= count) {
            log.warn("{} has waited {} s to send a record to partition {} of topic {}, which has {} partition(s): the "
                    + "producer waits until that partition exists (as Apache Kafka Connect's does). Give the topic as "
                    + "many partitions as the connector writes to, at least {} (kafka-topics.sh --alter --topic {} "
                    + "--partitions N; other tasks may need more), or configure the connector to write to partitions "
                    + "the topic has", sender, waitedS, partition, topic, count, partition + 1, topic);
        } else if (count == 0) {
            log.warn("{} has waited {} s to send a record to topic {}, which does not exist and which the broker does "
                    + "not create: the producer waits until it exists. Create it (with topic.creation.* on the "
                    + "connector, or kafka-topics.sh --create)", sender, waitedS, topic);
        } else {
            log.warn("{} has waited {} s to send a record to topic {}{} ({}): the producer waits for the topic's "
                    + "metadata or for room in its buffer; is the Kafka cluster reachable and keeping up?", sender,
                    waitedS, topic, partition == null ? "" : " partition " + partition,
                    count < 0 ? "Kafka did not say how many partitions it has" : count + " partition(s)");
        }
    }
}
