package io.sluice.runtime.converters;

import org.apache.kafka.common.serialization.FloatDeserializer;
import org.apache.kafka.common.serialization.FloatSerializer;
import org.apache.kafka.connect.data.Schema;

/** Converter and header converter for float values (optional FLOAT32 schema); replaces Apache's {@code org.apache.kafka.connect.converters.FloatConverter}. */
public class FloatConverter extends NumberConverter<Float> {

    public FloatConverter() {
        super("float", Float.class, Schema.OPTIONAL_FLOAT32_SCHEMA, new FloatSerializer(), new FloatDeserializer());
    }
}
