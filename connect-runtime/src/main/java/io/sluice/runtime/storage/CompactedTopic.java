package io.sluice.runtime.storage;

import io.sluice.runtime.kafka.TopicAdmin;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.TopicDescription;

/** Where a store keeps its state: a compacted topic, created with these settings when missing. */
public record CompactedTopic(String name, int partitions, short replicationFactor) {

    /** Creates the topic if missing and checks it is compacted; returns its partition count. */
    int ensure(Map<String, Object> clientConfig) {
        try (TopicAdmin admin = new TopicAdmin(clientConfig)) {
            admin.ensureCompactedTopic(name, partitions, replicationFactor);
            TopicDescription description = admin.describeTopics(List.of(name)).get(name);
            if (description == null) {
                throw new StoreException("Topic " + name + " was created but cannot be described");
            }
            return description.partitions().size();
        }
    }
}
