package io.sluice.runtime.topics;

import io.sluice.runtime.config.ConnectorConfig;
import io.sluice.runtime.config.TopicsConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.herder.Herder;
import io.sluice.runtime.herder.HerderException;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.kafka.common.errors.InvalidTopicException;
import org.apache.kafka.common.internals.Topic;

/**
 * Which topics REST peek and produce may touch. The internal topics of a Connect cluster hold every connector's
 * config with its secrets (also of connectors deleted long ago), offsets and statuses: this cluster's are known by
 * name, and any other cluster's on the same Kafka (a previous group.id, a neighbour, MirrorMaker 2) by the names
 * such topics are given ({@link #CONNECT_INTERNAL}). Both are refused unless rest.topics.peek.allow names them
 * exactly; other topics go through the allow and deny patterns.
 */
final class TopicAccess {
    /**
     * Names of any Connect cluster's config, offsets and status topics as Apache, Strimzi, Confluent's images and
     * Debezium's examples name them ({@code connect-configs}, {@code <group.id>-offsets}, {@code my_connect_statuses}),
     * MirrorMaker 2's ({@code mm2-configs.<alias>.internal}) and Kafka's own ({@code __consumer_offsets}).
     */
    static final Pattern CONNECT_INTERNAL = Pattern.compile(
            ".*[-_.](configs|offsets|status|statuses)|mm2-.*\\.internal|__.*");

    private final List<Pattern> allow;
    private final Set<String> allowedByName;
    private final List<Pattern> deny;
    private final Set<String> workerTopics;
    private final Herder herder;

    TopicAccess(TopicsConfig config, WorkerConfig worker, Herder herder) {
        List<String> allowed = config.peekAllow();
        this.allow = allowed.stream().map(Pattern::compile).toList();
        this.allowedByName = Set.copyOf(allowed);
        this.deny = config.peekDeny().stream().map(Pattern::compile).toList();
        this.workerTopics = Set.of(worker.configTopic(), worker.offsetTopic(), worker.statusTopic());
        this.herder = herder;
    }

    /**
     * Refuses a name Kafka would refuse (400: the broker's "invalid topic" would otherwise come back as a server
     * error), then, with a 403 saying which key decides, a topic that may not be touched over REST.
     */
    void check(String topic) {
        try {
            Topic.validate(topic);
        } catch (InvalidTopicException e) {
            throw HerderException.badRequest("Not a valid topic name: " + e.getMessage());
        }
        Set<String> ours = internalTopics();
        if (internal(ours, topic)) {
            String what = Topic.isInternal(topic) || topic.startsWith("__") ? "one of Kafka's internal topics"
                    : ours.contains(topic)
                    ? "an internal topic of this Connect cluster (connector configs with their secrets, offsets or statuses)"
                    : "named like an internal topic of a Connect cluster (*-configs, *-offsets, *-status, MirrorMaker 2's "
                    + "mm2-*.internal), which hold connector configs with their secrets, offsets or statuses,";
            throw new HerderException.Forbidden("Topic " + topic + " is " + what + " and may not be read or written over REST; "
                    + "to allow it, list its exact name in " + TopicsConfig.PEEK_ALLOW);
        }
        if (!allowed(topic)) {
            throw new HerderException.Forbidden("Topic " + topic + " may not be read or written over REST here ("
                    + TopicsConfig.PEEK_ALLOW + ", " + TopicsConfig.PEEK_DENY + ")");
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
            } catch (HerderException.NotFound deletedMeanwhile) {
                // a connector deleted while listing has no topic to protect any more
            }
        }
        return topics;
    }

    private boolean internal(Set<String> internalTopics, String topic) {
        return (internalTopics.contains(topic) || Topic.isInternal(topic) || CONNECT_INTERNAL.matcher(topic).matches())
                && !allowedByName.contains(topic);
    }

    private boolean allowed(String topic) {
        return allow.stream().anyMatch(p -> p.matcher(topic).matches())
                && deny.stream().noneMatch(p -> p.matcher(topic).matches());
    }
}
