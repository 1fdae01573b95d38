package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.lang.management.ManagementFactory;
import java.util.Map;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.junit.jupiter.api.Test;

/**
 * What a worker's stores cost its start: every Kafka client is a thread, a config parse and metadata round trips on
 * the way to REST ready, so the stores open only the clients their first read needs.
 */
class WorkerStoresIT {

    @Test
    void startedStoresShareOneAdminClientAndOpenAProducerOnlyWhenTheyWrite() {
        String group = KafkaTestBroker.uniqueTopic("stores");
        WorkerConfig config = new WorkerConfig(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", group,
                "config.storage.topic", group + "-configs",
                "offset.storage.topic", group + "-offsets",
                "status.storage.topic", group + "-status",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        int adminsBefore = clients("kafka.admin.client:type=admin-client-metrics,*");
        int producersBefore = clients("kafka.producer:type=producer-metrics,*");

        try (WorkerStores stores = WorkerStores.create(config, KafkaTestBroker.bootstrapServers())) {
            stores.start();

            assertEquals(1, clients("kafka.admin.client:type=admin-client-metrics,*") - adminsBefore,
                    "admin clients opened by the three stores and the cluster id look-up");
            assertEquals(0, clients("kafka.producer:type=producer-metrics,*") - producersBefore,
                    "producers opened by stores that wrote nothing");

            stores.configs().putConnectorConfig("written", Map.of("connector.class", "Anything"), TargetState.STARTED);

            assertEquals(Map.of("connector.class", "Anything"),
                    stores.configs().snapshot().connectorConfigs().get("written"), "the write, read back by the store");
            assertEquals(1, clients("kafka.producer:type=producer-metrics,*") - producersBefore,
                    "producers once the config store wrote");
        }
        assertEquals(adminsBefore, clients("kafka.admin.client:type=admin-client-metrics,*"), "admin clients left open");
        assertEquals(producersBefore, clients("kafka.producer:type=producer-metrics,*"), "producers left open");
    }

    /**
     * A worker's first start creates its three topics in one CreateTopics request (one controller commit on the way to
     * REST ready, not three), each with its own settings; the next start finds them. The request count is not
     * asserted: the broker's request metrics are JMX names shared by every broker a test JVM starts, and another
     * test's broker closing unregisters them (CI counted 0 for a single request).
     */
    @Test
    void aFirstStartCreatesItsThreeTopicsEachWithItsOwnSettingsAndTheNextStartFindsThem() throws Exception {
        String group = KafkaTestBroker.uniqueTopic("first-start");
        WorkerConfig config = new WorkerConfig(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "group.id", group,
                "offset.storage.partitions", "5",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        try (WorkerStores stores = WorkerStores.create(config, KafkaTestBroker.bootstrapServers())) {
            stores.start();
            try (org.apache.kafka.clients.admin.Admin admin = KafkaTestBroker.admin()) {
                Map<String, Integer> partitions = new java.util.TreeMap<>();
                admin.describeTopics(java.util.List.of(group + "-configs", group + "-offsets", group + "-status"))
                        .allTopicNames().get().forEach((name, topic) -> partitions.put(name, topic.partitions().size()));
                assertEquals(Map.of(group + "-configs", 1, group + "-offsets", 5, group + "-status", 5), partitions,
                        "the topics created, each with its own settings");
            }
        }
        try (WorkerStores again = WorkerStores.create(config, KafkaTestBroker.bootstrapServers())) {
            again.start(); // the next start finds them: one request again, answered "exists" for each
            again.configs().putConnectorConfig("written", Map.of("connector.class", "Anything"), TargetState.STARTED);
            assertEquals(Map.of("connector.class", "Anything"),
                    again.configs().snapshot().connectorConfigs().get("written"), "a write to the found config topic");
        }
    }

    @Test
    void kafkaThatNeverAnswersIsNamedWithWhatToCheckNotANullMessageAndTheStoresCloseAtOnce() throws Exception {
        String nobody;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            nobody = "127.0.0.1:" + free.getLocalPort(); // closed again: nothing listens there
        }
        // storage.timeout.ms set short: the story is the message and the close, not how long the default is
        WorkerConfig config = new WorkerConfig(Map.of("bootstrap.servers", nobody, "storage.timeout.ms", "3000",
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
        WorkerStores stores = WorkerStores.create(config, nobody);
        try {
            org.apache.kafka.connect.errors.ConnectException refused =
                    org.junit.jupiter.api.Assertions.assertThrows(org.apache.kafka.connect.errors.ConnectException.class,
                            stores::start);
            assertEquals("Cannot reach Kafka at " + nobody + ": no answer within 3 s; check bootstrap.servers and "
                    + "that the brokers are up", refused.getMessage());
        } finally {
            long began = System.nanoTime();
            stores.close();
            long tookMs = (System.nanoTime() - began) / 1_000_000;
            // the admin client's look-up stayed pending to its own 60 s timeout, and close waited 30 s more for it
            assertTrue(tookMs < 10_000, "closed after " + tookMs + " ms");
        }
    }

    private static int clients(String pattern) {
        try {
            return ManagementFactory.getPlatformMBeanServer().queryNames(new ObjectName(pattern), null).size();
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException(pattern, e);
        }
    }
}
