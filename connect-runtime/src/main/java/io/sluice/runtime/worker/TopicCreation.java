package io.sluice.runtime.worker;

import io.sluice.runtime.config.SourceConnectorConfig;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * KIP-158 topic creation rules of a source connector: the {@code topic.creation.groups} in order,
 * each with include/exclude regex lists, and the {@code default} group that matches every topic.
 */
final class TopicCreation {

    /** One group's topic settings. */
    record Group(String name, List<Pattern> include, List<Pattern> exclude, int partitions, short replicationFactor,
                 Map<String, String> topicConfigs) {

        boolean matches(String topic) {
            return include.stream().anyMatch(p -> p.matcher(topic).matches())
                    && exclude.stream().noneMatch(p -> p.matcher(topic).matches());
        }

        NewTopic newTopic(String topic) {
            NewTopic t = new NewTopic(topic,
                    partitions < 1 ? Optional.empty() : Optional.of(partitions),
                    replicationFactor < 1 ? Optional.empty() : Optional.of(replicationFactor));
            return t.configs(topicConfigs);
        }
    }

    private final List<Group> groups;

    private TopicCreation(List<Group> groups) {
        this.groups = groups;
    }

    /**
     * The connector's rules, or empty when the worker disables topic creation or the connector sets no
     * {@code topic.creation.*} key (with any, its config requires the default group's replication factor and
     * partitions).
     */
    static Optional<TopicCreation> of(SourceConnectorConfig config, boolean workerEnabled) {
        if (!workerEnabled || !config.usesTopicCreation()) {
            return Optional.empty();
        }
        List<Group> groups = new ArrayList<>();
        for (String name : config.topicCreationGroups()) {
            groups.add(group(name, config));
        }
        groups.add(group(SourceConnectorConfig.DEFAULT_GROUP, config));
        return Optional.of(new TopicCreation(List.copyOf(groups)));
    }

    /** The settings for a new topic: the first group that matches it, else the default group. */
    NewTopic newTopic(String topic) {
        for (Group g : groups) {
            if (g.matches(topic)) {
                return g.newTopic(topic);
            }
        }
        return groups.get(groups.size() - 1).newTopic(topic);
    }

    List<Group> groups() {
        return groups;
    }

    private static Group group(String name, SourceConnectorConfig config) {
        boolean isDefault = SourceConnectorConfig.DEFAULT_GROUP.equals(name);
        Map<String, String> topicConfigs = new HashMap<>();
        // A named group inherits the default group's topic configs, then sets its own.
        if (!isDefault) {
            topicConfigs.putAll(config.topicCreationOtherConfigs(SourceConnectorConfig.DEFAULT_GROUP));
        }
        topicConfigs.putAll(config.topicCreationOtherConfigs(name));
        List<Pattern> include = isDefault ? List.of(Pattern.compile(".*")) : patterns(config.topicCreationInclude(name));
        List<Pattern> exclude = isDefault ? List.of() : patterns(config.topicCreationExclude(name));
        return new Group(name, include, exclude, config.topicCreationPartitions(name),
                config.topicCreationReplicationFactor(name), Map.copyOf(topicConfigs));
    }

    private static List<Pattern> patterns(List<String> regexes) {
        return regexes.stream().filter(p -> !p.isBlank()).map(Pattern::compile).toList();
    }
}
