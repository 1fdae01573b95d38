package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.metrics.MetricGroup;
import io.sluice.runtime.metrics.TaskLive;
import io.sluice.runtime.metrics.TaskMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.testing.KafkaTestBroker;
import java.time.Duration;
import java.util.AbstractMap.SimpleEntry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A sink task's figures through a real broker: what it received, what its preCommit acknowledged as written and
 * what is pending between the two; totals that keep counting when the task restarts; a rate over the last seconds
 * that shows whether records still move.
 */
class SinkTaskFiguresIT {
    private static final Duration WAIT = Duration.ofSeconds(60);

    private final Worker worker = TestWorkers.worker(new MemoryOffsetStore(), new MemoryStatusStore());
    private final Map<String, String> config = new HashMap<>();
    /** The task config the connector made, which a restart of the task reuses. */
    private Map<String, String> taskConfig;

    @AfterEach
    void closeWorker() {
        worker.close();
    }

    private ConnectorTaskId startSink(String name, String topic) {
        config.putAll(Map.of("name", name, "connector.class", TestSinkConnector.class.getName(), "tasks.max", "1",
                "topics", topic));
        TestWorkers.MadeTaskConfigs made = new TestWorkers.MadeTaskConfigs();
        worker.startConnector(name, config, TargetState.STARTED, made);
        taskConfig = made.next().get(0);
        ConnectorTaskId id = new ConnectorTaskId(name, 0);
        worker.startTask(new TaskSpec(id, config, taskConfig), TargetState.STARTED);
        return id;
    }

    private TaskLive live(String name) {
        TaskMetrics task = worker.metrics().task(name, 0);
        return task == null ? null : task.live();
    }

    private void awaitLive(String name, Predicate<TaskLive> condition, String what) {
        Await.until(() -> {
            TaskLive live = live(name);
            return live != null && condition.test(live);
        }, WAIT, what);
    }

    /** An attribute of the task's sink-task-metrics MBean, as JMX and GET /metrics show it. */
    private double attribute(String name, String attribute) {
        MetricGroup group = worker.metrics().registry().groups().stream()
                .filter(g -> g.type().equals("sink-task-metrics") && name.equals(g.tags().get("connector")))
                .findFirst().orElseThrow();
        return (Double) group.value(group.metrics().get(attribute));
    }

    private static String[] values(int count) {
        String[] values = new String[count];
        for (int i = 0; i < count; i++) {
            values[i] = "v" + i;
        }
        return values;
    }

    @Test
    void recordsPutButNotAcknowledgedByPreCommitArePendingNotWritten() {
        String name = TestWorkers.uniqueName("acks");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("acks"), 1);
        TestSinkConnector.Observed observed = TestSinkConnector.observed(name);
        observed.acknowledgeBelow.set(40); // the sink stored only the first 40 records so far
        KafkaTestBroker.produce(topic, values(100));
        startSink(name, topic);

        Await.until(() -> observed.records.size() == 100, WAIT, "every record handed to put");
        awaitLive(name, l -> l.written().total() == 40 && l.pending() == 60, "40 written and 60 pending");
        TaskLive live = live(name);
        assertEquals(100, live.in().total(), "received");
        assertEquals(100, live.out().total(), "handed to put, as Apache's sink-record-send-total counts");
        assertEquals(100.0, attribute(name, "sink-record-send-total"));
        assertEquals(40.0, attribute(name, "sink-record-written-total"));
        assertEquals(60.0, attribute(name, "sink-record-active-count"));

        observed.acknowledgeBelow.set(Long.MAX_VALUE); // the store caught up
        awaitLive(name, l -> l.written().total() == 100 && l.pending() == 0, "everything written, nothing pending");
        Await.until(() -> KafkaTestBroker.committedOffset("connect-" + name, new TopicPartition(topic, 0)) == 100,
                WAIT, "offsets committed");
    }

    @Test
    void aRestartedTaskKeepsItsTotalsInTheLiveFigures() {
        String name = TestWorkers.uniqueName("totals");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("totals"), 1);
        KafkaTestBroker.produce(topic, values(50));
        ConnectorTaskId id = startSink(name, topic);
        awaitLive(name, l -> l.written().total() == 50, "the first 50 written");

        // what POST /connectors/{name}/tasks/0/restart does on this worker; waited for, or the old run may still read
        // the next records and the figures below would be its own (80 since its start), not the new run's
        worker.stopTasks(List.of(id)).join();
        worker.startTask(new TaskSpec(id, config, taskConfig), TargetState.STARTED);
        KafkaTestBroker.produce(topic, values(30));
        awaitLive(name, l -> l.in().total() == 80 && l.written().total() == 80 && l.out().total() == 80,
                "the totals continue after the restart");
        assertEquals(30.0, attribute(name, "sink-record-read-total"), "Apache's total counts since the restart");
    }

    @Test
    void theRecentRateAnswersWhetherRecordsStillMove() throws InterruptedException {
        String name = TestWorkers.uniqueName("recent");
        String topic = KafkaTestBroker.createTopic(KafkaTestBroker.uniqueTopic("recent"), 1);
        startSink(name, topic);
        // an application writing for a few seconds: while it does, the last 5 s show records moving
        Thread application = KafkaTestBroker.produceLive(topic, 3_000, 100, 100, i -> new SimpleEntry<>(null, "v" + i));
        awaitLive(name, l -> l.in().perSecondRecent() > 0 && l.written().perSecondRecent() > 0, "moving over the last 5 s");
        assertEquals(5, live(name).recentWindowSeconds());
        application.join();
        awaitLive(name, l -> l.written().total() == 3_000, "everything written");

        awaitLive(name, l -> l.in().perSecondRecent() == 0 && l.written().perSecondRecent() == 0,
                "not moving any more over the last 5 s");
        TaskLive after = live(name);
        assertTrue(after.in().perSecond() > 0 && after.written().perSecond() > 0,
                "the minute's rate still shows the burst: " + after);
    }
}
