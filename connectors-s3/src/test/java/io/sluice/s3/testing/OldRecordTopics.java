package io.sluice.s3.testing;

import io.sluice.runtime.testing.KafkaTestBroker;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;

/**
 * Topics for records with timestamps in the past. The broker's time-based retention (7 days by default)
 * deletes segments whose newest timestamp is older, at its next check: on a topic with default settings
 * such records vanish mid-test, and consumers stall or see fewer records.
 */
public final class OldRecordTopics {

    private OldRecordTopics() {
    }

    /** Creates a topic with unlimited retention on the test broker and waits until it exists. */
    public static String create(String name, int partitions) {
        try (Admin admin = KafkaTestBroker.admin()) {
            admin.createTopics(List.of(new NewTopic(name, partitions, (short) 1)
                    .configs(Map.of("retention.ms", "-1")))).all().get(60, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("Cannot create topic " + name, e);
        }
        return name;
    }
}
