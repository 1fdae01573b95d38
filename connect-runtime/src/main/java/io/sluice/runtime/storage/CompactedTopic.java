package io.sluice.runtime.storage;

import io.sluice.runtime.kafka.TopicAdmin;
import java.time.Duration;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;

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
            return ensure(admin);
        }
    }

    /** The same with an admin client the caller owns. */
    int ensure(Admin admin, Duration timeout) {
        return ensure(new TopicAdmin(admin, timeout));
    }

    private int ensure(TopicAdmin admin) {
        admin.ensureCompactedTopic(name, partitions, replicationFactor, maxMessageBytes);
        return admin.awaitTopic(name).partitions().size();
    }
}
