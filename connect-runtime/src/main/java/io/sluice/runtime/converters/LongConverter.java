package io.sluice.runtime.converters;

import org.apache.kafka.common.serialization.LongDeserializer;
import org.apache.kafka.common.serialization.LongSerializer;
import org.apache.kafka.connect.data.Schema;

/** Converter and header converter for long values (optional INT64 schema); replaces Apache's {@code org.apache.kafka.connect.converters.LongConverter}. */
public class LongConverter extends NumberConverter<Long> {

    public LongConverter() {
        super("long", Long.class, Schema.OPTIONAL_INT64_SCHEMA, new LongSerializer(), new LongDeserializer());
    }
}
