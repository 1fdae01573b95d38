package io.sluice.runtime.converters;

import org.apache.kafka.common.serialization.DoubleDeserializer;
import org.apache.kafka.common.serialization.DoubleSerializer;
import org.apache.kafka.connect.data.Schema;

/** Converter and header converter for double values (optional FLOAT64 schema); replaces Apache's {@code org.apache.kafka.connect.converters.DoubleConverter}. */
public class DoubleConverter extends NumberConverter<Double> {

    public DoubleConverter() {
        super("double", Double.class, Schema.OPTIONAL_FLOAT64_SCHEMA, new DoubleSerializer(), new DoubleDeserializer());
    }
}
