package io.sluice.runtime.storage;

import io.sluice.runtime.kafka.TopicAdmin;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Where a store keeps its state: a compacted topic, created with these settings when missing; maxMessageBytes, when
 * above 0, is the record size the topic must take (its max.message.bytes, raised on a topic that takes less).
 */
public record CompactedTopic(String name, int partitions, short replicationFactor, int maxMessageBytes) {

    /** A topic that takes the broker's default record size. */
    public CompactedTopic(String name, int partitions, short replicationFactor) {
        this(name, partitions, replicationFactor, 0);
    }

    /** Creates the topic if missing and checks it is compacted; returns its partition count. */
    int ensure(Map<String, Object> clientConfig) {
        try (TopicAdmin admin = new TopicAdmin(clientConfig)) {
            admin.createTopicsIfMissing(List.of(newTopic()));
            return check(admin);
        }
    }

    /** The topic as created when missing: a worker's stores create theirs in one request ({@link WorkerStores}). */
    NewTopic newTopic() {
        return TopicAdmin.newCompactedTopic(name, partitions, replicationFactor, maxMessageBytes);
    }

    /**
     * Checks that a topic the caller created (or found) is compacted, with an admin client the caller owns; returns its
     * partition count.
     */
    int check(Admin admin, Duration timeout) {
        return check(new TopicAdmin(admin, timeout));
    }

    private int check(TopicAdmin admin) {
        admin.checkCompactedTopic(name, maxMessageBytes);
        return admin.awaitTopic(name).partitions().size();
    }
}
