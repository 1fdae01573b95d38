package io.sluice.runtime.worker.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.config.SinkConnectorConfig;
import io.sluice.runtime.model.ConnectorTaskId;
import io.sluice.runtime.testing.LogCapture;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.TimeoutException;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.transforms.InsertField;
import org.junit.jupiter.api.Test;

class ErrorHandlerTest {

    private static final ConnectorTaskId TASK = new ConnectorTaskId("orders-sink", 2);
    private static final ConsumerRecord<byte[], byte[]> CONSUMED = consumed();

    private final FakeRetryClock clock = new FakeRetryClock();

    private ErrorHandler handler(Map<String, String> settings) {
        return handler(settings, null);
    }

    private ErrorHandler handler(Map<String, String> settings, DeadLetterQueueReporter dlq) {
        Map<String, String> props = new HashMap<>(settings);
        props.put("name", TASK.connector());
        props.put("connector.class", "OrdersSink");
        props.put("topics", "orders");
        SinkConnectorConfig config = new SinkConnectorConfig(null, props);
        return new ErrorHandler(TASK, config, dlq, clock, new Backoff(config.errorMaxDelayInMillis(), bound -> bound / 2));
    }

    private static ConsumerRecord<byte[], byte[]> consumed() {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", "abc".getBytes(StandardCharsets.UTF_8));
        return new ConsumerRecord<>("orders", 3, 42L, 1_700_000_000_000L, TimestampType.CREATE_TIME, 3, 5,
                "key".getBytes(StandardCharsets.UTF_8), "value".getBytes(StandardCharsets.UTF_8), headers,
                Optional.empty());
    }

    /** An operation failing with the given exceptions in turn, then returning "ok". */
    private static final class Flaky implements java.util.concurrent.Callable<String> {
        private final List<Exception> failures;
        final AtomicInteger calls = new AtomicInteger();

        Flaky(Exception... failures) {
            this.failures = List.of(failures);
        }

        static Flaky always(Exception failure) {
            Exception[] many = new Exception[10_000];
            java.util.Arrays.fill(many, failure);
            return new Flaky(many);
        }

        @Override
        public String call() throws Exception {
            int n = calls.getAndIncrement();
            if (n < failures.size()) {
                throw failures.get(n);
            }
            return "ok";
        }
    }

    @Test
    void successfulOperationRunsOnceWithoutReadingTheClockOrSleeping() {
        Flaky op = new Flaky();
        assertEquals("ok", handler(Map.of()).execute(Stage.TRANSFORMATION, InsertField.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(1, op.calls.get());
        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void retriableFailuresAreRetriedWithExponentialBackoffUntilTheyPass() {
        Flaky op = new Flaky(new RetriableException("1"), new RetriableException("2"), new RetriableException("3"));
        ErrorHandler errors = handler(Map.of("errors.retry.timeout", "10000"));
        assertEquals("ok", errors.execute(Stage.TASK_PUT, Object.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(4, op.calls.get());
        assertEquals(List.of(300L, 600L, 1200L), clock.sleeps);
    }

    @Test
    void retriesStopAtTheRetryTimeoutAndFailTheTaskWhenToleranceIsNone() {
        RetriableException cause = new RetriableException("db down");
        Flaky op = Flaky.always(cause);
        ErrorHandler errors = handler(Map.of("errors.retry.timeout", "1000"));
        ConnectException e = assertThrows(ConnectException.class,
                () -> errors.execute(Stage.TASK_PUT, Object.class.getName(), RecordContext.of(CONSUMED), op));
        assertSame(cause, e.getCause());
        assertEquals(List.of(300L, 600L, 100L), clock.sleeps, "the last delay is cut to the deadline");
        assertEquals(4, op.calls.get());
    }

    @Test
    void retriesStopAtTheRetryTimeoutAndSkipTheRecordWhenToleranceIsAll() {
        Flaky op = Flaky.always(new RetriableException("db down"));
        ErrorHandler errors = handler(Map.of("errors.retry.timeout", "1000", "errors.tolerance", "all"));
        assertNull(errors.execute(Stage.VALUE_CONVERTER, Object.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(4, op.calls.get());
    }

    @Test
    void thereAreNoRetriesByDefault() {
        Flaky op = Flaky.always(new RetriableException("db down"));
        ErrorHandler errors = handler(Map.of());
        assertThrows(ConnectException.class,
                () -> errors.execute(Stage.TASK_PUT, Object.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(1, op.calls.get());
        assertTrue(clock.sleeps.isEmpty());
    }

    @Test
    void delaysAreJitteredBelowTheMaximumOnceItIsReached() {
        Exception[] failures = new Exception[6];
        java.util.Arrays.fill(failures, new RetriableException("busy"));
        Flaky op = new Flaky(failures);
        ErrorHandler errors = handler(Map.of("errors.retry.timeout", "-1", "errors.retry.delay.max.ms", "1000"));
        assertEquals("ok", errors.execute(Stage.TASK_PUT, Object.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(List.of(300L, 600L, 500L, 500L, 500L, 500L), clock.sleeps);
    }

    @Test
    void infiniteRetryTimeoutKeepsRetryingUntilTheTaskIsStopped() {
        Flaky op = Flaky.always(new RetriableException("db down"));
        ErrorHandler errors = handler(Map.of("errors.retry.timeout", "-1", "errors.tolerance", "all"));
        clock.onSleep = () -> {
            if (clock.sleeps.size() == 50) {
                errors.triggerStop();
            }
        };
        assertNull(errors.execute(Stage.TASK_PUT, Object.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(50, op.calls.get());
    }

    @Test
    void afterStopRetriableFailuresAreFinalAtOnce() {
        ErrorHandler errors = handler(Map.of("errors.retry.timeout", "-1"));
        errors.triggerStop();
        Flaky op = Flaky.always(new RetriableException("db down"));
        assertThrows(ConnectException.class,
                () -> errors.execute(Stage.TASK_PUT, Object.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(1, op.calls.get());
    }

    @Test
    void nonRetriableTransformationFailureIsSkippedWithToleranceAll() {
        Flaky op = Flaky.always(new IllegalArgumentException("bad field"));
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all", "errors.retry.timeout", "5000"));
        assertNull(errors.execute(Stage.TRANSFORMATION, InsertField.class.getName(), RecordContext.of(CONSUMED), op));
        assertEquals(1, op.calls.get(), "non-retriable failures are not retried");
    }

    @Test
    void nonRetriableTransformationFailureFailsTheTaskWithToleranceNone() {
        IllegalArgumentException cause = new IllegalArgumentException("bad field");
        ErrorHandler errors = handler(Map.of("errors.tolerance", "none"));
        ConnectException e = assertThrows(ConnectException.class, () -> errors.execute(Stage.TRANSFORMATION,
                InsertField.class.getName(), RecordContext.of(CONSUMED), Flaky.always(cause)));
        assertEquals("Tolerance exceeded in error handler: the transformation " + InsertField.class.getName()
                + " failed on record orders-3@42: bad field", e.getMessage());
        assertSame(cause, e.getCause());
    }

    @Test
    void nonRetriableFailureOfTheTaskItselfIsNeverToleratedAsInApache() {
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all"));
        ConnectException e = assertThrows(ConnectException.class, () -> errors.execute(Stage.TASK_PUT,
                Object.class.getName(), RecordContext.of(CONSUMED), Flaky.always(new IllegalStateException("boom"))));
        assertEquals("Unhandled exception in error handler: the sink task (java.lang.Object) failed on record "
                + "orders-3@42: boom", e.getMessage());
    }

    @Test
    void aConverterFailureNamesTheStageItsConfigKeyAndTheClassAsConfigured() {
        ErrorHandler errors = handler(Map.of());
        ConnectException e = assertThrows(ConnectException.class, () -> errors.execute(Stage.KEY_CONVERTER,
                org.apache.kafka.connect.json.JsonConverter.class.getName(), RecordContext.of(CONSUMED), Flaky.always(new DataException(
                        "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields"))));
        assertEquals("Tolerance exceeded in error handler: the key converter (key.converter="
                + "org.apache.kafka.connect.json.JsonConverter) could not convert the key of record orders-3@42: "
                + "JsonConverter with schemas.enable requires \"schema\" and \"payload\" fields", e.getMessage());
        ConnectException header = assertThrows(ConnectException.class, () -> errors.execute(Stage.HEADER_CONVERTER,
                "org.apache.kafka.connect.converters.LongConverter", RecordContext.of(CONSUMED),
                Flaky.always(new DataException("not a long"))));
        assertTrue(header.getMessage().contains("the header converter (header.converter="
                + "org.apache.kafka.connect.converters.LongConverter) could not convert the headers of"), header.getMessage());
    }

    @Test
    void aNullKeyIsToldApartFromAKeyWithoutASchema() {
        ErrorHandler errors = handler(Map.of());
        SourceRecord nullKey = new SourceRecord(Map.of(), Map.of(), "rows", null, null, Schema.STRING_SCHEMA, "v");
        ConnectException e = assertThrows(ConnectException.class, () -> errors.execute(Stage.KEY_CONVERTER,
                Object.class.getName(), RecordContext.of(nullKey), Flaky.always(new DataException("a schema is required"))));
        assertTrue(e.getMessage().contains("the key of a record for topic rows (the key is null): a schema is required"),
                e.getMessage());
        SourceRecord schemaless = new SourceRecord(Map.of(), Map.of(), "rows", null, Map.of("id", 1), Schema.STRING_SCHEMA, "v");
        ConnectException e2 = assertThrows(ConnectException.class, () -> errors.execute(Stage.KEY_CONVERTER,
                Object.class.getName(), RecordContext.of(schemaless), Flaky.always(new DataException("a schema is required"))));
        assertTrue(e2.getMessage().contains("(the key has no schema)"), e2.getMessage());
        ConsumerRecord<byte[], byte[]> tombstone = new ConsumerRecord<>("orders", 0, 7L, "k".getBytes(StandardCharsets.UTF_8), null);
        ConnectException e3 = assertThrows(ConnectException.class, () -> errors.execute(Stage.VALUE_CONVERTER,
                Object.class.getName(), RecordContext.of(tombstone), Flaky.always(new DataException("no value"))));
        assertTrue(e3.getMessage().contains("record orders-0@7 (the value is null: a tombstone)"), e3.getMessage());
    }

    @Test
    void toleratedFailuresAreLoggedOnceAndThenAtMostOnceAMinuteNotPerRecord() {
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all"));
        try (LogCapture log = LogCapture.open()) {
            for (int i = 0; i < 50_000; i++) {
                errors.execute(Stage.VALUE_CONVERTER, org.apache.kafka.connect.json.JsonConverter.class.getName(), RecordContext.of(CONSUMED),
                        Flaky.always(new DataException("not JSON")));
                clock.now += 2; // 50,000 failures over 100 s
            }
            List<String> told = log.linesWith("tolerated");
            assertEquals(2, told.size(), "the first at once, then one summary a minute: " + told);
            assertTrue(told.get(0).startsWith("WARN") && told.get(0).contains("the value converter (value.converter="
                    + "org.apache.kafka.connect.json.JsonConverter)") && told.get(0).contains("skipped"), told.get(0));
            assertTrue(told.get(1).contains("tolerated 30000 more failures in the last 60 s"), told.get(1));
        }
    }

    @Test
    void clientRetriableErrorsAreRetriedOnlyForProducerSends() {
        ErrorHandler errors = handler(Map.of("errors.retry.timeout", "10000"));
        Flaky produce = new Flaky(new TimeoutException("no leader"));
        assertEquals("ok", errors.execute(Stage.KAFKA_PRODUCE, Object.class.getName(), RecordContext.of(CONSUMED), produce));
        assertEquals(2, produce.calls.get());
        Flaky put = new Flaky(new TimeoutException("no leader"));
        assertThrows(ConnectException.class,
                () -> errors.execute(Stage.TASK_PUT, Object.class.getName(), RecordContext.of(CONSUMED), put));
        assertEquals(1, put.calls.get());
    }

    @Test
    void reportErrantFailsTheTaskWhenToleranceIsNone() {
        ErrorHandler errors = handler(Map.of("errors.log.enable", "true"));
        RuntimeException cause = new RuntimeException("bad row");
        ConnectException e = assertThrows(ConnectException.class, () -> errors.reportErrant(CONSUMED, cause));
        assertSame(cause, e.getCause());
    }

    @Test
    void reportErrantWithoutDeadLetterQueueCompletesAtOnce() {
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all", "errors.log.enable", "true"));
        assertTrue(errors.reportErrant(CONSUMED, new RuntimeException("bad row")).isDone());
    }

    @Test
    void toleratedFailureWritesTheOriginalRecordToTheDeadLetterQueue() {
        MockProducer<byte[], byte[]> producer = mockProducer(true);
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all"),
                new DeadLetterQueueReporter(producer, "orders-dlq", false));
        assertNull(errors.execute(Stage.VALUE_CONVERTER, Object.class.getName(), RecordContext.of(CONSUMED),
                Flaky.always(new RuntimeException("not json"))));
        ProducerRecord<byte[], byte[]> sent = producer.history().get(0);
        assertEquals("orders-dlq", sent.topic());
        assertEquals("key", new String(sent.key(), StandardCharsets.UTF_8));
        assertEquals("value", new String(sent.value(), StandardCharsets.UTF_8));
        assertEquals(CONSUMED.timestamp(), sent.timestamp());
        assertEquals(1, sent.headers().toArray().length, "only the original header without context headers");
    }

    @Test
    void reportErrantFutureCompletesWhenTheDeadLetterQueueWriteIsAcknowledged() throws Exception {
        MockProducer<byte[], byte[]> producer = mockProducer(false);
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all"),
                new DeadLetterQueueReporter(producer, "orders-dlq", true));
        Future<Void> reported = errors.reportErrant(CONSUMED, new RuntimeException("bad row"));
        assertFalse(reported.isDone());
        producer.completeNext();
        reported.get(1, TimeUnit.SECONDS);
    }

    @Test
    void failedDeadLetterQueueWriteFailsTheTaskOnItsNextOperation() {
        MockProducer<byte[], byte[]> producer = mockProducer(false);
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all"),
                new DeadLetterQueueReporter(producer, "orders-dlq", false));
        Future<Void> reported = errors.reportErrant(CONSUMED, new RuntimeException("bad row"));
        producer.errorNext(new RecordTooLargeException("too big"));
        ExecutionException failed = assertThrows(ExecutionException.class, () -> reported.get(1, TimeUnit.SECONDS));
        assertTrue(failed.getCause() instanceof RecordTooLargeException);
        ConnectException next = assertThrows(ConnectException.class,
                () -> errors.execute(Stage.TRANSFORMATION, Object.class.getName(), RecordContext.of(CONSUMED), () -> "ok"));
        assertTrue(next.getCause() instanceof RecordTooLargeException);
        assertThrows(ConnectException.class, () -> errors.reportErrant(CONSUMED, new RuntimeException("x")));
        assertThrows(ConnectException.class, errors::flush);
    }

    @Test
    void closeIsIdempotentAndClosesTheDeadLetterQueueProducer() {
        MockProducer<byte[], byte[]> producer = mockProducer(true);
        ErrorHandler errors = handler(Map.of("errors.tolerance", "all"),
                new DeadLetterQueueReporter(producer, "orders-dlq", false));
        errors.close();
        errors.close();
        assertTrue(producer.closed());
    }

    @Test
    void logLineNamesTaskStageClassAndCoordinatesButNotTheDataByDefault() {
        Failure failure = new Failure(TASK, Stage.TRANSFORMATION, InsertField.Value.class.getName(), RecordContext.of(CONSUMED),
                new RuntimeException("x"), 1);
        String line = new LogErrorReporter(false).message(failure);
        assertTrue(line.contains("orders-sink-2"), line);
        assertTrue(line.contains("TRANSFORMATION"), line);
        assertTrue(line.contains(InsertField.Value.class.getName()), line);
        assertTrue(line.contains("topic='orders', partition=3, offset=42"), line);
        assertFalse(line.contains("value"), line);
        assertFalse(line.contains("trace"), line);
        String withData = new LogErrorReporter(true).message(failure);
        assertTrue(withData.contains("key=\"key\", value=\"value\", headers=[trace=\"abc\"]"), withData);
    }

    private static MockProducer<byte[], byte[]> mockProducer(boolean autoComplete) {
        return new MockProducer<>(autoComplete, null, new ByteArraySerializer(), new ByteArraySerializer());
    }
}
