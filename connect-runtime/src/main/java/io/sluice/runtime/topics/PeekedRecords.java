package io.sluice.runtime.topics;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.runtime.config.SecretKeys;
import io.sluice.runtime.storage.ConfigRecordSecrets;
import io.sluice.runtime.worker.RecordDecoder;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;
import org.apache.kafka.connect.storage.ConverterType;

/**
 * Renders peeked records as JSON: raw (UTF-8 text, or base64 when the bytes are not text or base64 is asked for), or
 * decoded by a connector's converters. A value holding a Connect config or session key, of any cluster in any topic,
 * is rendered with its secrets masked ({@link ConfigRecordSecrets}) and marked {@code value_masked}: masked before
 * any rendering, so neither base64 nor a converter carries a secret out, and again after decoding.
 */
final class PeekedRecords {
    private static final ObjectMapper MAPPER = new ObjectMapper();

    private final String format;
    private final RecordDecoder decoder;
    private final JsonConverter json;
    private final SecretKeys secrets;

    /** @param decoder the connector's converters, or null for raw bytes in {@code format} (utf8, base64 or auto) */
    PeekedRecords(String format, RecordDecoder decoder, SecretKeys secrets) {
        this.format = format;
        this.decoder = decoder;
        this.json = decoder == null ? null : displayConverter();
        this.secrets = secrets;
    }

    ObjectNode render(ConsumerRecord<byte[], byte[]> r) {
        ObjectNode node = JsonNodeFactory.instance.objectNode();
        node.put("offset", r.offset());
        node.put("timestamp", r.timestamp());
        node.put("timestamp_type", r.timestampType().name);
        byte[] value = masked(r.value());
        boolean masked = value != r.value();
        if (decoder == null) {
            raw(node, "key", r.key(), format);
            raw(node, "value", value, format);
        } else {
            decoded(node, "key", r.key(), () -> decoder.key(r.topic(), r.headers(), r.key()), r.topic());
            masked |= decoded(node, "value", value, () -> decoder.value(r.topic(), r.headers(), value), r.topic());
        }
        if (masked) {
            node.put("value_masked", true);
        }
        if (r.headers().toArray().length > 0) {
            ArrayNode headers = node.putArray("headers");
            for (Header h : r.headers()) {
                ObjectNode header = headers.addObject().put("key", h.key());
                raw(header, "value", h.value(), decoder == null ? format : "auto");
            }
        }
        return node;
    }

    private byte[] masked(byte[] value) {
        return ConfigRecordSecrets.masked(value, secrets::mask, SecretKeys.MASK);
    }

    private static void raw(ObjectNode node, String field, byte[] bytes, String format) {
        if (bytes == null) {
            node.putNull(field);
            return;
        }
        String utf8 = "base64".equals(format) ? null : utf8(bytes);
        if (utf8 == null && "utf8".equals(format)) {
            utf8 = new String(bytes, StandardCharsets.UTF_8);
        }
        if (utf8 != null) {
            node.put(field, utf8);
        } else {
            node.put(field, Base64.getEncoder().encodeToString(bytes));
            node.put(field + "_encoding", "base64");
        }
    }

    /** Puts the decoded field; true when its rendering had secrets to mask. */
    private boolean decoded(ObjectNode node, String field, byte[] bytes, Supplier<SchemaAndValue> decode, String topic) {
        if (bytes == null) {
            node.putNull(field);
            return false;
        }
        try {
            SchemaAndValue data = decode.get();
            byte[] rendered = json.fromConnectData(topic, data.schema(), data.value());
            byte[] shown = rendered == null ? null : masked(rendered);
            node.set(field, shown == null ? JsonNodeFactory.instance.nullNode() : MAPPER.readTree(shown));
            if (data.schema() != null) {
                node.put(field + "_schema", data.schema().name() != null ? data.schema().name()
                        : data.schema().type().getName());
            }
            return shown != rendered;
        } catch (Exception e) {
            raw(node, field, bytes, "auto");
            node.put(field + "_error", TopicService.rootMessage(e));
            return false;
        }
    }

    /** Connect data as plain JSON, for display. */
    private static JsonConverter displayConverter() {
        JsonConverter json = new JsonConverter();
        json.configure(Map.of(JsonConverterConfig.SCHEMAS_ENABLE_CONFIG, "false",
                JsonConverterConfig.TYPE_CONFIG, ConverterType.VALUE.getName(),
                JsonConverterConfig.DECIMAL_FORMAT_CONFIG, "NUMERIC"));
        return json;
    }

    private static String utf8(byte[] bytes) {
        try {
            return StandardCharsets.UTF_8.newDecoder()
                    .onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT)
                    .decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            return null;
        }
    }
}
