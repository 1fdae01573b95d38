package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

class KafkaStatusStoreIT {

    private final String topic = KafkaTestBroker.uniqueTopic("status");

    private KafkaStatusStore newStore() {
        KafkaStatusStore store = new KafkaStatusStore(KafkaTestBroker.clientConfig(), topic, 3, (short) 1);
        store.start();
        return store;
    }

    @Test
    void putStatusIsVisibleToGetAtOnce() {
        try (KafkaStatusStore store = newStore()) {
            store.put(new ConnectorStatus("my-conn", State.RUNNING, null, "w1:8083", 2));
            store.put(new TaskStatus(new ConnectorTaskId("my-conn", 0), State.FAILED, "boom\n\tat x", "w1:8083", 2));
            store.put(new TaskStatus(new ConnectorTaskId("my-conn", 1), State.RUNNING, null, "w1:8083", 2));

            assertEquals(new ConnectorStatus("my-conn", State.RUNNING, null, "w1:8083", 2), store.get("my-conn"));
            assertEquals("boom\n\tat x", store.get(new ConnectorTaskId("my-conn", 0)).trace());
            assertEquals(2, store.tasks("my-conn").size());
            assertNull(store.get("other"));
        }
    }

    @Test
    void aNewStoreInstanceReadsTheStatusBack() {
        TaskStatus task = new TaskStatus(new ConnectorTaskId("with-dashes-in-name", 12), State.PAUSED, null, "w2", 7);
        try (KafkaStatusStore store = newStore()) {
            store.put(new ConnectorStatus("with-dashes-in-name", State.PAUSED, null, "w2", 7));
            store.put(task);
        }
        try (KafkaStatusStore reopened = newStore()) {
            assertEquals(State.PAUSED, reopened.get("with-dashes-in-name").state());
            assertEquals(task, reopened.get(task.id()));
        }
    }

    @Test
    void removeForgetsTheConnectorAndItsTasksForGood() {
        try (KafkaStatusStore store = newStore()) {
            store.put(new ConnectorStatus("gone", State.RUNNING, null, "w1", 1));
            store.put(new TaskStatus(new ConnectorTaskId("gone", 0), State.RUNNING, null, "w1", 1));
            store.put(new ConnectorStatus("kept", State.RUNNING, null, "w1", 1));

            store.remove("gone");

            assertNull(store.get("gone"));
            assertEquals(List.of(), List.copyOf(store.tasks("gone")));
        }
        try (KafkaStatusStore reopened = newStore()) {
            assertNull(reopened.get("gone"));
            assertNull(reopened.get(new ConnectorTaskId("gone", 0)));
            assertEquals(State.RUNNING, reopened.get("kept").state());
        }
    }

    /**
     * What a leader does after each rebalance, as Apache's: the statuses of a deleted connector and of the tasks past a
     * connector's task count go. Apache's workers list every task status stored, so one left behind showed a stopped
     * connector's task RUNNING (tryout23).
     */
    @Test
    void removeUnconfiguredForgetsDeletedConnectorsAndTasksPastTheirCountForGood() {
        try (KafkaStatusStore store = newStore()) {
            store.put(new ConnectorStatus("shrunk", State.RUNNING, null, "w1", 1));
            for (int task = 0; task < 3; task++) {
                store.put(new TaskStatus(new ConnectorTaskId("shrunk", task), State.RUNNING, null, "w1", 1));
            }
            store.put(new ConnectorStatus("stopped", State.STOPPED, null, "w1", 1));
            store.put(new TaskStatus(new ConnectorTaskId("stopped", 0), State.RUNNING, null, "w1", 1));
            store.put(new ConnectorStatus("deleted", State.RUNNING, null, "w1", 1));
            store.put(new TaskStatus(new ConnectorTaskId("deleted", 0), State.UNASSIGNED, null, "w1", 1));

            store.removeUnconfigured(Map.of("shrunk", 1, "stopped", 0));

            assertEquals(Set.of(0), store.tasks("shrunk").stream().map(t -> t.id().task()).collect(Collectors.toSet()));
            assertEquals(State.STOPPED, store.get("stopped").state());
            assertEquals(List.of(), List.copyOf(store.tasks("stopped")));
            assertNull(store.get("deleted"));
        }
        try (KafkaStatusStore reopened = newStore()) {
            assertEquals(State.RUNNING, reopened.get("shrunk").state());
            assertEquals(State.RUNNING, reopened.get(new ConnectorTaskId("shrunk", 0)).state());
            assertNull(reopened.get(new ConnectorTaskId("shrunk", 1)));
            assertNull(reopened.get(new ConnectorTaskId("shrunk", 2)));
            assertNull(reopened.get(new ConnectorTaskId("stopped", 0)));
            assertEquals(State.STOPPED, reopened.get("stopped").state());
            assertNull(reopened.get("deleted"));
            assertNull(reopened.get(new ConnectorTaskId("deleted", 0)));
        }
    }

    @Test
    void recordsUseApacheConnectsKeysAndValues() {
        try (KafkaStatusStore store = newStore()) {
            store.put(new ConnectorStatus("c", State.RUNNING, null, "w1:8083", 3, "4.3.1"));
            store.put(new TaskStatus(new ConnectorTaskId("c", 0), State.RUNNING, null, "w1:8083", 3));
        }
        try (KafkaStatusStore reopened = newStore()) {
            assertEquals("4.3.1", reopened.get("c").version(), "the plugin version written with the status (KIP-891)");
        }

        Map<String, String> records = KafkaTestBroker.consumeAll(topic, 2, Duration.ofSeconds(30)).stream()
                .collect(Collectors.toMap(ConsumerRecord::key, ConsumerRecord::value));

        // Apache 4.x's status schema: the version is an optional string, written as null when unknown
        assertEquals(Set.of("status-connector-c", "status-task-c-0"), records.keySet());
        assertEquals("{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":3,"
                + "\"version\":\"4.3.1\"}", records.get("status-connector-c"));
        assertEquals("{\"state\":\"RUNNING\",\"trace\":null,\"worker_id\":\"w1:8083\",\"generation\":3,"
                + "\"version\":null}", records.get("status-task-c-0"));
    }

    @Test
    void topicsInUseAreRecordedInApachesFormatReadBackAndReset() {
        try (KafkaStatusStore store = newStore()) {
            store.put(new TopicStatus("orders.v1", "my-conn", 2, 1_700_000_000_000L));
            io.sluice.runtime.testing.Await.until(() -> store.topics("my-conn").size() == 1, Duration.ofSeconds(30),
                    "topic status read back");
        }
        ConsumerRecord<String, String> record = KafkaTestBroker.consumeAll(topic, 1, Duration.ofSeconds(30)).get(0);
        assertEquals("status-topic-orders.v1:connector-my-conn", record.key());
        assertEquals("{\"topic\":{\"name\":\"orders.v1\",\"connector\":\"my-conn\",\"task\":2,"
                + "\"discoverTimestamp\":1700000000000}}", record.value());
        try (KafkaStatusStore reopened = newStore()) {
            assertEquals(List.of(new TopicStatus("orders.v1", "my-conn", 2, 1_700_000_000_000L)),
                    List.copyOf(reopened.topics("my-conn")));
            reopened.removeTopics("my-conn");
            assertEquals(List.of(), List.copyOf(reopened.topics("my-conn")));
        }
        try (KafkaStatusStore again = newStore()) {
            assertEquals(List.of(), List.copyOf(again.topics("my-conn")), "the reset is durable");
        }
    }
}
