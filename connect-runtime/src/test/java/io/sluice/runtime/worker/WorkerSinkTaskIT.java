package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.storage.ConnectorTaskId;
import io.sluice.runtime.storage.State;
import io.sluice.runtime.storage.TargetState;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.runtime.InternalSinkRecord;
import org.apache.kafka.connect.sink.SinkRecord;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WorkerSinkTaskIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final MemoryOffsetStore offsets = new MemoryOffsetStore();
    private final MemoryStatusStore statuses = new MemoryStatusStore();
    private final Worker worker = TestWorkers.worker(offsets, statuses);

    @AfterEach
    void closeWorker() {
        worker.close();
        assertEquals(List.of(), TestWorkers.workerThreads(), "threads left behind");
    }

    private ConnectorTaskId startSink(String name, String topic, Map<String, String> extra) {
        Map<String, String> config = new HashMap<>();
        config.put("name", name);
        config.put("connector.class", TestSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics", topic);
        config.putAll(extra);
        TestWorkers.MadeTaskConfigs made = new TestWorkers.MadeTaskConfigs();
        worker.startConnector(name, config, TargetState.STARTED, made);
        Map<String, String> taskConfig = made.next().get(0);
        assertEquals(topic, taskConfig.get("topics"));
        assertEquals(TestSinkConnector.TestSinkTask.class.getName(), taskConfig.get("task.class"));
        ConnectorTaskId id = new ConnectorTaskId(name, 0);
        worker.startTask(id, config, taskConfig, TargetState.STARTED);
        return id;
    }

    private static List<String> values(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("m" + i);
        }
        return out;
    }

    private static long committedOffset(String group, TopicPartition tp) {
        try (Admin admin = KafkaTestBroker.admin()) {
            OffsetAndMetadata o = admin.listConsumerGroupOffsets(group).partitionsToOffsetAndMetadata()
                    .get(30, TimeUnit.SECONDS).get(tp);
            return o == null ? -1 : o.offset();
        } catch (Exception e) {
            return -1;
        }
    }

    @Test
    void sinkTaskReceivesEveryRecordInOrderAndCommitsItsGroupOffsets() {
        String name = TestWorkers.uniqueName("sink");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("sink"), 1);
        KafkaTestBroker.produce(topic, values(0, 100).toArray(String[]::new));

        ConnectorTaskId id = startSink(name, topic, Map.of());
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);
        Await.until(() -> observed.records.size() >= 100, WAIT, "100 records delivered");

        assertEquals(values(0, 100), observed.records.stream().map(r -> (String) r.value()).toList());
        SinkRecord last = observed.records.get(99);
        assertEquals(99, last.kafkaOffset());
        assertEquals(topic, last.originalTopic());
        assertEquals(99, last.originalKafkaOffset());
        // Apache's record type, which plugins like Debezium's JDBC sink need to find the original topic
        InternalSinkRecord internal = assertInstanceOf(InternalSinkRecord.class, last);
        assertEquals(topic, internal.context().original().topic());
        assertEquals(99, internal.context().original().offset());
        assertTrue(last.timestamp() != null && last.timestamp() > 0);
        assertEquals(State.RUNNING, statuses.state(id));
        TopicPartition tp = new TopicPartition(topic, 0);
        Await.until(() -> committedOffset("connect-" + name, tp) == 100, WAIT, "group offset committed after the last record");

        KafkaTestBroker.produce(topic, "m100");
        Await.until(() -> observed.records.size() == 101, WAIT, "a later record delivered");
        worker.stopTasks(List.of(id)).join();
        assertEquals(101, committedOffset("connect-" + name, tp), "offsets committed at stop");
        assertEquals(State.UNASSIGNED, statuses.state(id));
    }

    @Test
    void pausedSinkTaskDeliversNothingUntilResumed() {
        String name = TestWorkers.uniqueName("pausesink");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("pausesink"), 2);
        ConnectorTaskId id = startSink(name, topic, Map.of());
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);
        Await.until(() -> observed.opened.size() == 2, WAIT, "partitions assigned and opened");

        worker.setTargetState(name, TargetState.PAUSED);
        Await.until(() -> statuses.state(id) == State.PAUSED, WAIT, "task paused");
        int puts = observed.puts.get();
        KafkaTestBroker.produce(topic, values(0, 20).toArray(String[]::new));
        assertEquals(puts, observed.puts.get(), "no put while paused");
        assertEquals(0, observed.records.size());

        worker.setTargetState(name, TargetState.STARTED);
        Await.until(() -> statuses.state(id) == State.RUNNING, WAIT, "task resumed");
        Await.until(() -> observed.records.size() == 20, WAIT, "records delivered after resume");
    }

    @Test
    void putThatAsksForARetryGetsTheSameRecordsAgain() {
        String name = TestWorkers.uniqueName("retrysink");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("retrysink"), 1);
        KafkaTestBroker.produce(topic, values(0, 30).toArray(String[]::new));
        ConnectorTaskId id = startSink(name, topic, Map.of("retriable.failures", "2"));
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);

        Await.until(() -> observed.records.size() >= 30, WAIT, "records delivered after two retries");
        assertEquals(values(0, 30), observed.records.stream().map(r -> (String) r.value()).toList());
        assertEquals(2, observed.retriedBatches.size());
        assertEquals(observed.retriedBatches.get(0), observed.retriedBatches.get(1), "the retried batch is redelivered as it was");
        assertEquals(State.RUNNING, statuses.state(id));
    }

    @Test
    void sinkTaskWhosePutThrowsIsFailedWithItsTrace() {
        String name = TestWorkers.uniqueName("failsink");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("failsink"), 1);
        KafkaTestBroker.produce(topic, "poison");
        ConnectorTaskId id = startSink(name, topic, Map.of("fail.on.put", "true"));

        Await.until(() -> statuses.state(id) == State.FAILED, WAIT, "task failed");
        String trace = statuses.get(id).trace();
        assertTrue(trace.contains("put failed on purpose"), trace);
        assertTrue(trace.contains("\tat "), "a full stack trace");
        assertEquals(-1, committedOffset("connect-" + name, new TopicPartition(topic, 0)), "nothing committed for the failed record");
    }
}
