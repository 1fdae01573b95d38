package io.sluice.runtime.schemaregistry.storage;

import io.sluice.runtime.herder.RequestTargetException;
import io.sluice.runtime.schemaregistry.RegistryException;
import java.net.URI;
import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.MemberDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRebalanceListener;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Picks the one registry that writes to a schemas topic, through Kafka's group protocol (as Confluent's registry
 * does): every registry on the topic joins one consumer group subscribed to it, and the member assigned its only
 * partition is the writer. A member's client id is its URL, so the others find the writer in the group's
 * description and forward writes to it; when the writer dies, the group hands the partition to another member.
 */
public final class WriterElection implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(WriterElection.class);
    private static final Duration POLL = Duration.ofMillis(200);
    /** How long a write waits for a writer to be known (a rebalance in progress) before it is refused with 50004. */
    private static final Duration AWAIT_WRITER = Duration.ofSeconds(15);
    private static final long DESCRIBE_EVERY_MILLIS = 1_000;

    private final Map<String, Object> clientConfig;
    private final String topic;
    private final String groupId;
    private final java.util.function.Supplier<URI> url;
    private volatile URI ownUrl;
    private volatile boolean writer;
    private volatile boolean running;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private Admin admin;
    private URI knownWriter;
    private long describedAt;

    /** @param url this registry's URL as the others reach it, known once its listener is bound */
    public WriterElection(Map<String, Object> clientConfig, String topic, String groupId, java.util.function.Supplier<URI> url) {
        this.clientConfig = Map.copyOf(clientConfig);
        this.topic = topic;
        this.groupId = groupId;
        this.url = url;
    }

    /**
     * Joins the group in the background: the worker's start does not wait for the group's first rebalance (3 s on
     * a broker with Kafka's default group.initial.rebalance.delay.ms); a write arriving before it waits for it.
     */
    public synchronized void start() {
        ownUrl = url.get();
        Map<String, Object> props = new HashMap<>(clientConfig);
        props.put(ConsumerConfig.GROUP_ID_CONFIG, groupId);
        props.put(ConsumerConfig.CLIENT_ID_CONFIG, ownUrl.toString());
        props.put(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "classic");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "latest");
        // a dead writer is replaced after this (the broker's minimum), not the consumer default of 45 s
        props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6_000);
        props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 2_000);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 1);
        consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        admin = Admin.create(clientConfig);
        running = true;
        thread = new Thread(this::run, "sluice-schema-registry-election");
        thread.setDaemon(true);
        thread.start();
    }

    private void run() {
        KafkaConsumer<byte[], byte[]> c = consumer;
        try {
            c.subscribe(List.of(topic), new ConsumerRebalanceListener() {
                @Override
                public void onPartitionsRevoked(Collection<TopicPartition> partitions) {
                    lose();
                }

                @Override
                public void onPartitionsLost(Collection<TopicPartition> partitions) {
                    lose();
                }

                @Override
                public void onPartitionsAssigned(Collection<TopicPartition> partitions) {
                    boolean now = partitions.stream().anyMatch(p -> p.topic().equals(topic));
                    if (now && !writer) {
                        log.info("This schema registry ({}) writes to {} now", ownUrl, topic);
                    }
                    if (!now && !writer) {
                        log.info("This schema registry ({}) forwards writes to the one that writes to {}", ownUrl, topic);
                    }
                    writer = now;
                }
            });
            while (running) {
                c.poll(POLL); // records are read by the store; this poll keeps the membership
            }
        } catch (WakeupException e) {
            // closing
        } catch (RuntimeException e) {
            log.error("The schema registry left its group {}: {}", groupId, e.getMessage(), e);
        } finally {
            writer = false;
        }
    }

    private void lose() {
        if (writer) {
            log.info("This schema registry ({}) no longer writes to {}", ownUrl, topic);
        }
        writer = false;
    }

    /** Whether this registry may write now. */
    public boolean isWriter() {
        return writer;
    }

    /**
     * Returns when this registry is the writer; throws RequestTargetException naming the writer when another
     * registry is, or 50004 when none is known in time.
     */
    public void requireWriter() {
        long deadline = System.nanoTime() + AWAIT_WRITER.toNanos();
        while (true) {
            if (writer) {
                return;
            }
            Optional<URI> other = writerUrl();
            if (other.isPresent() && !other.get().equals(ownUrl)) {
                throw new RequestTargetException(other.get(), "the schema registry at " + other.get() + " writes to " + topic);
            }
            if (System.nanoTime() > deadline) {
                throw new RegistryException(500, 50004, "Leader not known: no schema registry writes to " + topic
                        + " right now (the group " + groupId + " is rebalancing); try again shortly");
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RegistryException(500, 50004, "Interrupted while waiting for the schema registry's writer");
            }
        }
    }

    /** The writer's URL from the group's description (at most one lookup a second). */
    private synchronized Optional<URI> writerUrl() {
        long now = System.currentTimeMillis();
        if (knownWriter != null && now - describedAt < DESCRIBE_EVERY_MILLIS) {
            return Optional.of(knownWriter);
        }
        describedAt = now;
        knownWriter = null;
        try {
            ConsumerGroupDescription group = admin.describeConsumerGroups(List.of(groupId)).describedGroups()
                    .get(groupId).get(10, TimeUnit.SECONDS);
            for (MemberDescription member : group.members()) {
                if (member.assignment().topicPartitions().contains(new TopicPartition(topic, 0))) {
                    knownWriter = URI.create(member.clientId());
                }
            }
        } catch (Exception e) {
            log.debug("Could not describe the schema registry group {}", groupId, e);
        }
        return Optional.ofNullable(knownWriter);
    }

    @Override
    public synchronized void close() {
        running = false;
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (thread != null) {
            try {
                thread.join(Duration.ofSeconds(30).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            thread = null;
        }
        if (c != null) {
            c.close(Duration.ofSeconds(10));
            consumer = null;
        }
        if (admin != null) {
            admin.close(Duration.ofSeconds(10));
            admin = null;
        }
        writer = false;
    }
}
