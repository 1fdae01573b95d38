package io.sluice.runtime.worker.errors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.runtime.model.ConnectorTaskId;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.apache.kafka.connect.transforms.Filter;
import org.junit.jupiter.api.Test;

class DeadLetterQueueReporterTest {

    private static final ConnectorTaskId TASK = new ConnectorTaskId("orders-sink", 1);

    private static ConsumerRecord<byte[], byte[]> consumed(long timestamp) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("trace", new byte[] {1, 2});
        return new ConsumerRecord<>("orders", 4, 17L, timestamp, TimestampType.CREATE_TIME, 1, 2,
                new byte[] {9}, new byte[] {7, 8}, headers, Optional.empty());
    }

    private static String header(ProducerRecord<byte[], byte[]> record, String key) {
        Header h = record.headers().lastHeader(key);
        return h == null || h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8);
    }

    @Test
    void contextHeadersCarryApacheNamesAndUtf8Values() {
        IllegalStateException error = new IllegalStateException("no such field: id");
        Failure failure = new Failure(TASK, Stage.TRANSFORMATION, Filter.class.getName(),
                RecordContext.of(consumed(123L)), error, 1);
        ProducerRecord<byte[], byte[]> record = DeadLetterQueueReporter.toDlqRecord("dlq", failure, true);

        assertEquals("dlq", record.topic());
        assertNull(record.partition());
        assertEquals(123L, record.timestamp());
        assertEquals(9, record.key()[0]);
        assertEquals(2, record.value().length);
        assertEquals(1, record.headers().lastHeader("trace").value()[0], "original headers are kept");
        assertEquals("orders", header(record, "__connect.errors.topic"));
        assertEquals("4", header(record, "__connect.errors.partition"));
        assertEquals("17", header(record, "__connect.errors.offset"));
        assertEquals("orders-sink", header(record, "__connect.errors.connector.name"));
        assertEquals("1", header(record, "__connect.errors.task.id"));
        assertEquals("TRANSFORMATION", header(record, "__connect.errors.stage"));
        assertEquals(Filter.class.getName(), header(record, "__connect.errors.class.name"));
        assertEquals(IllegalStateException.class.getName(), header(record, "__connect.errors.exception.class.name"));
        assertEquals("no such field: id", header(record, "__connect.errors.exception.message"));
        String trace = header(record, "__connect.errors.exception.stacktrace");
        assertTrue(trace.startsWith("java.lang.IllegalStateException: no such field: id"), trace);
        assertTrue(trace.contains("contextHeadersCarryApacheNamesAndUtf8Values"), trace);
    }

    @Test
    void missingExceptionMessageIsANullHeaderValue() {
        Failure failure = new Failure(TASK, Stage.TASK_PUT, Object.class.getName(), RecordContext.of(consumed(1L)),
                new NullPointerException(), 1);
        ProducerRecord<byte[], byte[]> record = DeadLetterQueueReporter.toDlqRecord("dlq", failure, true);
        assertNull(record.headers().lastHeader("__connect.errors.exception.message").value());
    }

    @Test
    void withoutContextHeadersOnlyTheOriginalHeadersAreSent() {
        Failure failure = new Failure(TASK, Stage.TASK_PUT, Object.class.getName(), RecordContext.of(consumed(-1L)),
                new RuntimeException("x"), 1);
        ProducerRecord<byte[], byte[]> record = DeadLetterQueueReporter.toDlqRecord("dlq", failure, false);
        assertEquals(1, record.headers().toArray().length);
        assertNull(record.timestamp(), "no original timestamp: the producer sets one");
    }
}
