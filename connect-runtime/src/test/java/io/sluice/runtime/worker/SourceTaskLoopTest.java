package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.ObservabilityConfig;
import io.sluice.runtime.config.SourceConnectorConfig;
import io.sluice.runtime.config.WorkerConfig;
import io.sluice.runtime.metrics.ConnectMetrics;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.model.State;
import io.sluice.runtime.model.TargetState;
import io.sluice.runtime.plugins.Plugins;
import io.sluice.runtime.testing.Await;
import io.sluice.runtime.worker.errors.ErrorHandler;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executors;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.apache.kafka.connect.source.SourceTaskContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The source task loop with each commit strategy, against the runtime's real runner, converters and error
 * handler and a MockProducer: what an offset commit or a transaction holds, decided without a broker.
 */
class SourceTaskLoopTest {
    private static final ConnectorTaskId ID = new ConnectorTaskId("orders-source", 0);
    private static final Duration WAIT = Duration.ofSeconds(10);
    private static final Map<String, Object> PARTITION = Map.of("file", "orders.csv");

    private final Plugins plugins = new Plugins(List.of(), "only_scan");
    private final WorkerConfig worker = new WorkerConfig(Map.of(
            "key.converter", "org.apache.kafka.connect.storage.StringConverter",
            "value.converter", "org.apache.kafka.connect.storage.StringConverter"));
    private final MemoryOffsetStore offsets = new MemoryOffsetStore();
    private final MemoryStatusStore statuses = new MemoryStatusStore();
    private final BlockedSends blockedSends = new BlockedSends();
    private final ConnectMetrics connectMetrics = new ConnectMetrics(new WorkerConfig(Map.of(ObservabilityConfig.JMX_ENABLE, "false")).observability(), () -> 1, () -> 1);
    private final ScheduledExecutorService committer = Executors.newSingleThreadScheduledExecutor();
    private final ScriptedTask task = new ScriptedTask();
    private MockProducer<byte[], byte[]> producer;
    private SourceTaskRunner runner;
    private TaskThread thread;

    @AfterEach
    void stopEverything() {
        if (runner != null) {
            stop();
        }
        committer.shutdownNow();
        connectMetrics.close();
        blockedSends.close();
    }

    @Test
    void stoppingTaskWritesTheOffsetOfEveryAcknowledgedRecord() {
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000));
        task.script.add(List.of(record(1), record(2), record(3)));
        Await.until(() -> producer.history().size() == 3, WAIT, "three records sent");

        stop();

        assertEquals(Map.of(PARTITION, Map.of("line", 3L)), offsets.offsets(ID.connector()));
        assertTrue(task.commits.get() >= 1, "the task's commit() followed the offset write");
        assertEquals(State.UNASSIGNED, statuses.state(ID));
    }

    @Test
    void recordHeadersReachTheProducedRecordConvertedAndARecordWithoutHeadersCarriesNone() {
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000));
        SourceRecord traced = record(1);
        traced.headers().addString("trace-id", "abc-1").addInt("attempt", 2);
        task.script.add(List.of(traced, record(2)));
        Await.until(() -> producer.history().size() == 2, WAIT, "two records sent");

        org.apache.kafka.common.header.Headers first = producer.history().get(0).headers();
        assertEquals("abc-1", new String(first.lastHeader("trace-id").value(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals("2", new String(first.lastHeader("attempt").value(), java.nio.charset.StandardCharsets.UTF_8));
        assertEquals(2, first.toArray().length);
        assertEquals(0, producer.history().get(1).headers().toArray().length);
    }

    @Test
    void headersAValueConverterAddsGoWithTheirRecordOnlyAndTheNextRecordStartsWithoutThem() {
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000), new WorkerConfig(Map.of(
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", HeaderStampingConverter.class.getName())));
        task.script.add(List.of(record(1), record(2), record(3), record(4)));
        Await.until(() -> producer.history().size() == 4, WAIT, "four records sent");

        // the converter stamps odd lines: each stamp lands on its own record, and once only
        for (int i = 0; i < 4; i++) {
            org.apache.kafka.common.header.Header[] headers = producer.history().get(i).headers().toArray();
            if (i % 2 == 0) {
                assertEquals(1, headers.length, "record " + (i + 1) + ": " + java.util.Arrays.toString(headers));
                assertEquals("v" + (i + 1), new String(headers[0].value(), java.nio.charset.StandardCharsets.UTF_8));
            } else {
                assertEquals(0, headers.length, "record " + (i + 1) + ": " + java.util.Arrays.toString(headers));
            }
        }
    }

    @Test
    void aSourcePollingThousandsOfRecordsAtOnceHasThemSentInPollOrderEachWithItsOwnHeaders() {
        // batches larger than one chunk are converted on a helper thread ahead of the sends
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000), new WorkerConfig(Map.of(
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", HeaderStampingConverter.class.getName())), Map.of());
        task.script.add(lines(1, 1000));
        task.script.add(lines(1001, 1130));
        Await.until(() -> producer.history().size() == 1130, WAIT, "every record sent");
        stop();

        for (int i = 0; i < 1130; i++) {
            ProducerRecord<byte[], byte[]> sent = producer.history().get(i);
            assertEquals("v" + (i + 1), new String(sent.value(), java.nio.charset.StandardCharsets.UTF_8));
            assertEquals(i % 2 == 0 ? 1 : 0, sent.headers().toArray().length, "record " + (i + 1));
        }
        assertEquals(Map.of(PARTITION, Map.of("line", 1130L)), offsets.offsets(ID.connector()));
    }

    @Test
    void aRecordTheConverterRejectsInsideALargeBatchIsSkippedUnderToleranceAndTheOthersKeepTheirOrder() {
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000), new WorkerConfig(Map.of(
                "key.converter", "org.apache.kafka.connect.storage.StringConverter",
                "value.converter", RejectingConverter.class.getName())), Map.of("errors.tolerance", "all"));
        task.script.add(lines(1, 600));
        Await.until(() -> producer.history().size() == 599, WAIT, "every record but the rejected one sent");
        stop();

        List<String> values = producer.history().stream()
                .map(r -> new String(r.value(), java.nio.charset.StandardCharsets.UTF_8)).toList();
        List<String> expected = lines(1, 600).stream().map(r -> (String) r.value())
                .filter(v -> !v.equals(RejectingConverter.REJECTED)).toList();
        assertEquals(expected, values);
        assertEquals(Map.of(PARTITION, Map.of("line", 600L)), offsets.offsets(ID.connector()));
    }

    @Test
    void unacknowledgedRecordHoldsBackItsPartitionsOffset() {
        OffsetFlushCommits commits = new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000);
        start(false, commits);
        task.script.add(List.of(record(1), record(2)));
        Await.until(() -> producer.history().size() == 2, WAIT, "two records sent");

        producer.completeNext();
        commits.commit();
        assertEquals(Map.of(PARTITION, Map.of("line", 1L)), offsets.offsets(ID.connector()));

        producer.completeNext();
        commits.commit();
        assertEquals(Map.of(PARTITION, Map.of("line", 2L)), offsets.offsets(ID.connector()));
    }

    @Test
    void failedSendFailsTheTaskYetKeepsTheOffsetsKafkaAcknowledged() {
        start(false, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000));
        task.script.add(List.of(record(1), record(2)));
        Await.until(() -> producer.history().size() == 2, WAIT, "two records sent");

        producer.completeNext();
        producer.errorNext(new RecordTooLargeException("too large"));

        Await.until(() -> statuses.state(ID) == State.FAILED, WAIT, "task failed on the producer's error");
        thread.awaitEnded(WAIT);
        assertEquals(Map.of(PARTITION, Map.of("line", 1L)), offsets.offsets(ID.connector()));
    }

    @Test
    void aTaskWhosePollEndsInAnInterruptWhileStoppingStillCommitsWhatKafkaAcknowledged() throws Exception {
        start(false, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000));
        task.script.add(List.of(record(1), record(2)));
        Await.until(() -> producer.history().size() == 2, WAIT, "two records sent");
        producer.completeNext();
        // the stop comes while the task waits in poll(), which then ends in an InterruptedException (a task's
        // own reader thread shut down under it): the loop leaves the interrupt on the task thread
        java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);
        task.blockNextPoll = release;
        Await.until(() -> task.inBlockedPoll, WAIT, "the task waiting in poll()");
        runner.stop();
        release.countDown();
        thread.awaitEnded(WAIT);
        runner = null;

        assertEquals(Map.of(PARTITION, Map.of("line", 1L)), offsets.offsets(ID.connector()),
                "the acknowledged record's offset is committed; the unacknowledged one's is not");
    }

    @Test
    void exactlyOnceCommitsEachPollsRecordsWithTheirOffsetsInOneTransaction() {
        start(true, new SourceTransactions(new SourceTransactions.Boundary(0, false)));
        task.script.add(List.of(record(1), record(2)));

        Await.until(() -> producer.commitCount() == 1, WAIT, "the poll's transaction committed");
        List<ProducerRecord<byte[], byte[]>> sent = producer.history();
        assertEquals(List.of("orders", "orders", "memory-offsets"), sent.stream().map(ProducerRecord::topic).toList(),
                "the records, then their offset, in the same transaction");
        assertEquals(Map.of(PARTITION, Map.of("line", 2L)), offsets.offsets(ID.connector()));
        Await.until(() -> task.commits.get() == 1, WAIT, "the task's commit() followed the transaction");
    }

    @Test
    void exactlyOnceTaskAbortingATransactionLosesItsRecordsAndOffsetsButNotTheNextOnes() {
        start(true, new SourceTransactions(new SourceTransactions.Boundary(Long.MAX_VALUE, true)));
        SourceRecord doomed = record(1);
        task.beforePoll = context -> context.transactionContext().abortTransaction(doomed);
        task.script.add(List.of(doomed));
        Await.until(producer::transactionAborted, WAIT, "the task's abort reached the producer");
        assertTrue(offsets.offsets(ID.connector()).isEmpty(), "no offset of an aborted record");

        SourceRecord kept = record(2);
        task.beforePoll = context -> context.transactionContext().commitTransaction(kept);
        task.script.add(List.of(kept));
        Await.until(() -> producer.commitCount() == 1, WAIT, "the task's commit reached the producer");
        assertEquals(Map.of(PARTITION, Map.of("line", 2L)), offsets.offsets(ID.connector()));
        assertEquals(List.of("orders", "memory-offsets"), producer.history().stream().map(ProducerRecord::topic).toList());
    }

    @Test
    void exactlyOnceTaskThatFailsAbortsItsOpenTransaction() {
        start(true, new SourceTransactions(new SourceTransactions.Boundary(Long.MAX_VALUE, true)));
        task.script.add(List.of(record(1)));
        Await.until(() -> producer.uncommittedRecords().size() == 1, WAIT, "record sent in an open transaction");

        task.failNextPoll = true;
        Await.until(() -> statuses.state(ID) == State.FAILED, WAIT, "task failed");
        Await.until(producer::transactionAborted, WAIT, "its open transaction aborted");
        assertEquals(0, producer.commitCount());
        assertTrue(offsets.offsets(ID.connector()).isEmpty(), "no offset outside a committed transaction");
    }

    @Test
    void pausedExactlyOnceTaskCommitsItsOpenTransactionBeforeWaiting() {
        start(true, new SourceTransactions(new SourceTransactions.Boundary(Long.MAX_VALUE / 4, false)));
        task.script.add(List.of(record(1)));
        Await.until(() -> producer.uncommittedRecords().size() == 1, WAIT, "record sent in an open transaction");
        assertFalse(producer.transactionCommitted());

        runner.transitionTo(TargetState.PAUSED);

        Await.until(() -> producer.commitCount() == 1, WAIT, "transaction committed on pause");
        Await.until(() -> statuses.state(ID) == State.PAUSED, WAIT, "task paused");
        assertEquals(Map.of(PARTITION, Map.of("line", 1L)), offsets.offsets(ID.connector()));
    }

    @Test
    void pausedTaskPollsNothingUntilResumedAndReportsEachState() {
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000));
        runner.transitionTo(TargetState.PAUSED);
        Await.until(() -> statuses.state(ID) == State.PAUSED, WAIT, "task paused");
        // the task thread waits for the target to change: it parks only once it stopped polling
        Await.until(thread::waiting, WAIT, "task thread waiting while paused");
        task.script.add(List.of(record(1)));
        assertEquals(1, task.script.size(), "a paused task is not polled");
        assertTrue(producer.history().isEmpty());

        runner.transitionTo(TargetState.STARTED);

        Await.until(() -> statuses.state(ID) == State.RUNNING, WAIT, "task running again");
        Await.until(() -> producer.history().size() == 1, WAIT, "the batch queued while paused sent after the resume");
    }

    @Test
    void retriableExceptionFromPollIsRetriedAndTheTaskKeepsRunning() {
        task.retriableFailures.set(3);
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000));
        task.script.add(List.of(record(1)));

        Await.until(() -> producer.history().size() == 1, WAIT, "the record polled after the retries");
        assertEquals(0, task.retriableFailures.get(), "every retriable failure was retried");
        assertEquals(State.RUNNING, statuses.state(ID));
    }

    @Test
    void exceptionFromPollFailsTheTaskWithItsCauseInTheStatusTrace() {
        start(true, new OffsetFlushCommits(committer, Long.MAX_VALUE / 4, 5_000));
        task.failNextPoll = true;

        Await.until(() -> statuses.state(ID) == State.FAILED, WAIT, "task failed");
        thread.awaitEnded(WAIT);
        String trace = statuses.get(ID).trace();
        assertTrue(trace != null && trace.contains("source went away"), "the task's own exception in the trace: " + trace);
    }

    private void start(boolean autoComplete, SourceCommits commits) {
        start(autoComplete, commits, worker);
    }

    private void start(boolean autoComplete, SourceCommits commits, WorkerConfig worker) {
        start(autoComplete, commits, worker, Map.of());
    }

    private void start(boolean autoComplete, SourceCommits commits, WorkerConfig worker, Map<String, String> extra) {
        producer = new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
        Map<String, String> props = new java.util.HashMap<>(extra);
        props.put("name", ID.connector());
        props.put("connector.class", "LinesSource");
        SourceConnectorConfig config = new SourceConnectorConfig(plugins, props);
        ErrorHandler errors = new ErrorHandler(ID, config, Map.of(), Map.of());
        SourceTaskRunner.Setup setup = new SourceTaskRunner.Setup(offsets, () -> producer, Map.of(), null, false, 5_000,
                null, connectMetrics.sourceTask(ID.connector(), ID.task()), commits, blockedSends);
        runner = new SourceTaskRunner(ID, new StatusReporter("w:8083", statuses, () -> 1), TargetState.STARTED, task,
                Map.of(), ConverterSet.create(config, worker, plugins), TransformationChain.create(config, plugins),
                errors, setup);
        thread = TaskThread.start(runner, statuses, WAIT);
    }

    private void stop() {
        thread.stop(WAIT);
        runner = null;
    }

    private static SourceRecord record(long line) {
        return new SourceRecord(PARTITION, Map.of("line", line), "orders", null, Schema.STRING_SCHEMA, "k" + line,
                Schema.STRING_SCHEMA, "v" + line);
    }

    private static List<SourceRecord> lines(long first, long last) {
        List<SourceRecord> records = new ArrayList<>();
        for (long line = first; line <= last; line++) {
            records.add(record(line));
        }
        return records;
    }

    /** A value converter that writes the value as text and throws for one value. */
    public static final class RejectingConverter extends org.apache.kafka.connect.storage.StringConverter {
        static final String REJECTED = "v300";

        @Override
        public byte[] fromConnectData(String topic, Schema schema, Object value) {
            if (REJECTED.equals(value)) {
                throw new org.apache.kafka.connect.errors.DataException("value rejected");
            }
            return super.fromConnectData(topic, schema, value);
        }
    }

    /** A value converter that writes the value as text and, for odd lines, adds a header naming the value. */
    public static final class HeaderStampingConverter implements org.apache.kafka.connect.storage.Converter {
        @Override
        public void configure(Map<String, ?> configs, boolean isKey) {
        }

        @Override
        public byte[] fromConnectData(String topic, Schema schema, Object value) {
            return String.valueOf(value).getBytes(java.nio.charset.StandardCharsets.UTF_8);
        }

        @Override
        public byte[] fromConnectData(String topic, org.apache.kafka.common.header.Headers headers, Schema schema,
                                      Object value) {
            String text = String.valueOf(value);
            if (Long.parseLong(text.substring(1)) % 2 == 1) {
                headers.add("stamp", text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
            }
            return fromConnectData(topic, schema, value);
        }

        @Override
        public org.apache.kafka.connect.data.SchemaAndValue toConnectData(String topic, byte[] value) {
            throw new UnsupportedOperationException("source side only");
        }
    }

    /** A source task that returns the batches a test queues, and can be made to throw or act on its context. */
    static final class ScriptedTask extends SourceTask {
        final BlockingQueue<List<SourceRecord>> script = new LinkedBlockingQueue<>();
        final AtomicInteger commits = new AtomicInteger();
        volatile Consumer<SourceTaskContext> beforePoll = c -> { };
        volatile boolean failNextPoll;
        /** When set, the next poll waits for it, then throws InterruptedException. */
        volatile java.util.concurrent.CountDownLatch blockNextPoll;
        volatile boolean inBlockedPoll;
        /** How many more polls throw a RetriableException, as a source briefly out of reach does. */
        final AtomicInteger retriableFailures = new AtomicInteger();

        @Override
        public void start(Map<String, String> props) {
        }

        @Override
        public List<SourceRecord> poll() throws InterruptedException {
            java.util.concurrent.CountDownLatch block = blockNextPoll;
            if (block != null) {
                blockNextPoll = null;
                inBlockedPoll = true;
                block.await();
                throw new InterruptedException("reader shut down");
            }
            if (failNextPoll) {
                throw new IllegalStateException("source went away");
            }
            if (retriableFailures.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
                throw new org.apache.kafka.connect.errors.RetriableException("source briefly out of reach");
            }
            List<SourceRecord> batch = script.poll(10, TimeUnit.MILLISECONDS);
            if (batch != null) {
                beforePoll.accept(context);
            }
            return batch == null ? null : new ArrayList<>(batch);
        }

        @Override
        public void commit() {
            commits.incrementAndGet();
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
