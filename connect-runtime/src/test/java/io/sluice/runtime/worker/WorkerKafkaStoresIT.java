package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.ConfigProviders;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.storage.KafkaOffsetStore;
import io.sluice.runtime.storage.KafkaStatusStore;
import io.sluice.runtime.storage.TaskStatus;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/** The worker with the Kafka-backed offset and status stores: what it commits survives a new worker. */
class WorkerKafkaStoresIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final String offsetTopic = KafkaTestBroker.uniqueTopic("offsets");
    private final String statusTopic = KafkaTestBroker.uniqueTopic("status");

    private Worker worker(KafkaOffsetStore offsets, KafkaStatusStore statuses) {
        return worker(offsets, statuses, Map.of());
    }

    private Worker worker(KafkaOffsetStore offsets, KafkaStatusStore statuses, Map<String, String> extra) {
        Map<String, String> props = TestWorkers.workerProps();
        props.putAll(extra);
        WorkerConfig config = new WorkerConfig(props);
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
        TestWorkers.MadeTaskConfigs made = new TestWorkers.MadeTaskConfigs();
        worker.startConnector(id.connector(), config, TargetState.STARTED, made);
        worker.startTask(new TaskSpec(id, config, made.next().get(0)), TargetState.STARTED);
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

    @Test
    void aTaskDefiningItsTransactionsCommitsAndAbortsWhereItSays() {
        String name = TestWorkers.uniqueName("boundaries");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("boundaries"), 1);
        ConnectorTaskId id = new ConnectorTaskId(name, 0);
        Map<String, String> config = Map.of("name", name, "connector.class", BoundarySourceConnector.class.getName(),
                "tasks.max", "1", "topic", topic, "transaction.boundary", "connector");
        Map<String, Object> partition = Map.of("source", name);
        try (KafkaOffsetStore offsets = offsetStore(); KafkaStatusStore statuses = statusStore();
             Worker worker = worker(offsets, statuses, Map.of("exactly.once.source.support", "enabled"))) {
            run(worker, id, config);
            Await.until(() -> Map.of("n", 199L).equals(offsets.offsets(name).get(partition)), WAIT,
                    "the last transaction's offset in Kafka");
        }
        List<String> expected = IntStream.range(0, BoundarySourceConnector.COUNT)
                .filter(n -> n < BoundarySourceConnector.ABORTED_FROM || n > BoundarySourceConnector.ABORTED_TO)
                .mapToObj(Integer::toString).toList();
        assertEquals(expected, readCommitted(topic, expected.size()),
                "committed transactions only, without the aborted one's records");
    }

    @Test
    void theProducerOfATaskAConnectorNoLongerHasIsFenced() {
        String name = TestWorkers.uniqueName("shrunk");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("shrunk"), 1);
        Map<String, String> config = Map.of("name", name, "connector.class", TestSourceConnector.class.getName(),
                "tasks.max", "2", "topic", topic);
        // the zombie: task 1's transactional producer, mid-transaction, when the connector drops to one task
        try (KafkaProducer<String, String> zombie = new KafkaProducer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(),
                "transactional.id", "connect-cluster-" + name + "-1"), new StringSerializer(), new StringSerializer());
             KafkaOffsetStore offsets = offsetStore(); KafkaStatusStore statuses = statusStore();
             Worker worker = worker(offsets, statuses, Map.of("exactly.once.source.support", "enabled"))) {
            zombie.initTransactions();
            zombie.beginTransaction();
            zombie.send(new ProducerRecord<>(topic, "written by a zombie"));
            worker.fenceRemovedTasks(name, config, 2, 1);
            assertThrows(KafkaException.class, zombie::commitTransaction, "the zombie cannot commit");
        }
        assertEquals(List.of(), readCommitted(topic, 0), "nothing of the zombie's transaction is visible");
    }

    private static List<String> readCommitted(String topic, int count) {
        List<String> values = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(Map.of(
                "bootstrap.servers", KafkaTestBroker.bootstrapServers(), "isolation.level", "read_committed",
                "auto.offset.reset", "earliest", "group.id", KafkaTestBroker.uniqueTopic("committed-reader")),
                new StringDeserializer(), new StringDeserializer())) {
            consumer.subscribe(List.of(topic));
            long deadline = System.nanoTime() + WAIT.toNanos();
            int quietPolls = 0;
            // past the count, a few quiet polls catch anything that should not be there
            while (System.nanoTime() < deadline && (values.size() < count || quietPolls < 3)) {
                int before = values.size();
                consumer.poll(Duration.ofMillis(500)).forEach(r -> values.add(r.value()));
                quietPolls = values.size() == before ? quietPolls + 1 : 0;
            }
        }
        return values;
    }
}
