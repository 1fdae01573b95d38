package io.sluice.runtime.rest;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.internals.Topic;

/**
 * Which topics REST peek and produce may touch. The internal topics of this Connect cluster hold every connector's
 * config with its secrets (also of connectors deleted long ago), offsets and statuses, so they are refused unless
 * rest.topics.peek.allow names them exactly; other topics go through the allow and deny patterns.
 */
final class TopicAccess {
    private final List<Pattern> allow;
    private final Set<String> allowedByName;
    private final List<Pattern> deny;
    private final Set<String> workerTopics;
    private final Herder herder;

    TopicAccess(ObservabilityConfig config, WorkerConfig worker, Herder herder) {
        List<String> allowed = config.getList(ObservabilityConfig.PEEK_ALLOW);
        this.allow = allowed.stream().map(Pattern::compile).toList();
        this.allowedByName = Set.copyOf(allowed);
        this.deny = config.getList(ObservabilityConfig.PEEK_DENY).stream().map(Pattern::compile).toList();
        this.workerTopics = Set.of(worker.configTopic(), worker.offsetTopic(), worker.statusTopic());
        this.herder = herder;
    }

    /** Refuses, with a 403 saying which key decides, a topic that may not be touched over REST. */
    void check(String topic) {
        if (internal(internalTopics(), topic)) {
            String what = Topic.isInternal(topic) ? "one of Kafka's internal topics"
                    : "an internal topic of this Connect cluster (connector configs with their secrets, offsets or statuses)";
            throw new HerderException(403, "Topic " + topic + " is " + what + " and may not be read or written over REST; "
                    + "to allow it, list its exact name in " + ObservabilityConfig.PEEK_ALLOW);
        }
        if (!allowed(topic)) {
            throw new HerderException(403, "Topic " + topic + " may not be read or written over REST here ("
                    + ObservabilityConfig.PEEK_ALLOW + ", " + ObservabilityConfig.PEEK_DENY + ")");
        }
    }

    /** Whether a topic may be touched; for listings, with the internal topics looked up once. */
    boolean permits(Set<String> internalTopics, String topic) {
        return !internal(internalTopics, topic) && allowed(topic);
    }

    /** The worker's config, offsets and status topics and every connector's own offsets topic. */
    Set<String> internalTopics() {
        Set<String> topics = new HashSet<>(workerTopics);
        for (String connector : herder.connectors()) {
            try {
                Map<String, String> config = herder.connectorConfig(connector);
                String offsets = config.get(ConnectorConfig.OFFSETS_STORAGE_TOPIC);
                if (offsets != null && !offsets.isBlank()) {
                    topics.add(offsets.trim());
                }
            } catch (HerderException deletedMeanwhile) {
                // a connector deleted while listing has no topic to protect any more
            }
        }
        return topics;
    }

    private boolean internal(Set<String> internalTopics, String topic) {
        return (internalTopics.contains(topic) || Topic.isInternal(topic)) && !allowedByName.contains(topic);
    }

    private boolean allowed(String topic) {
        return allow.stream().anyMatch(p -> p.matcher(topic).matches())
                && deny.stream().noneMatch(p -> p.matcher(topic).matches());
    }
}
