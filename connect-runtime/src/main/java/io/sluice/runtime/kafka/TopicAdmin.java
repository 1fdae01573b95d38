package io.sluice.runtime.kafka;

import java.time.Duration;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.KafkaFuture;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates and inspects topics: the worker's internal compacted topics and connector-defined ones. */
public final class TopicAdmin implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(TopicAdmin.class);
    private static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
    private static final long RETRY_BACKOFF_MS = 50;

    private final Admin admin;
    private final boolean ownsAdmin;
    private final Duration timeout;

    /** Creates and owns an Admin client with the given settings. */
    public TopicAdmin(Map<String, Object> adminConfig) {
        this(Admin.create(adminConfig), true, DEFAULT_TIMEOUT);
    }

    /** Wraps an Admin client owned by the caller; close() leaves it open. */
    public TopicAdmin(Admin admin, Duration timeout) {
        this(admin, false, timeout);
    }

    private TopicAdmin(Admin admin, boolean ownsAdmin, Duration timeout) {
        this.admin = admin;
        this.ownsAdmin = ownsAdmin;
        this.timeout = timeout;
    }

    /**
     * Makes sure topic exists with cleanup.policy=compact, creating it with the given partitions
     * and replication factor (-1 for either takes the broker default) when missing.
     *
     * @throws IllegalStateException when the topic exists with another cleanup policy
     */
    public void ensureCompactedTopic(String topic, int partitions, short replicationFactor) {
        ensureCompactedTopic(topic, partitions, replicationFactor, 0);
    }

    /**
     * The same, for a topic that must take records of maxMessageBytes (when above 0): created with that
     * max.message.bytes, or raised to it on a topic that exists with less (e.g. one an Apache worker created with the
     * broker's 1 MiB default). When it can't be raised (no ALTER_CONFIGS permission), larger records are refused by
     * Kafka, and the worker says so now.
     */
    public void ensureCompactedTopic(String topic, int partitions, short replicationFactor, int maxMessageBytes) {
        createTopicsIfMissing(List.of(newCompactedTopic(topic, partitions, replicationFactor, maxMessageBytes)));
        checkCompactedTopic(topic, maxMessageBytes);
    }

    /** The NewTopic {@link #ensureCompactedTopic} creates, for callers that create several in one request. */
    public static NewTopic newCompactedTopic(String topic, int partitions, short replicationFactor, int maxMessageBytes) {
        Map<String, String> configs = new HashMap<>(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
        if (maxMessageBytes > 0) {
            configs.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(maxMessageBytes));
        }
        return newTopic(topic, partitions, replicationFactor).configs(configs);
    }

    /**
     * The checks of {@link #ensureCompactedTopic} on a topic that exists: max.message.bytes raised where it takes less
     * than maxMessageBytes (above 0), and cleanup.policy=compact required.
     *
     * @throws IllegalStateException when the topic has another cleanup policy
     */
    public void checkCompactedTopic(String topic, int maxMessageBytes) {
        if (maxMessageBytes > 0) {
            ensureMaxMessageBytes(topic, maxMessageBytes);
        }
        String policy = cleanupPolicy(topic);
        if (!TopicConfig.CLEANUP_POLICY_COMPACT.equals(policy)) {
            throw new IllegalStateException("Topic '" + topic + "' must have cleanup.policy=compact to hold Connect state, "
                    + "but has cleanup.policy=" + policy + ". Change it with kafka-configs.sh --alter --entity-type topics "
                    + "--entity-name " + topic + " --add-config cleanup.policy=compact, or configure another topic name.");
        }
    }

    /** A NewTopic where -1 partitions or replication factor means the broker default. */
    public static NewTopic newTopic(String topic, int partitions, short replicationFactor) {
        return new NewTopic(topic,
                partitions < 1 ? Optional.empty() : Optional.of(partitions),
                replicationFactor < 1 ? Optional.empty() : Optional.of(replicationFactor));
    }

    /** Creates the topics that do not exist yet; returns the names of those this call created. */
    public Set<String> createTopicsIfMissing(Collection<NewTopic> topics) {
        if (topics.isEmpty()) {
            return Set.of();
        }
        Map<String, KafkaFuture<Void>> results = admin.createTopics(topics).values();
        Set<String> created = new LinkedHashSet<>();
        for (Map.Entry<String, KafkaFuture<Void>> result : results.entrySet()) {
            try {
                await(result.getValue(), "create topic " + result.getKey());
                created.add(result.getKey());
                log.info("Created topic {}", result.getKey());
            } catch (TopicOperationException e) {
                if (!(e.getCause() instanceof TopicExistsException)) {
                    throw e;
                }
                log.debug("Topic {} already exists", result.getKey());
            }
        }
        return created;
    }

    /** Descriptions of the topics that exist; missing topics are absent from the result. */
    public Map<String, TopicDescription> describeTopics(Collection<String> topics) {
        Map<String, TopicDescription> found = new HashMap<>();
        admin.describeTopics(topics).topicNameValues().forEach((name, future) -> {
            try {
                found.put(name, await(future, "describe topic " + name));
            } catch (TopicOperationException e) {
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException)) {
                    throw e;
                }
            }
        });
        return found;
    }

    /** The topic's effective cleanup.policy. */
    public String cleanupPolicy(String topic) {
        return topicConfig(topic, TopicConfig.CLEANUP_POLICY_CONFIG);
    }

    private void ensureMaxMessageBytes(String topic, int required) {
        String current = topicConfig(topic, TopicConfig.MAX_MESSAGE_BYTES_CONFIG);
        if (current != null && Long.parseLong(current) >= required) {
            return;
        }
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        AlterConfigOp raise = new AlterConfigOp(new ConfigEntry(TopicConfig.MAX_MESSAGE_BYTES_CONFIG,
                Integer.toString(required)), AlterConfigOp.OpType.SET);
        try {
            await(admin.incrementalAlterConfigs(Map.of(resource, List.of(raise))).all(),
                    "raise max.message.bytes of topic " + topic);
            log.info("Raised max.message.bytes of topic {} from {} to {} for the records it holds", topic, current,
                    required);
        } catch (TopicOperationException e) {
            log.warn("Topic {} takes records of at most {} bytes and its max.message.bytes could not be raised to {} ({}); "
                    + "larger records will be refused. Raise it with kafka-configs.sh --alter "
                    + "--entity-type topics --entity-name {} --add-config max.message.bytes={}", topic, current, required,
                    e.getMessage(), topic, required);
        }
    }

    /** The effective value of one of the topic's configs. */
    public String topicConfig(String topic, String key) {
        ConfigResource resource = new ConfigResource(ConfigResource.Type.TOPIC, topic);
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            try {
                Config config = await(admin.describeConfigs(List.of(resource)).values().get(resource),
                        "describe configs of topic " + topic);
                ConfigEntry entry = config.get(key);
                return entry == null ? null : entry.value();
            } catch (TopicOperationException e) {
                // a topic just created is known to the controller before the broker's metadata has it
                if (!(e.getCause() instanceof UnknownTopicOrPartitionException) || System.nanoTime() > deadline) {
                    throw e;
                }
                backOff();
            }
        }
    }

    /** Waits until the topic can be described, e.g. right after it was created. */
    public TopicDescription awaitTopic(String topic) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            TopicDescription description = describeTopics(List.of(topic)).get(topic);
            if (description != null) {
                return description;
            }
            if (System.nanoTime() > deadline) {
                throw new TopicOperationException("Topic " + topic + " is not visible after " + timeout, null);
            }
            backOff();
        }
    }

    private static void backOff() {
        try {
            Thread.sleep(RETRY_BACKOFF_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicOperationException("Interrupted while waiting for topic metadata", e);
        }
    }

    @Override
    public void close() {
        if (ownsAdmin) {
            admin.close(timeout);
        }
    }

    private <T> T await(KafkaFuture<T> future, String what) {
        try {
            return future.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (ExecutionException e) {
            throw new TopicOperationException("Cannot " + what + ": " + e.getCause().getMessage(), e.getCause());
        } catch (TimeoutException e) {
            throw new TopicOperationException("Cannot " + what + ": no answer from Kafka within " + timeout, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new TopicOperationException("Interrupted while trying to " + what, e);
        }
    }

    /** A topic operation Kafka refused or did not answer in time. */
    public static final class TopicOperationException extends RuntimeException {
        TopicOperationException(String message, Throwable cause) {
            super(message, cause);
        }
    }
}
