package io.sluice.runtime.worker;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A source task's topics, through an admin client opened at its first use: KIP-158 creation before a topic's first
 * record with the connector's topic.creation.* settings; a topic a task asks for with as many partitions as it writes
 * to (see {@link SourceTaskRunner}'s context); and a topic's partition count, for the warning about a send that waits
 * for a partition the topic does not have.
 */
final class SourceTopicCreator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceTopicCreator.class);

    private final TopicCreation rules;
    private final boolean workerCreates;
    private final Map<String, Object> adminConfig;
    private final long timeoutMs;
    private final Set<String> known = new HashSet<>();
    private Admin admin;
    private boolean closed;

    /**
     * @param rules         the connector's topic.creation.* rules, null when it has none or the worker creates no topics
     * @param workerCreates the worker's topic.creation.enable
     */
    SourceTopicCreator(TopicCreation rules, boolean workerCreates, Map<String, Object> adminConfig, long timeoutMs) {
        this.rules = rules;
        this.workerCreates = workerCreates;
        this.adminConfig = adminConfig;
        this.timeoutMs = Math.max(timeoutMs, 30_000L);
    }

    private synchronized Admin admin() {
        if (closed) {
            // the blocked-send watch may ask a moment after the task closed: no admin client is opened then, to leak
            throw new IllegalStateException("the task's topic look-ups are closed");
        }
        if (admin == null) {
            admin = Admin.create(adminConfig);
        }
        return admin;
    }

    /** With topic.creation.* rules, makes sure the topic exists before its first record; called from the task thread. */
    void ensure(String topic) {
        if (rules == null || known.contains(topic)) {
            return;
        }
        try {
            if (!admin().listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic)) {
                create(rules.newTopic(topic), "");
            }
            known.add(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while creating topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("Could not create topic " + topic + ": " + e.getMessage(), e);
        }
    }

    /**
     * The topic's partition count, creating a missing topic with at least {@code wanted} partitions (more if its
     * topic.creation group says so; its replication factor and configs, else the broker's default replication factor)
     * when the worker creates topics: 0 for a missing topic it may not create, -1 when Kafka did not answer.
     */
    int partitionsCreatingWith(String topic, int wanted) {
        int has = partitionCount(topic, timeoutMs);
        if (has != 0 || !workerCreates) {
            return has;
        }
        NewTopic group = rules == null ? null : rules.newTopic(topic);
        int partitions = Math.max(wanted, group == null ? -1 : group.numPartitions());
        Optional<Short> replication = group == null || group.replicationFactor() < 1 ? Optional.empty()
                : Optional.of(group.replicationFactor());
        NewTopic newTopic = new NewTopic(topic, Optional.of(partitions), replication);
        if (group != null && group.configs() != null) {
            newTopic.configs(group.configs());
        }
        try {
            create(newTopic, " (its source task writes to " + wanted + ")");
            known.add(topic);
            int now = partitionCount(topic, timeoutMs); // another may have created it first
            return now > 0 ? now : partitions;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (ExecutionException | TimeoutException e) {
            log.warn("Could not create topic {} with {} partitions: {}", topic, partitions, e.getMessage());
            return partitionCount(topic, timeoutMs);
        }
    }

    /** The topic's partition count, 0 when it does not exist, -1 when Kafka did not answer within waitMs. */
    int partitionCount(String topic, long waitMs) {
        try {
            return admin().describeTopics(List.of(topic)).allTopicNames().get(waitMs, TimeUnit.MILLISECONDS)
                    .get(topic).partitions().size();
        } catch (ExecutionException e) {
            return e.getCause() instanceof UnknownTopicOrPartitionException ? 0 : -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        } catch (TimeoutException | RuntimeException e) {
            return -1;
        }
    }

    private void create(NewTopic newTopic, String why) throws ExecutionException, InterruptedException,
            TimeoutException {
        try {
            admin().createTopics(List.of(newTopic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
            log.info("Created topic {} with {} partitions{} and replication factor {}", newTopic.name(),
                    newTopic.numPartitions() < 0 ? "default" : newTopic.numPartitions(), why,
                    newTopic.replicationFactor() < 0 ? "default" : newTopic.replicationFactor());
        } catch (ExecutionException e) {
            if (!(e.getCause() instanceof TopicExistsException)) {
                throw e;
            }
        }
    }

    @Override
    public synchronized void close() {
        closed = true;
        if (admin != null) {
            admin.close(Duration.ofSeconds(5));
        }
    }
}
