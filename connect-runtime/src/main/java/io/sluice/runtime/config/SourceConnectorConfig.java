package io.sluice.runtime.config;

import io.sluice.runtime.plugins.Plugins;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;
import org.apache.kafka.connect.source.SourceTask.TransactionBoundary;

/**
 * The keys source connectors add to the common ones: topic creation groups, exactly-once support,
 * transaction boundaries and a per-connector offsets topic, as Apache Kafka Connect 4.3 defines them.
 */
public final class SourceConnectorConfig extends ConnectorConfig {

    public static final String EXACTLY_ONCE_SUPPORT = "exactly.once.support";
    public static final String TRANSACTION_BOUNDARY = "transaction.boundary";
    public static final String TRANSACTION_BOUNDARY_INTERVAL_MS = "transaction.boundary.interval.ms";
    public static final String DEFAULT_GROUP = "default";
    public static final String DEFAULT_TOPIC_CREATION_PREFIX = TOPIC_CREATION_PREFIX + DEFAULT_GROUP + ".";
    public static final String INCLUDE = "include";
    public static final String EXCLUDE = "exclude";
    public static final String REPLICATION_FACTOR = "replication.factor";
    public static final String PARTITIONS = "partitions";

    static final String TOPIC_CREATION_GROUP = "Topic Creation";
    static final String EXACTLY_ONCE_SUPPORT_GROUP = "Exactly Once Support";
    static final String OFFSETS_TOPIC_GROUP = "offsets.topic";
    /** Where Sluice's documentation of offsets.storage.topic departs from Apache's ("Only applicable in distributed mode"). */
    static final String OFFSETS_TOPIC_IN_STANDALONE = "Honoured in standalone mode too; the worker's offsets topic keeps "
            + "a copy and answers for partitions this topic has never written.";

    /** A source connector's parsed config, its topic creation groups included when it sets any. */
    public SourceConnectorConfig(Plugins plugins, Map<String, String> props) {
        this(plugins, props, true);
    }

    /**
     * A source connector's parsed config on a worker that does or does not create topics (topic.creation.enable): as
     * in Apache, a worker that creates none neither parses nor requires the connector's topic.creation.* keys.
     */
    public SourceConnectorConfig(Plugins plugins, Map<String, String> props, boolean topicCreation) {
        super(plugins, topicCreation ? enrichedConfigDef(plugins, props) : configDef(plugins),
                withoutDefaultGroupRegexes(props));
    }

    /** The common keys plus the source keys (without per-group topic creation keys). */
    public static ConfigDef configDef(Plugins plugins) {
        return configDef(plugins, Defaults.NONE);
    }

    /** The same, with Apache's defaults for the connector's version and converters. */
    public static ConfigDef configDef(Plugins plugins, Defaults defaults) {
        ConfigDef.Validator atLeastZero = ConfigDef.Range.atLeast(0);
        int order = 0;
        return ConnectorConfig.configDef(plugins, defaults)
                .define(TOPIC_CREATION_GROUPS, Type.LIST, List.of(), ConfigDef.CompositeValidator.of(
                                new ConfigDef.NonNullValidator(), ConfigDef.LambdaValidator.with((name, value) -> {
                                    List<?> groups = (List<?>) value;
                                    if (groups.size() > new HashSet<>(groups).size()) {
                                        throw new ConfigException(name, value, "Duplicate alias provided.");
                                    }
                                }, () -> "unique topic creation groups")),
                        Importance.LOW, "Groups of configurations for topics created by source connectors",
                        TOPIC_CREATION_GROUP, ++order, Width.LONG, "Topic Creation Groups")
                .define(EXACTLY_ONCE_SUPPORT, Type.STRING, "requested",
                        ConfigDef.CaseInsensitiveValidString.in("requested", "required"), Importance.MEDIUM,
                        "Permitted values are requested, required. If set to \"required\", forces a preflight check "
                                + "for the connector to ensure that it can provide exactly-once semantics with the given "
                                + "configuration. Some connectors may be capable of providing exactly-once semantics but "
                                + "not signal to Connect that they support this; in that case, documentation for the "
                                + "connector should be consulted carefully before creating it, and the value for this "
                                + "property should be set to \"requested\". Additionally, if the value is set to "
                                + "\"required\" but the worker that performs preflight validation does not have "
                                + "exactly-once support enabled for source connectors, requests to create or validate "
                                + "the connector will fail.",
                        EXACTLY_ONCE_SUPPORT_GROUP, ++order, Width.SHORT, "Exactly once support")
                .define(TRANSACTION_BOUNDARY, Type.STRING, TransactionBoundary.DEFAULT.toString(),
                        ConfigDef.CaseInsensitiveValidString.in("poll", "interval", "connector"), Importance.MEDIUM,
                        "Permitted values are: poll, interval, connector. If set to 'poll', a new producer transaction "
                                + "will be started and committed for every batch of records that each task from this "
                                + "connector provides to Connect. If set to 'connector', relies on connector-defined "
                                + "transaction boundaries; note that not all connectors are capable of defining their "
                                + "own transaction boundaries, and in that case, attempts to instantiate a connector "
                                + "with this value will fail. Finally, if set to 'interval', commits transactions only "
                                + "after a user-defined time interval has passed.",
                        EXACTLY_ONCE_SUPPORT_GROUP, ++order, Width.SHORT, "Transaction Boundary")
                .define(TRANSACTION_BOUNDARY_INTERVAL_MS, Type.LONG, null, ConfigDef.LambdaValidator.with(
                                (name, value) -> {
                                    if (value != null) {
                                        atLeastZero.ensureValid(name, value);
                                    }
                                }, atLeastZero::toString),
                        Importance.LOW, "If 'transaction.boundary' is set to 'interval', determines the interval for "
                                + "producer transaction commits by connector tasks. If unset, defaults to the value of "
                                + "the worker-level 'offset.flush.interval.ms' property. It has no effect if a different "
                                + "transaction.boundary is specified.",
                        EXACTLY_ONCE_SUPPORT_GROUP, ++order, Width.SHORT, "Transaction boundary interval")
                .define(OFFSETS_STORAGE_TOPIC, Type.STRING, null, new ConfigDef.NonEmptyString(), Importance.LOW,
                        "The name of a separate offsets topic to use for this connector. If empty or not specified, "
                                + "the worker’s global offsets topic name will be used. If specified, the offsets topic "
                                + "will be created if it does not already exist on the Kafka cluster targeted by this "
                                + "connector (which may be different from the one used for the worker's global offsets "
                                + "topic if the bootstrap.servers property of the connector's producer has been "
                                + "overridden from the worker's). " + OFFSETS_TOPIC_IN_STANDALONE,
                        OFFSETS_TOPIC_GROUP, 1, Width.LONG, "Offsets topic");
    }

    /**
     * The source keys plus, when the config uses topic creation ({@code topic.creation.*} keys), the
     * default group's keys (replication factor and partitions required) and each listed group's keys.
     */
    public static ConfigDef enrichedConfigDef(Plugins plugins, Map<String, String> props) {
        return enrichedConfigDef(plugins, props, Defaults.NONE);
    }

    /** The same, with Apache's defaults for the connector's version and converters. */
    public static ConfigDef enrichedConfigDef(Plugins plugins, Map<String, String> props, Defaults connectorDefaults) {
        ConfigDef def = configDef(plugins, connectorDefaults);
        if (!usesTopicCreation(props)) {
            return def;
        }
        def.embed(DEFAULT_TOPIC_CREATION_PREFIX, DEFAULT_GROUP, 0, TopicCreationGroups.defaultGroupDef());
        short defaultReplication = -1;
        int defaultPartitions = -1;
        try {
            ConfigDef defaultGroupOnly = new ConfigDef();
            defaultGroupOnly.embed(DEFAULT_TOPIC_CREATION_PREFIX, DEFAULT_GROUP, 0, TopicCreationGroups.defaultGroupDef());
            AbstractConfig defaults = new AbstractConfig(defaultGroupOnly, props, false);
            defaultReplication = defaults.getShort(DEFAULT_TOPIC_CREATION_PREFIX + REPLICATION_FACTOR);
            defaultPartitions = defaults.getInt(DEFAULT_TOPIC_CREATION_PREFIX + PARTITIONS);
        } catch (ConfigException e) {
            // the default group is incomplete or invalid: validation reports it on its own keys
        }
        for (String group : topicCreationGroups(props)) {
            String configGroup = TOPIC_CREATION_GROUP + ": " + group;
            def.embed(TOPIC_CREATION_PREFIX + group + ".", configGroup, 0,
                    TopicCreationGroups.groupDef(configGroup, defaultReplication, defaultPartitions));
        }
        return def;
    }

    /** Whether any topic.creation.* key is set. */
    public static boolean usesTopicCreation(Map<String, String> props) {
        return props.keySet().stream().anyMatch(k -> k.startsWith(TOPIC_CREATION_PREFIX));
    }

    /** The listed topic creation groups without "default", which always exists. */
    public static List<String> topicCreationGroups(Map<String, String> props) {
        Object parsed;
        try {
            parsed = ConfigDef.parseType(TOPIC_CREATION_GROUPS, props.get(TOPIC_CREATION_GROUPS), Type.LIST);
        } catch (ConfigException e) {
            return List.of();
        }
        if (!(parsed instanceof List<?> list)) {
            return List.of();
        }
        LinkedHashSet<String> groups = new LinkedHashSet<>();
        for (Object o : list) {
            groups.add(o.toString());
        }
        groups.remove(DEFAULT_GROUP);
        return new ArrayList<>(groups);
    }

    /** The default group matches every topic; include/exclude given for it are ignored, as in Apache. */
    private static Map<String, String> withoutDefaultGroupRegexes(Map<String, String> props) {
        Map<String, String> copy = new HashMap<>(props);
        copy.remove(DEFAULT_TOPIC_CREATION_PREFIX + INCLUDE);
        copy.remove(DEFAULT_TOPIC_CREATION_PREFIX + EXCLUDE);
        return copy;
    }

    public boolean usesTopicCreation() {
        return usesTopicCreation(originalsStrings());
    }

    public List<String> topicCreationGroups() {
        return topicCreationGroups(originalsStrings());
    }

    public List<String> topicCreationInclude(String group) {
        return getList(TOPIC_CREATION_PREFIX + group + "." + INCLUDE);
    }

    public List<String> topicCreationExclude(String group) {
        return getList(TOPIC_CREATION_PREFIX + group + "." + EXCLUDE);
    }

    public Short topicCreationReplicationFactor(String group) {
        return getShort(TOPIC_CREATION_PREFIX + group + "." + REPLICATION_FACTOR);
    }

    public Integer topicCreationPartitions(String group) {
        return getInt(TOPIC_CREATION_PREFIX + group + "." + PARTITIONS);
    }

    /** Topic configs for a group (every key under its prefix but include/exclude/replication/partitions). */
    public Map<String, String> topicCreationOtherConfigs(String group) {
        Map<String, String> result = new HashMap<>();
        originalsWithPrefix(TOPIC_CREATION_PREFIX + group + ".").forEach((k, v) -> result.put(k, String.valueOf(v)));
        result.keySet().removeAll(List.of(INCLUDE, EXCLUDE, REPLICATION_FACTOR, PARTITIONS));
        return result;
    }

    public TransactionBoundary transactionBoundary() {
        return TransactionBoundary.fromProperty(getString(TRANSACTION_BOUNDARY));
    }

    public Long transactionBoundaryInterval() {
        return getLong(TRANSACTION_BOUNDARY_INTERVAL_MS);
    }

    /** The connector's own offsets topic, or null for the worker's. */
    public String offsetsTopic() {
        return getString(OFFSETS_STORAGE_TOPIC);
    }
}
