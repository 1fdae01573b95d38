package io.sluice.runtime.worker;

import io.sluice.runtime.config.ConnectorConfig;
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
    static final String DEFAULT_GROUP = "default";

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
     * {@code topic.creation.default.replication.factor} and {@code .partitions}.
     */
    static Optional<TopicCreation> of(Map<String, String> config, boolean workerEnabled) {
        String defaultPrefix = ConnectorConfig.TOPIC_CREATION_PREFIX + DEFAULT_GROUP + ".";
        if (!workerEnabled || !config.containsKey(defaultPrefix + "replication.factor")
                || !config.containsKey(defaultPrefix + "partitions")) {
            return Optional.empty();
        }
        List<Group> groups = new ArrayList<>();
        String names = config.getOrDefault(ConnectorConfig.TOPIC_CREATION_GROUPS, "");
        for (String name : names.split(",")) {
            name = name.trim();
            if (!name.isEmpty() && !DEFAULT_GROUP.equals(name)) {
                groups.add(group(name, config, config));
            }
        }
        groups.add(group(DEFAULT_GROUP, config, config));
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

    private static Group group(String name, Map<String, String> config, Map<String, String> defaults) {
        String prefix = ConnectorConfig.TOPIC_CREATION_PREFIX + name + ".";
        String defaultPrefix = ConnectorConfig.TOPIC_CREATION_PREFIX + DEFAULT_GROUP + ".";
        Map<String, String> topicConfigs = new HashMap<>();
        // A named group inherits the default group's topic configs, then sets its own.
        if (!DEFAULT_GROUP.equals(name)) {
            collect(defaults, defaultPrefix, topicConfigs);
        }
        collect(config, prefix, topicConfigs);
        String partitions = config.getOrDefault(prefix + "partitions", defaults.get(defaultPrefix + "partitions"));
        String replication = config.getOrDefault(prefix + "replication.factor", defaults.get(defaultPrefix + "replication.factor"));
        List<Pattern> include = DEFAULT_GROUP.equals(name) ? List.of(Pattern.compile(".*")) : patterns(config.get(prefix + "include"));
        List<Pattern> exclude = DEFAULT_GROUP.equals(name) ? List.of() : patterns(config.get(prefix + "exclude"));
        return new Group(name, include, exclude, Integer.parseInt(partitions.trim()), Short.parseShort(replication.trim()),
                Map.copyOf(topicConfigs));
    }

    private static void collect(Map<String, String> config, String prefix, Map<String, String> into) {
        config.forEach((k, v) -> {
            if (k.startsWith(prefix)) {
                String key = k.substring(prefix.length());
                if (!key.equals("include") && !key.equals("exclude") && !key.equals("partitions")
                        && !key.equals("replication.factor")) {
                    into.put(key, v);
                }
            }
        });
    }

    private static List<Pattern> patterns(String list) {
        List<Pattern> out = new ArrayList<>();
        if (list != null) {
            for (String p : list.split(",")) {
                if (!p.isBlank()) {
                    out.add(Pattern.compile(p.trim()));
                }
            }
        }
        return out;
    }
}
