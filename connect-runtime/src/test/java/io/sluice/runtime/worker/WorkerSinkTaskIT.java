package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecords;
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
    private Worker worker = TestWorkers.worker(offsets, statuses);

    @AfterEach
    void closeWorker() {
        worker.close();
        assertEquals(List.of(), TestWorkers.workerThreads(), "threads left behind");
    }

    private final Map<String, Map<String, String>> configs = new HashMap<>();
    private final Map<ConnectorTaskId, Map<String, String>> taskConfigs = new HashMap<>();

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
        configs.put(name, config);
        taskConfigs.put(id, taskConfig);
        worker.startTask(new TaskSpec(id, config, taskConfig), TargetState.STARTED);
        return id;
    }

    /** What POST /connectors/{name}/tasks/0/restart does on this worker: stop the task, start it again. */
    private void restartTask(ConnectorTaskId id) {
        worker.stopTasks(List.of(id));
        worker.startTask(new TaskSpec(id, configs.get(id.connector()), taskConfigs.get(id)), TargetState.STARTED);
    }

    private static List<String> valuesOf(List<SinkRecord> records) {
        return records.stream().map(r -> (String) r.value()).toList();
    }

    private static List<String> values(int from, int to) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add("m" + i);
        }
        return out;
    }

    @Test
    void sinkTaskReceivesEveryRecordInOrderCommitsItsGroupOffsetsAndClosesEachPartitionOnceAtStop() {
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
        Await.until(() -> KafkaTestBroker.committedOffset("connect-" + name, tp) == 100, WAIT, "group offset committed after the last record");

        KafkaTestBroker.produce(topic, "m100");
        Await.until(() -> observed.records.size() == 101, WAIT, "a later record delivered");
        worker.stopTasks(List.of(id)).join();
        assertEquals(101, KafkaTestBroker.committedOffset("connect-" + name, tp), "offsets committed at stop");
        assertEquals(State.UNASSIGNED, statuses.state(id));
        assertEquals(List.of(tp), observed.closed, "each partition closed once at stop, not again by the consumer's close");
        assertEquals(List.of(), observed.outOfOrder);
    }

    @Test
    void aTopicsRegexSinkGetsTopicsCreatedWhileItRunsAndThoseCreatedWhileItsTaskWasStopped() {
        String name = TestWorkers.uniqueName("regexsink");
        String prefix = KafkaTestBroker.uniqueTopic("rx");
        Map<String, String> config = new HashMap<>();
        config.put("name", name);
        config.put("connector.class", TestSinkConnector.class.getName());
        config.put("tasks.max", "1");
        config.put("topics.regex", java.util.regex.Pattern.quote(prefix) + "-.*");
        TestWorkers.MadeTaskConfigs made = new TestWorkers.MadeTaskConfigs();
        worker.startConnector(name, config, TargetState.STARTED, made);
        Map<String, String> taskConfig = made.next().get(0);
        ConnectorTaskId id = new ConnectorTaskId(name, 0);
        configs.put(name, config);
        taskConfigs.put(id, taskConfig);
        worker.startTask(new TaskSpec(id, config, taskConfig), TargetState.STARTED);
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);
        Await.until(() -> statuses.state(id) == State.RUNNING, WAIT, "the task runs, its pattern matching nothing");

        // created after the consumer subscribed: found at its next metadata refresh, not the client's 5 minutes
        KafkaTestBroker.produce(KafkaTestBroker.createTopic(prefix + "-a", 1), "a0");
        Await.until(() -> valuesOf(observed.records).contains("a0"), WAIT, "the new topic's record delivered");

        // created while the task was stopped: its static member comes back to a stable group, which gives it its
        // previous assignment without a rebalance
        worker.stopTasks(List.of(id)).join();
        KafkaTestBroker.produce(KafkaTestBroker.createTopic(prefix + "-b", 1), "b0");
        worker.startTask(new TaskSpec(id, config, taskConfig), TargetState.STARTED);
        Await.until(() -> valuesOf(observed.records).contains("b0"), WAIT,
                "the topic created while the task was away delivered after its restart");
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
        assertEquals(-1, KafkaTestBroker.committedOffset("connect-" + name, new TopicPartition(topic, 0)), "nothing committed for the failed record");
    }

    @Test
    void aRewindRequestedInOpenTakesEffectBeforeTheFirstRecordOfThePartitionIsDelivered() {
        String name = TestWorkers.uniqueName("seekopen");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("seekopen"), 1);
        KafkaTestBroker.produce(topic, values(0, 100).toArray(String[]::new));
        // a poll long enough to join the group and fetch in one call, as under a default commit interval
        worker.close();
        worker = TestWorkers.worker(offsets, statuses, Map.of("offset.flush.interval.ms", "3000"));

        startSink(name, topic, Map.of("seek.in.open", "40"));
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);
        TopicPartition tp = new TopicPartition(topic, 0);
        Await.until(() -> KafkaTestBroker.committedOffset("connect-" + name, tp) == 100, WAIT, "every record put and committed");

        assertEquals(40, observed.records.get(0).kafkaOffset(), "the first record delivered is at the requested offset");
        assertEquals(values(40, 100), valuesOf(observed.records), "nothing before the rewind, nothing twice");
    }

    @Test
    void aSinkWhosePutFailedGetsEveryRecordAfterItsTaskIsRestarted() {
        String name = TestWorkers.uniqueName("putfails");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("putfails"), 1);
        KafkaTestBroker.produce(topic, values(0, 100).toArray(String[]::new));
        TopicPartition tp = new TopicPartition(topic, 0);
        String group = "connect-" + name;

        // puts of 10 records kept only when flushed; the put that would pass 35 records throws and loses the rest
        ConnectorTaskId id = startSink(name, topic, Map.of("store.on.flush", "true", "fail.on.put.after", "35",
                "consumer.override.max.poll.records", "10"));
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);
        Await.until(() -> statuses.state(id) == State.FAILED, WAIT, "task failed on its put");
        long committed = KafkaTestBroker.committedOffset(group, tp);
        assertTrue(committed <= observed.records.size(),
                "committed " + committed + " but only " + observed.records.size() + " records were stored");

        restartTask(id);
        Await.until(() -> KafkaTestBroker.committedOffset(group, tp) == 100, WAIT, "every record committed after the restart");
        assertEquals(new java.util.HashSet<>(values(0, 100)), new java.util.HashSet<>(valuesOf(observed.records)),
                "no record missing");
        assertEquals(State.RUNNING, statuses.state(id));
    }

    @Test
    void aRecordItsKeyConverterCannotReadFailsTheTaskNamingTheKeyConverterAndItsApacheClass() {
        String name = TestWorkers.uniqueName("keyfails");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("keyfails"), 1);
        // plain text keys, read with JsonConverter's default schemas.enable=true: what the CSV pair met
        KafkaTestBroker.produce(topic, List.of(Map.entry("not json", "{\"id\":1}")));
        ConnectorTaskId id = startSink(name, topic, Map.of("key.converter", "org.apache.kafka.connect.json.JsonConverter"));

        Await.until(() -> statuses.state(id) == State.FAILED, WAIT, "task failed");
        String trace = statuses.get(id).trace();
        assertTrue(trace.contains("Tolerance exceeded in error handler: the key converter (key.converter="
                + "org.apache.kafka.connect.json.JsonConverter) could not convert the key of record " + topic + "-0@0"), trace);
        assertTrue(!trace.split("\n")[0].contains("Streaming"), "Apache's class, not Sluice's subclass: " + trace);
    }

    @Test
    void recordsAPollReturnedJustAsTheConnectorWasPausedAreDeliveredOnceAfterTheResume() throws Exception {
        String name = TestWorkers.uniqueName("pausepoll");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("pausepoll"), 1);
        KafkaTestBroker.produce(topic, values(0, 20).toArray(String[]::new));
        PauseInPoll.reset();
        // the interceptor holds the poll that fetched the records until the pause is requested: the window is one poll
        ConnectorTaskId id = startSink(name, topic,
                Map.of("consumer.override.interceptor.classes", PauseInPoll.class.getName()));
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);
        assertTrue(PauseInPoll.fetched.await(60, TimeUnit.SECONDS), "a poll fetched the records");
        worker.setTargetState(name, TargetState.PAUSED);
        PauseInPoll.pauseRequested.countDown();

        Await.until(() -> statuses.state(id) == State.PAUSED, WAIT, "task paused");
        assertEquals(0, observed.records.size(), "nothing put while paused");
        worker.setTargetState(name, TargetState.STARTED);
        Await.until(() -> observed.records.size() >= 20, WAIT, "the held records delivered after the resume");
        Await.until(() -> KafkaTestBroker.committedOffset("connect-" + name, new TopicPartition(topic, 0)) == 20, WAIT,
                "offsets committed");
        assertEquals(values(0, 20), valuesOf(observed.records), "every record once, in order");
    }

    /** Consumer interceptor that holds the first poll returning records until the test has paused the connector. */
    public static final class PauseInPoll implements ConsumerInterceptor<byte[], byte[]> {
        static volatile CountDownLatch fetched;
        static volatile CountDownLatch pauseRequested;

        static void reset() {
            fetched = new CountDownLatch(1);
            pauseRequested = new CountDownLatch(1);
        }

        @Override
        public ConsumerRecords<byte[], byte[]> onConsume(ConsumerRecords<byte[], byte[]> records) {
            if (!records.isEmpty() && fetched.getCount() > 0) {
                fetched.countDown();
                try {
                    pauseRequested.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            }
            return records;
        }

        @Override
        public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        }

        @Override
        public void close() {
        }

        @Override
        public void configure(Map<String, ?> configs) {
        }
    }
}
