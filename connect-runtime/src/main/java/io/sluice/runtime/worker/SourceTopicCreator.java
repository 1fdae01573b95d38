package io.sluice.runtime.worker;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates a source task's topics before their first record, with the connector's topic.creation.* settings. */
final class SourceTopicCreator implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SourceTopicCreator.class);

    private final TopicCreation rules;
    private final Admin admin;
    private final long timeoutMs;
    private final Set<String> known = new HashSet<>();

    SourceTopicCreator(TopicCreation rules, Map<String, Object> adminConfig, long timeoutMs) {
        this.rules = rules;
        this.admin = Admin.create(adminConfig);
        this.timeoutMs = Math.max(timeoutMs, 30_000L);
    }

    /** Makes sure the topic exists; called from the task thread only. */
    void ensure(String topic) {
        if (known.contains(topic)) {
            return;
        }
        try {
            if (!admin.listTopics().names().get(timeoutMs, TimeUnit.MILLISECONDS).contains(topic)) {
                NewTopic newTopic = rules.newTopic(topic);
                try {
                    admin.createTopics(List.of(newTopic)).all().get(timeoutMs, TimeUnit.MILLISECONDS);
                    log.info("Created topic {} with {} partitions and replication factor {}", topic,
                            newTopic.numPartitions() < 0 ? "default" : newTopic.numPartitions(),
                            newTopic.replicationFactor() < 0 ? "default" : newTopic.replicationFactor());
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw e;
                    }
                }
            }
            known.add(topic);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while creating topic " + topic, e);
        } catch (ExecutionException | TimeoutException e) {
            throw new ConnectException("Could not create topic " + topic + ": " + e.getMessage(), e);
        }
    }

    @Override
    public void close() {
        admin.close(java.time.Duration.ofSeconds(5));
    }
}
