package io.sluice.runtime.worker.errors;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.source.SourceRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * errors.log.enable: writes each failure to the application log with where it happened and the
 * record's coordinates; the record's key, value and headers only with errors.log.include.messages,
 * since they may hold personal or secret data.
 */
final class LogErrorReporter {

    private static final Logger log = LoggerFactory.getLogger(LogErrorReporter.class);

    private final boolean includeMessages;

    LogErrorReporter(boolean includeMessages) {
        this.includeMessages = includeMessages;
    }

    void report(Failure failure) {
        log.error(message(failure), failure.error());
    }

    String message(Failure failure) {
        StringBuilder sb = new StringBuilder(256)
                .append("Error encountered in task ").append(failure.task())
                .append(". Executing stage '").append(failure.stage())
                .append("' with class '").append(failure.className()).append('\'');
        if (failure.attempts() > 1) {
            sb.append(" after ").append(failure.attempts()).append(" attempts");
        }
        RecordContext record = failure.record();
        if (record != null && record.consumed() != null) {
            sb.append(", where consumed record is ");
            appendConsumed(sb, record.consumed());
        } else if (record != null && record.source() != null) {
            sb.append(", where source record is ");
            appendSource(sb, record.source());
        }
        return sb.append('.').toString();
    }

    private void appendConsumed(StringBuilder sb, ConsumerRecord<byte[], byte[]> r) {
        sb.append("{topic='").append(r.topic()).append("', partition=").append(r.partition())
                .append(", offset=").append(r.offset()).append(", timestamp=").append(r.timestamp())
                .append(", timestampType=").append(r.timestampType());
        if (includeMessages) {
            sb.append(", key=").append(bytes(r.key())).append(", value=").append(bytes(r.value()))
                    .append(", headers=[");
            boolean first = true;
            for (Header header : r.headers()) {
                if (!first) {
                    sb.append(", ");
                }
                first = false;
                sb.append(header.key()).append('=').append(bytes(header.value()));
            }
            sb.append(']');
        }
        sb.append('}');
    }

    private void appendSource(StringBuilder sb, SourceRecord r) {
        sb.append("{topic='").append(r.topic()).append("', kafkaPartition=").append(r.kafkaPartition())
                .append(", sourcePartition=").append(r.sourcePartition())
                .append(", sourceOffset=").append(r.sourceOffset())
                .append(", timestamp=").append(r.timestamp());
        if (includeMessages) {
            sb.append(", key=").append(r.key()).append(", keySchema=").append(r.keySchema())
                    .append(", value=").append(r.value()).append(", valueSchema=").append(r.valueSchema())
                    .append(", headers=").append(r.headers());
        }
        sb.append('}');
    }

    /** UTF-8 text when the bytes are text, base64 otherwise, so binary payloads don't garble the log. */
    private static String bytes(byte[] value) {
        if (value == null) {
            return "null";
        }
        try {
            return '"' + StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(value)).toString() + '"';
        } catch (CharacterCodingException e) {
            return "base64:" + Base64.getEncoder().encodeToString(value);
        }
    }
}
