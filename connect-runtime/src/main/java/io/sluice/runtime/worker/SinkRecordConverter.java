package io.sluice.runtime.worker;

import io.sluice.runtime.converters.StreamingJsonConverter;
import io.sluice.runtime.worker.errors.ErrorHandler;
import io.sluice.runtime.worker.errors.RecordContext;
import io.sluice.runtime.worker.errors.Stage;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.sink.SinkRecord;

/** Turns a consumed record into the SinkRecord a sink task sees: key, value and header converters, then the SMTs. */
final class SinkRecordConverter {
    private final ConverterSet converters;
    private final TransformationChain<SinkRecord> transforms;
    private final ErrorHandler errors;
    /**
     * The key and value converters when they are the runtime's JsonConverter and no transformation reads the record:
     * a JSON object's map is then made only if the task asks for it (a sink that reads the original bytes never does).
     */
    private final StreamingJsonConverter deferringKeyJson;
    private final StreamingJsonConverter deferringJson;

    SinkRecordConverter(ConverterSet converters, TransformationChain<SinkRecord> transforms, ErrorHandler errors) {
        this.converters = converters;
        this.transforms = transforms;
        this.errors = errors;
        this.deferringKeyJson = transforms.isEmpty() && converters.key() instanceof StreamingJsonConverter json
                ? json : null;
        this.deferringJson = transforms.isEmpty() && converters.value() instanceof StreamingJsonConverter json
                ? json : null;
    }

    /**
     * The record to deliver, or null when a failure was tolerated or a transformation dropped it.
     *
     * <p>Per record this is the hot path, so it first runs the converters directly; only when one throws does the
     * record go through the error policy stage by stage (retries, tolerance, reports), which re-runs the
     * conversions: converters are functions of their input.
     */
    SinkRecord convert(ConsumerRecord<byte[], byte[]> consumed) {
        String topic = consumed.topic();
        SinkRecord record;
        try {
            SchemaAndValue key = deferringKeyJson != null ? deferringKeyJson.toConnectDataDeferred(topic, consumed.key())
                    : converters.key().toConnectData(topic, consumed.headers(), consumed.key());
            SchemaAndValue value = deferringJson != null ? deferringJson.toConnectDataDeferred(topic, consumed.value())
                    : converters.value().toConnectData(topic, consumed.headers(), consumed.value());
            record = new ConsumedSinkRecord(consumed, key, value, headers(consumed));
        } catch (RuntimeException e) {
            return convertUnderPolicy(consumed);
        }
        return transforms.isEmpty() ? record : transforms.apply(record, errors, RecordContext.of(consumed));
    }

    private SinkRecord convertUnderPolicy(ConsumerRecord<byte[], byte[]> consumed) {
        RecordContext ctx = RecordContext.of(consumed);
        String topic = consumed.topic();
        SchemaAndValue key = errors.execute(Stage.KEY_CONVERTER, converters.keyName(), ctx,
                () -> converters.key().toConnectData(topic, consumed.headers(), consumed.key()));
        if (key == null) {
            return null;
        }
        SchemaAndValue value = errors.execute(Stage.VALUE_CONVERTER, converters.valueName(), ctx,
                () -> converters.value().toConnectData(topic, consumed.headers(), consumed.value()));
        if (value == null) {
            return null;
        }
        ConnectHeaders headers = errors.execute(Stage.HEADER_CONVERTER, converters.headerName(), ctx,
                () -> headers(consumed));
        if (headers == null) {
            return null;
        }
        return transforms.apply(new ConsumedSinkRecord(consumed, key, value, headers), errors, ctx);
    }

    private ConnectHeaders headers(ConsumerRecord<byte[], byte[]> consumed) {
        ConnectHeaders headers = new ConnectHeaders();
        // toArray, not the Iterable: a record without headers (most) then costs no iterator objects, only Kafka's
        // shared empty array
        for (Header header : consumed.headers().toArray()) {
            headers.add(header.key(), converters.header().toConnectHeader(consumed.topic(), header.key(), header.value()));
        }
        return headers;
    }
}
