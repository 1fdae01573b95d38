package io.sluice.runtime.storage;

import io.sluice.runtime.kafka.TopicAdmin;
import java.util.Map;

/** Where a store keeps its state: a compacted topic, created with these settings when missing. */
public record CompactedTopic(String name, int partitions, short replicationFactor) {

    /** Creates the topic if missing and checks it is compacted; returns its partition count. */
    int ensure(Map<String, Object> clientConfig) {
        try (TopicAdmin admin = new TopicAdmin(clientConfig)) {
            admin.ensureCompactedTopic(name, partitions, replicationFactor);
            return admin.awaitTopic(name).partitions().size();
        }
    }
}
