package io.sluice.runtime.converters;

import com.fasterxml.jackson.core.json.JsonReadFeature;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaAndValue;
import org.apache.kafka.connect.json.DecimalFormat;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.json.JsonConverterConfig;

/**
 * Apache's JsonConverter with streaming fast paths for the schemas.enable envelope, producing identical bytes and
 * values; whatever the fast paths are not sure of, including every error, is left to Apache's own code.
 */
public class StreamingJsonConverter extends JsonConverter {
    private JsonEnvelopeDecoder decoder;
    private JsonEnvelopeEncoder encoder;
    private boolean schemasEnabled = true;
    private final LongAdder deferred = new LongAdder();

    /**
     * Package-private so the plugin scanner, which wants a public no-arg constructor, does not list it:
     * it is not a plugin of its own but what the runtime runs when a task names Apache's JsonConverter.
     */
    StreamingJsonConverter() {
    }

    public static StreamingJsonConverter create() {
        return new StreamingJsonConverter();
    }

    @Override
    public void configure(Map<String, ?> configs) {
        super.configure(configs);
        JsonConverterConfig config = new JsonConverterConfig(configs);
        schemasEnabled = config.schemasEnabled();
        if (config.schemasEnabled() && config.schemaContent() == null) {
            // Parses like Apache's JsonDeserializer; those features do not touch generation, so its
            // generators write what Apache's JsonSerializer writes.
            ObjectMapper mapper = new ObjectMapper();
            mapper.enable(JsonReadFeature.ALLOW_LEADING_ZEROS_FOR_NUMBERS.mappedFeature());
            mapper.enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS);
            mapper.setNodeFactory(new JsonNodeFactory(true));
            decoder = new JsonEnvelopeDecoder(this, mapper, config.replaceNullWithDefault(), config.schemaCacheSize());
            encoder = new JsonEnvelopeEncoder(this, mapper, config.replaceNullWithDefault(),
                    config.decimalFormat() == DecimalFormat.NUMERIC, config.schemaCacheSize());
        } else {
            decoder = null;
            encoder = null;
        }
    }

    @Override
    public byte[] fromConnectData(String topic, Schema schema, Object value) {
        if (encoder != null && schema != null) {
            try {
                return encoder.encode(schema, value);
            } catch (Exception declined) {
                deferred.increment();
            }
        }
        return super.fromConnectData(topic, schema, value);
    }

    @Override
    public SchemaAndValue toConnectData(String topic, byte[] value) {
        if (decoder != null && value != null) {
            try {
                return decoder.decode(value);
            } catch (Exception declined) {
                deferred.increment();
            }
        }
        return super.toConnectData(topic, value);
    }

    /**
     * As {@link #toConnectData(String, byte[])}, except that with schemas.enable=false a value that is one
     * well-formed JSON object is checked only: its map is made when first used ({@link DeferredJsonObject}). For a
     * sink task without transformations, whose value is then read by the task alone and whose record keeps these
     * bytes as its original. Anything else, every error included, is converted at once as usual.
     */
    @SuppressWarnings("unchecked")
    public SchemaAndValue toConnectDataDeferred(String topic, byte[] value) {
        if (!schemasEnabled && value != null && JsonObjectCheck.isObject(value)) {
            return new SchemaAndValue(null,
                    new DeferredJsonObject(() -> (Map<Object, Object>) toConnectData(topic, value).value()));
        }
        return toConnectData(topic, value);
    }

    /** How many conversions the fast paths handed to Apache's code (for tests). */
    long deferredToApache() {
        return deferred.sum();
    }
}
