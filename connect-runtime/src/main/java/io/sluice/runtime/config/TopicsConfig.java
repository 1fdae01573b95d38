package io.sluice.runtime.config;

import java.util.List;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Range;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigException;

/**
 * The worker keys of topic peek and produce over REST: which topics, how many records, whether writing is allowed.
 * Part of the worker's one definition: parsed and validated with it, read through {@link WorkerConfig#topics()}.
 */
public final class TopicsConfig {
    public static final String PEEK_ENABLE = "rest.topics.peek.enable";
    public static final String PRODUCE_ENABLE = "rest.topics.produce.enable";
    public static final String PEEK_MAX_RECORDS = "rest.topics.peek.max.records";
    public static final String PEEK_ALLOW = "rest.topics.peek.allow";
    public static final String PEEK_DENY = "rest.topics.peek.deny";

    public static final ConfigDef DEFINITION = new ConfigDef()
            .define(PEEK_ENABLE, Type.BOOLEAN, true, Importance.MEDIUM,
                    "Allow reading records of topics over REST (GET /topics/...), those rest.topics.peek.allow and "
                            + "rest.topics.peek.deny let through. Behind the REST authentication.")
            .define(PRODUCE_ENABLE, Type.BOOLEAN, false, Importance.MEDIUM,
                    "Allow writing records over REST (POST /topics/{topic}/records) to the topics that may be read. "
                            + "Off by default.")
            .define(PEEK_ALLOW, Type.LIST, List.of(".*"), new Patterns(), Importance.MEDIUM,
                    "Topics that may be read (and, with rest.topics.produce.enable, written) over REST: Java regular "
                            + "expressions matched against the whole topic name. This worker's config, offsets and status "
                            + "topics, every connector's offsets.storage.topic, topics named like any Connect cluster's "
                            + "(*-configs, *-offsets, *-status, *_statuses, with '-', '_' or '.' before the word; "
                            + "MirrorMaker 2's mm2-*.internal) and Kafka's own (__*) hold connector configs with their "
                            + "secrets, offsets or statuses: they are refused (403) unless an entry of this list is "
                            + "exactly their name. Whatever topic is read, a connector config in it is shown with its "
                            + "secrets masked. To peek at one of them, keep .* in the list beside its name: "
                            + ".*,connect-cluster-configs.")
            .define(PEEK_DENY, Type.LIST, List.of(), new Patterns(), Importance.MEDIUM,
                    "Topics refused over REST even when rest.topics.peek.allow lets them through (Java regular "
                            + "expressions matched against the whole name), e.g. another Connect cluster's internal "
                            + "topics on the same Kafka cluster, or any topic that holds secrets.")
            .define(PEEK_MAX_RECORDS, Type.INT, 1000, Range.between(1, 100_000), Importance.LOW,
                    "The most records one peek request returns.");

    private final WorkerConfig worker;

    TopicsConfig(WorkerConfig worker) {
        this.worker = worker;
    }

    public boolean peekEnabled() {
        return worker.getBoolean(PEEK_ENABLE);
    }

    public boolean produceEnabled() {
        return worker.getBoolean(PRODUCE_ENABLE);
    }

    public int peekMaxRecords() {
        return worker.getInt(PEEK_MAX_RECORDS);
    }

    /** The regular expressions of the topics that may be read (validated at start-up). */
    public List<String> peekAllow() {
        return worker.getList(PEEK_ALLOW);
    }

    public List<String> peekDeny() {
        return worker.getList(PEEK_DENY);
    }

    /** Each entry of a list must be a valid regular expression. */
    private static final class Patterns implements ConfigDef.Validator {
        @Override
        public void ensureValid(String name, Object value) {
            for (Object entry : (List<?>) value) {
                try {
                    Pattern.compile(entry.toString());
                } catch (PatternSyntaxException e) {
                    throw new ConfigException(name, entry, "not a valid regular expression: " + e.getDescription());
                }
            }
        }

        @Override
        public String toString() {
            return "a list of regular expressions";
        }
    }
}
