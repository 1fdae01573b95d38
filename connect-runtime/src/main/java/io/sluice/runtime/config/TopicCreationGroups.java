package io.sluice.runtime.config;

import java.util.List;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The keys of one topic creation group (include, exclude, replication.factor, partitions), as Apache defines them. */
final class TopicCreationGroups {

    private static final String INCLUDE_DOC = "A list of strings that represent regular expressions that may match "
            + "topic names. This list is used to include topics that match their values and apply this group's specific "
            + "configuration to the topics that match this inclusion list. $alias applies to any group defined in "
            + "topic.creation.groups but not the default";
    private static final String EXCLUDE_DOC = "A list of strings that represent regular expressions that may match "
            + "topic names. This list is used to exclude topics that match their values and refrain from applying this "
            + "group's specific configuration to the topics that match this exclusion list. $alias applies to any group "
            + "defined in topic.creation.groups but not the default. Note that exclusion rules have precedent and "
            + "override any inclusion rules for topics. ";
    private static final String REPLICATION_DOC = "The replication factor for new topics created for this connector. "
            + "This value must not be larger than the number of brokers in the Kafka cluster, or otherwise an error will "
            + "be thrown when the connector will attempt to create a topic. For the default group this configuration is "
            + "required. For any other group defined in topic.creation.groups this config is optional and if it's "
            + "missing it gets the value the default group";
    private static final String PARTITIONS_DOC = "The number of partitions new topics created for this connector. For "
            + "the default group this configuration is required. For any other group defined in topic.creation.groups "
            + "this config is optional and if it's missing it gets the value the default group";

    private static final ConfigDef.Validator MINUS_ONE_OR_POSITIVE = ConfigDef.LambdaValidator.with((name, value) -> {
        if (value == null) {
            return; // a missing required value is reported as missing
        }
        if (!(value instanceof Number number)) {
            throw new ConfigException(name, value, "Value is not of type Integer");
        }
        long n = number.longValue();
        if (n != -1 && n < 1) {
            throw new ConfigException(name, value, "Value must be -1 or at least 1");
        }
    }, () -> "-1 or [1,...]");

    private TopicCreationGroups() {
    }

    static ConfigDef groupDef(String group, short defaultReplication, int defaultPartitions) {
        return define(group, List.of(), defaultReplication, defaultPartitions);
    }

    static ConfigDef defaultGroupDef() {
        return define(SourceConnectorConfig.DEFAULT_GROUP, ".*", ConfigDef.NO_DEFAULT_VALUE, ConfigDef.NO_DEFAULT_VALUE);
    }

    private static ConfigDef define(String group, Object includeDefault, Object replicationDefault, Object partitionsDefault) {
        int order = 0;
        return new ConfigDef()
                .define(SourceConnectorConfig.INCLUDE, Type.LIST, includeDefault, new ConfigDef.NonNullValidator(),
                        Importance.LOW, INCLUDE_DOC, group, ++order, Width.LONG, "Inclusion Topic Pattern for " + group)
                .define(SourceConnectorConfig.EXCLUDE, Type.LIST, List.of(), new ConfigDef.NonNullValidator(),
                        Importance.LOW, EXCLUDE_DOC, group, ++order, Width.LONG, "Exclusion Topic Pattern for " + group)
                .define(SourceConnectorConfig.REPLICATION_FACTOR, Type.SHORT, replicationDefault, MINUS_ONE_OR_POSITIVE,
                        Importance.LOW, REPLICATION_DOC, group, ++order, Width.LONG,
                        "Replication Factor for Topics in " + group)
                .define(SourceConnectorConfig.PARTITIONS, Type.INT, partitionsDefault, MINUS_ONE_OR_POSITIVE,
                        Importance.LOW, PARTITIONS_DOC, group, ++order, Width.LONG, "Partition Count for Topics in " + group);
    }
}
