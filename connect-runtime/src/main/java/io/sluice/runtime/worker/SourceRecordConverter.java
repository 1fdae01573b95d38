package io.sluice.runtime.worker;

import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import io.sluice.runtime.worker.errors.Stage;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns a record a source task polled into the record to produce: the SMTs, then the header, key
 * and value converters.
 *
 * <p>Per record this is the hot path, so it first runs the converters directly; only when one
 * throws does the record go through the error policy stage by stage (retries, tolerance, reports),
 * which re-runs the conversions: converters are functions of their input.
 */
final class SourceRecordConverter {
    private final ConverterSet converters;
    private final TransformationChain<SourceRecord> transforms;
    private final ErrorHandler errors;
    /** See {@link #noHeaders()}; one thread converts at a time (the task thread or its {@link ConvertAhead}). */
    private RecordHeaders emptyHeaders = new RecordHeaders();

    SourceRecordConverter(ConverterSet converters, TransformationChain<SourceRecord> transforms, ErrorHandler errors) {
        this.converters = converters;
        this.transforms = transforms;
        this.errors = errors;
    }

    /** The record to produce, or null when an SMT dropped it or the error policy tolerated a failure. */
    ProducerRecord<byte[], byte[]> convert(SourceRecord original) {
        SourceRecord record = transforms.isEmpty() ? original
                : transforms.apply(original, errors, RecordContext.of(original));
        if (record == null) {
            return null;
        }
        ProducerRecord<byte[], byte[]> out = convertFast(record);
        return out != null ? out : convertUnderPolicy(record, RecordContext.of(original));
    }

    /**
     * The record converted by the converters alone, without SMTs or the error policy: null when one of them threw
     * (then {@link #convert} decides). Used by {@link ConvertAhead} for a task without SMTs.
     */
    ProducerRecord<byte[], byte[]> convertFast(SourceRecord record) {
        String topic = record.topic();
        RecordHeaders headers;
        byte[] key;
        byte[] value;
        try {
            headers = headers(record);
            key = converters.key().fromConnectData(topic, headers, record.keySchema(), record.key());
            value = converters.value().fromConnectData(topic, headers, record.valueSchema(), record.value());
        } catch (RuntimeException e) {
            return null;
        }
        return new ProducerRecord<>(topic, record.kafkaPartition(), timestamp(record), key, value, orNull(headers));
    }

    private ProducerRecord<byte[], byte[]> convertUnderPolicy(SourceRecord record, RecordContext context) {
        String topic = record.topic();
        RecordHeaders headers = errors.execute(Stage.HEADER_CONVERTER, converters.headerName(), context,
                () -> headers(record));
        if (headers == null) {
            return null;
        }
        byte[][] key = errors.execute(Stage.KEY_CONVERTER, converters.keyName(), context,
                () -> new byte[][] {converters.key().fromConnectData(topic, headers, record.keySchema(), record.key())});
        if (key == null) {
            return null;
        }
        byte[][] value = errors.execute(Stage.VALUE_CONVERTER, converters.valueName(), context,
                () -> new byte[][] {converters.value().fromConnectData(topic, headers, record.valueSchema(), record.value())});
        if (value == null) {
            return null;
        }
        return new ProducerRecord<>(topic, record.kafkaPartition(), timestamp(record), key[0], value[0], orNull(headers));
    }

    /**
     * The headers to give the producer record, which copies them into headers of its own: null when there are none
     * (the usual case), which spares a copy per record (RecordHeaders' toArray of no headers allocates nothing).
     */
    private static RecordHeaders orNull(RecordHeaders headers) {
        return headers.toArray().length == 0 ? null : headers;
    }

    private RecordHeaders headers(SourceRecord record) {
        if (record.headers() == null || record.headers().isEmpty()) {
            return noHeaders();
        }
        RecordHeaders headers = new RecordHeaders();
        for (Header h : record.headers()) {
            headers.add(h.key(), converters.header().fromConnectHeader(record.topic(), h.key(), h.schema(), h.value()));
        }
        return headers;
    }

    /**
     * The headers handed to the converters of a record that has none: one instance, reused while it stays empty (a
     * converter may add headers; those go with their record and the next record gets a new instance). The producer
     * record copies headers into its own, so nothing keeps this one.
     */
    private RecordHeaders noHeaders() {
        if (emptyHeaders.toArray().length != 0) {
            emptyHeaders = new RecordHeaders();
        }
        return emptyHeaders;
    }

    private static Long timestamp(SourceRecord record) {
        Long timestamp = record.timestamp();
        return timestamp == null || timestamp < 0 ? null : timestamp;
    }
}
