package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

class KafkaConfigStoreIT {

    private static final Map<String, String> CONFIG = Map.of("connector.class", "FileStreamSource", "tasks.max", "2");
    private final String topic = KafkaTestBroker.uniqueTopic("configs");

    private KafkaConfigStore newStore() {
        KafkaConfigStore store = new KafkaConfigStore(KafkaTestBroker.clientConfig(), topic, 1, (short) 1);
        store.start();
        return store;
    }

    @Test
    void writesAreInTheSnapshotAsSoonAsTheyReturn() {
        try (KafkaConfigStore store = newStore()) {
            store.putConnectorConfig("src", CONFIG, TargetState.PAUSED);
            store.putTaskConfigs("src", List.of(Map.of("task", "0"), Map.of("task", "1"))).join();

            ClusterConfigState snapshot = store.snapshot();
            assertEquals(CONFIG, snapshot.connectorConfigs().get("src"));
            assertEquals(TargetState.PAUSED, snapshot.targetState("src"));
            assertEquals(List.of(Map.of("task", "0"), Map.of("task", "1")), snapshot.taskConfigs("src"));
            assertTrue(snapshot.offset() >= 0);
        }
    }

    @Test
    void aNewStoreInstanceReadsConfigsTargetStatesAndTasksBack() {
        try (KafkaConfigStore store = newStore()) {
            store.putConnectorConfig("src", CONFIG, null);
            store.putTargetState("src", TargetState.STOPPED);
            store.putTaskConfigs("src", List.of(Map.of("task", "0"))).join();
        }
        try (KafkaConfigStore reopened = newStore()) {
            ClusterConfigState snapshot = reopened.snapshot();
            assertEquals(CONFIG, snapshot.connectorConfigs().get("src"));
            assertEquals(TargetState.STOPPED, snapshot.targetState("src"));
            assertEquals(List.of(Map.of("task", "0")), snapshot.taskConfigs("src"));
        }
    }

    @Test
    void removedConnectorsStayRemovedAfterRestart() {
        try (KafkaConfigStore store = newStore()) {
            store.putConnectorConfig("gone", CONFIG, TargetState.PAUSED);
            store.putTaskConfigs("gone", List.of(Map.of("task", "0"))).join();
            store.putConnectorConfig("kept", CONFIG, TargetState.STARTED);

            store.removeConnectorConfig("gone");

            assertFalse(store.snapshot().contains("gone"));
            assertEquals(List.of(), store.snapshot().taskConfigs("gone"));
        }
        try (KafkaConfigStore reopened = newStore()) {
            assertFalse(reopened.snapshot().contains("gone"));
            assertTrue(reopened.snapshot().contains("kept"));
            assertEquals(TargetState.STARTED, reopened.snapshot().targetState("gone"));
        }
    }

    @Test
    void taskConfigsWithoutTheirCommitRecordNeverBecomeVisible() {
        try (KafkaConfigStore store = newStore()) {
            store.putConnectorConfig("src", CONFIG, TargetState.STARTED);
            store.putTaskConfigs("src", List.of(Map.of("generation", "1"))).join();
            // a writer that died after one of two task records of a newer set
            KafkaTestBroker.produce(topic, List.of(Map.entry("task-src-0", "{\"properties\":{\"generation\":\"2\"}}")));
            store.putTargetState("src", TargetState.PAUSED);

            assertEquals(List.of(Map.of("generation", "1")), store.snapshot().taskConfigs("src"));

            KafkaTestBroker.produce(topic, List.of(Map.entry("commit-src", "{\"tasks\":2}")));
            store.putTargetState("src", TargetState.STARTED);
            assertEquals(List.of(Map.of("generation", "1")), store.snapshot().taskConfigs("src"),
                    "a commit naming a task that was never written is ignored");

            store.putTaskConfigs("src", List.of(Map.of("generation", "3"), Map.of("generation", "3"))).join();
            assertEquals(2, store.snapshot().taskConfigs("src").size());
        }
        try (KafkaConfigStore reopened = newStore()) {
            assertEquals(List.of(Map.of("generation", "3"), Map.of("generation", "3")), reopened.snapshot().taskConfigs("src"));
        }
    }

    @Test
    void listenerHearsEveryChangeIncludingOwnWritesBeforeTheWriteReturns() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (KafkaConfigStore store = newStore()) {
            store.setListener(new RecordingListener(events));

            store.putConnectorConfig("src", CONFIG, null);
            assertEquals(List.of("update src"), events);
            store.putTargetState("src", TargetState.PAUSED);
            store.putTaskConfigs("src", List.of(Map.of("task", "0"))).join();
            store.removeConnectorConfig("src");

            assertEquals(List.of("update src", "state src", "tasks src", "remove src"), events);
        }
    }

    @Test
    void listenerHearsChangesWrittenByAnotherWorker() {
        List<String> events = new CopyOnWriteArrayList<>();
        try (KafkaConfigStore mine = newStore(); KafkaConfigStore other = newStore()) {
            mine.setListener(new RecordingListener(events));

            other.putConnectorConfig("theirs", CONFIG, TargetState.STARTED);

            Await.until(() -> events.contains("update theirs"), Duration.ofSeconds(30), "update event from the other store");
            Await.until(() -> mine.snapshot().contains("theirs"), Duration.ofSeconds(30), "other store's connector in snapshot");
        }
    }

    @Test
    void restartRequestsAndSessionKeysReachOtherWorkersInApacheFormat() {
        List<String> events = new CopyOnWriteArrayList<>();
        SessionKey key = new SessionKey(new byte[] {1, 2, 3, 4}, "HmacSHA256", 42);
        try (KafkaConfigStore mine = newStore(); KafkaConfigStore other = newStore()) {
            mine.setListener(new RecordingListener(events));
            other.putConnectorConfig("src", CONFIG, TargetState.STARTED);
            other.putRestartRequest(new ConfigStore.RestartRequest("src", true, false));
            other.putSessionKey(key);

            Await.until(() -> events.contains("restart src tasks=true onlyFailed=false") && events.contains("key 42"),
                    Duration.ofSeconds(30), "restart and session key events from the other store: " + events);
            assertEquals(key, mine.sessionKey());
        }
        try (KafkaConfigStore reopened = newStore()) {
            assertEquals(key, reopened.sessionKey(), "the key is state: a restarted worker has it");
        }
        List<String> records = KafkaTestBroker.consumeAll(topic, 4, Duration.ofSeconds(30)).stream()
                .map(r -> r.key() + "=" + r.value()).toList();
        assertTrue(records.contains("restart-connector-src={\"include-tasks\":true,\"only-failed\":false}"), records::toString);
        assertTrue(records.contains("session-key={\"key\":\"AQIDBA==\",\"algorithm\":\"HmacSHA256\","
                + "\"creation-timestamp\":42}"), records::toString);
    }

    /**
     * Apache's workers count only config records they can read as JSON towards their config position (the
     * offset every worker reports when it joins and every assignment names); a Sluice worker counting a
     * malformed last record one further than them would make an Apache member rejoin for ever.
     */
    @Test
    void aRecordThatIsNotJsonIsSkippedWithoutCountingTowardsTheConfigPosition() {
        try (KafkaConfigStore store = newStore()) {
            store.putConnectorConfig("src", CONFIG, null);
            long position = store.snapshot().offset();
            KafkaTestBroker.produce(topic, List.of(Map.entry("connector-broken", "not json")));
            store.readToEnd();
            assertEquals(position, store.snapshot().offset());
            assertEquals(java.util.Set.of("src"), store.snapshot().connectorConfigs().keySet());
            store.putTargetState("src", TargetState.PAUSED);
            assertEquals(position + 2, store.snapshot().offset(), "the next readable record counts again");
        }
    }

    @Test
    void aConfigTopicWithSeveralPartitionsIsRefused() {
        KafkaTestBroker.createTopic(topic, 3);
        try (KafkaConfigStore store = new KafkaConfigStore(KafkaTestBroker.clientConfig(), topic, 1, (short) 1)) {
            assertThrows(RuntimeException.class, store::start);
        }
    }

    @Test
    void closeStopsTheReaderThreadAndClientsAndMayBeRepeated() {
        KafkaConfigStore store = newStore();
        store.putConnectorConfig("src", CONFIG, TargetState.STARTED);

        store.close();
        store.close();

        List<String> left = Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("sluice-config-reader"))
                .toList();
        assertEquals(List.of(), left);
    }

    private record RecordingListener(List<String> events) implements ConfigStore.Listener {
        @Override
        public void onConnectorConfigUpdate(String connector) {
            events.add("update " + connector);
        }

        @Override
        public void onConnectorConfigRemove(String connector) {
            events.add("remove " + connector);
        }

        @Override
        public void onTargetStateChange(String connector) {
            events.add("state " + connector);
        }

        @Override
        public void onTaskConfigUpdate(String connector) {
            events.add("tasks " + connector);
        }

        @Override
        public void onRestartRequest(ConfigStore.RestartRequest request) {
            events.add("restart " + request.connector() + " tasks=" + request.includeTasks()
                    + " onlyFailed=" + request.onlyFailed());
        }

        @Override
        public void onSessionKeyUpdate(SessionKey key) {
            events.add("key " + key.creationTimestamp());
        }
    }
}
