package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.ObservabilityConfig;
import io.sluice.runtime.config.SinkConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.worker.errors.ErrorHandler;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.MockConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The sink task loop against the runtime's real runner, converters and error handler and a MockConsumer: what is
 * put, what is committed, and what a pause or a failing put does, decided without a broker.
 */
class SinkTaskLoopTest {
    private static final ConnectorTaskId ID = new ConnectorTaskId("orders-sink", 0);
    private static final String TOPIC = "orders";
    private static final TopicPartition TP = new TopicPartition(TOPIC, 0);
    private static final Duration WAIT = Duration.ofSeconds(10);

    private final Plugins plugins = new Plugins(List.of(), "only_scan");
    private final WorkerConfig worker = new WorkerConfig(Map.of(
            "key.converter", "org.apache.kafka.connect.storage.StringConverter",
            "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
    private final MemoryStatusStore statuses = new MemoryStatusStore();
    private final ConnectMetrics connectMetrics = new ConnectMetrics(
            new WorkerConfig(Map.of(ObservabilityConfig.JMX_ENABLE, "false")).observability(), () -> 1, () -> 1);
    private final RecordingTask task = new RecordingTask();
    private final CommitRecordingConsumer consumer = new CommitRecordingConsumer();
    private SinkTaskRunner runner;
    private TaskThread thread;

    @AfterEach
    void stopEverything() {
        if (runner != null) {
            stop();
        }
        connectMetrics.close();
    }

    @Test
    void polledRecordsArePutInOrderAndTheirOffsetsCommittedWhenTheTaskStops() {
        start();
        offer(0, 1, 2);
        Await.until(() -> task.values().size() == 3, WAIT, "three records put");
        assertEquals(List.of("v0", "v1", "v2"), task.values());

        stop();

        assertEquals(3L, committed(), "the next offset after the last record put and flushed");
        assertTrue(task.flushes.get() >= 1, "the task flushed before its offsets were committed");
    }

    @Test
    void retriablePutGetsTheSameRecordsAgainAndNothingIsSkipped() {
        task.retriableFailures.set(2);
        start();
        offer(0, 1);

        Await.until(() -> task.values().size() == 2, WAIT, "both records put once the retries passed");
        assertEquals(List.of("v0", "v1"), task.values(), "the batch redelivered whole, in order");
        assertEquals(0, task.retriableFailures.get());
        assertEquals(State.RUNNING, statuses.state(ID));
        stop();
        assertEquals(2L, committed());
    }

    @Test
    void failingPutFailsTheTaskAndCommitsNothingOfTheBatchItCouldNotWrite() {
        start();
        offer(0);
        Await.until(() -> task.values().size() == 1, WAIT, "the first record put");
        task.commitRequested();
        Await.until(() -> committedOrNull() != null, WAIT, "its offset committed");

        task.failNextPut = true;
        offer(1, 2);
        Await.until(() -> statuses.state(ID) == State.FAILED, WAIT, "task failed on the put");
        thread.awaitEnded(WAIT);
        runner = null;

        assertEquals(1L, committed(), "no offset of the batch the put refused");
        assertTrue(statuses.get(ID).trace().contains("database refused the batch"), statuses.get(ID).trace());
    }

    @Test
    void pausedTaskPausesItsPartitionsAndResumesWhereItStopped() {
        start();
        offer(0);
        Await.until(() -> task.values().size() == 1, WAIT, "the first record put");

        runner.transitionTo(TargetState.PAUSED);
        Await.until(() -> statuses.state(ID) == State.PAUSED, WAIT, "task paused");
        Await.until(() -> consumer.paused().equals(Set.of(TP)), WAIT, "its partition paused in the consumer");

        runner.transitionTo(TargetState.STARTED);
        Await.until(() -> statuses.state(ID) == State.RUNNING, WAIT, "task running again");
        Await.until(() -> consumer.paused().isEmpty(), WAIT, "its partition resumed");
        offer(1);
        Await.until(() -> task.values().size() == 2, WAIT, "the next record put after the resume");
        assertEquals(List.of("v0", "v1"), task.values());
    }

    @Test
    void aTaskGetsNoErrantRecordReporterWithoutADeadLetterQueueOrErrorLogAsApacheGivesIt() {
        start();
        assertEquals(null, task.reporterAtStart, "no reporter: a connector fails or handles a bad record itself");
    }

    @Test
    void aTaskWithTheErrorLogGetsAnErrantRecordReporter() {
        start(Map.of("errors.log.enable", "true", "errors.tolerance", "all"));
        assertTrue(task.reporterAtStart != null);
    }

    private void start() {
        start(Map.of());
    }

    private void start(Map<String, String> errorKeys) {
        Map<String, String> keys = new java.util.HashMap<>(errorKeys);
        keys.putAll(Map.of("name", ID.connector(), "connector.class", "OrdersSink", "topics", TOPIC));
        SinkConnectorConfig config = new SinkConnectorConfig(plugins, keys);
        ErrorHandler errors = new ErrorHandler(ID, config, Map.of(), Map.of());
        SinkTaskRunner.Setup setup = new SinkTaskRunner.Setup(Map.of(), Long.MAX_VALUE / 4, 5_000, null,
                connectMetrics.sinkTask(ID.connector(), ID.task()), props -> consumer);
        consumer.updateBeginningOffsets(Map.of(TP, 0L));
        consumer.schedulePollTask(() -> consumer.rebalance(List.of(TP)));
        runner = new SinkTaskRunner(ID, new StatusReporter("w:8083", statuses, () -> 1), TargetState.STARTED, task,
                Map.of("topics", TOPIC), ConverterSet.create(config, worker, plugins),
                TransformationChain.create(config, plugins), errors, setup);
        thread = TaskThread.start(runner, statuses, WAIT);
    }

    private void stop() {
        thread.stop(WAIT);
        runner = null;
    }

    /** Records at these offsets, handed to the consumer's next poll (on the task's thread, as Kafka's would be). */
    private void offer(long... offsets) {
        consumer.schedulePollTask(() -> {
            for (long offset : offsets) {
                consumer.addRecord(new ConsumerRecord<>(TOPIC, 0, offset, ("k" + offset).getBytes(StandardCharsets.UTF_8),
                        ("v" + offset).getBytes(StandardCharsets.UTF_8)));
            }
        });
    }

    private long committed() {
        OffsetAndMetadata committed = committedOrNull();
        return committed == null ? -1 : committed.offset();
    }

    private OffsetAndMetadata committedOrNull() {
        return consumer.commits.get(TP);
    }

    /** Keeps what was committed readable after the runner closed the consumer. */
    static final class CommitRecordingConsumer extends MockConsumer<byte[], byte[]> {
        final Map<TopicPartition, OffsetAndMetadata> commits = new java.util.concurrent.ConcurrentHashMap<>();

        CommitRecordingConsumer() {
            super("earliest");
        }

        @Override
        public synchronized void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets) {
            super.commitSync(offsets);
            commits.putAll(offsets);
        }

        @Override
        public void commitSync(Map<TopicPartition, OffsetAndMetadata> offsets, Duration timeout) {
            super.commitSync(offsets, timeout);
            commits.putAll(offsets);
        }
    }

    /** A sink task that records what it is given, and can be made to refuse a put once or retriably. */
    static final class RecordingTask extends SinkTask {
        final List<SinkRecord> put = new CopyOnWriteArrayList<>();
        final AtomicInteger flushes = new AtomicInteger();
        final AtomicInteger retriableFailures = new AtomicInteger();
        volatile boolean failNextPut;

        List<Object> values() {
            return put.stream().map(SinkRecord::value).toList();
        }

        /** Asks for an offset commit at the loop's next turn, as a task's context.requestCommit() does. */
        void commitRequested() {
            context.requestCommit();
        }

        volatile org.apache.kafka.connect.sink.ErrantRecordReporter reporterAtStart;

        @Override
        public void start(Map<String, String> props) {
            reporterAtStart = context.errantRecordReporter();
        }

        @Override
        public void put(Collection<SinkRecord> records) {
            if (records.isEmpty()) {
                return;
            }
            if (failNextPut) {
                throw new IllegalStateException("database refused the batch");
            }
            if (retriableFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                context.timeout(10);
                throw new RetriableException("database briefly out of reach");
            }
            put.addAll(records);
        }

        @Override
        public void flush(Map<TopicPartition, OffsetAndMetadata> offsets) {
            flushes.incrementAndGet();
        }

        @Override
        public void stop() {
        }

        @Override
        public String version() {
            return "1";
        }
    }
}
