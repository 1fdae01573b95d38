package io.sluice.runtime.converters;

import org.apache.kafka.common.serialization.IntegerDeserializer;
import org.apache.kafka.common.serialization.IntegerSerializer;
import org.apache.kafka.connect.data.Schema;

/** Converter and header converter for integer values (optional INT32 schema); replaces Apache's {@code org.apache.kafka.connect.converters.IntegerConverter}. */
public class IntegerConverter extends NumberConverter<Integer> {

    public IntegerConverter() {
        super("integer", Integer.class, Schema.OPTIONAL_INT32_SCHEMA, new IntegerSerializer(), new IntegerDeserializer());
    }
}
