package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.KafkaOffsetStore;
import io.sluice.runtime.storage.KafkaStatusStore;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;

/** The worker with the Kafka-backed offset and status stores: what it commits survives a new worker. */
class WorkerKafkaStoresIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String offsetTopic = KafkaTestBroker.uniqueTopic("offsets");
    private final String statusTopic = KafkaTestBroker.uniqueTopic("status");

    private Worker worker(KafkaOffsetStore offsets, KafkaStatusStore statuses) {
        WorkerConfig config = new WorkerConfig(TestWorkers.workerProps());
        Plugins plugins = new Plugins(List.of(), "only_scan");
        Worker worker = new Worker("kafka-stores-worker", config, KafkaTestBroker.bootstrapServers(), plugins,
                new ConfigProviders(config, plugins), offsets, statuses);
        worker.start();
        return worker;
    }

    private KafkaOffsetStore offsetStore() {
        KafkaOffsetStore store = new KafkaOffsetStore(KafkaTestBroker.clientConfig(), offsetTopic, 1, (short) 1);
        store.start();
        return store;
    }

    private KafkaStatusStore statusStore() {
        KafkaStatusStore store = new KafkaStatusStore(KafkaTestBroker.clientConfig(), statusTopic, 1, (short) 1);
        store.start();
        return store;
    }

    private static void run(Worker worker, ConnectorTaskId id, Map<String, String> config) {
        worker.startConnector(id.connector(), config, TargetState.STARTED, c -> { });
        worker.startTask(id, config, worker.connectorTaskConfigs(id.connector(), 1).get(0), TargetState.STARTED);
    }

    @Test
    void aNewWorkerResumesTheSourceFromOffsetsCommittedToKafka() {
        String name = TestWorkers.uniqueName("durable");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("durable"), 1);
        ConnectorTaskId id = new ConnectorTaskId(name, 0);
        Map<String, String> config = new HashMap<>(Map.of("name", name, "connector.class", TestSourceConnector.class.getName(),
                "tasks.max", "1", "topic", topic, "count", "20"));
        Map<String, Object> partition = Map.of("source", name);

        try (KafkaOffsetStore offsets = offsetStore(); KafkaStatusStore statuses = statusStore();
             Worker first = worker(offsets, statuses)) {
            run(first, id, config);
            Await.until(() -> Map.of("n", 19L).equals(offsets.offsets(name).get(partition)), WAIT, "offsets in Kafka");
        }

        config.put("count", "30");
        try (KafkaOffsetStore offsets = offsetStore(); KafkaStatusStore statuses = statusStore();
             Worker second = worker(offsets, statuses)) {
            run(second, id, config);
            Await.until(() -> Map.of("n", 29L).equals(offsets.offsets(name).get(partition)), WAIT, "second run's offsets");
            assertEquals(Map.of("n", 19L), TestSourceConnector.observed(name).startOffset);
        }
        List<String> values = KafkaTestBroker.consumeAll(topic, 30, WAIT).stream().map(ConsumerRecord::value).toList();
        assertEquals(30, values.size());
        assertEquals(30, values.stream().distinct().count(), "no record written twice");
    }

    @Test
    void aFailedTaskTraceIsReadableFromTheStatusTopic() {
        String name = TestWorkers.uniqueName("durablefail");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("durablefail"), 1);
        ConnectorTaskId id = new ConnectorTaskId(name, 0);
        Map<String, String> config = Map.of("name", name, "connector.class", TestSourceConnector.class.getName(),
                "tasks.max", "1", "topic", topic, "fail.on.poll", "true");
        try (KafkaOffsetStore offsets = offsetStore(); KafkaStatusStore statuses = statusStore();
             Worker worker = worker(offsets, statuses)) {
            run(worker, id, config);
            try (KafkaStatusStore reader = statusStore()) {
                Await.until(() -> {
                    TaskStatus s = reader.get(id);
                    return s != null && s.state() == State.FAILED;
                }, WAIT, "FAILED status in the status topic");
                assertTrue(reader.get(id).trace().contains("poll failed on purpose"));
                assertEquals(State.RUNNING, reader.get(name).state());
            }
        }
    }
}
