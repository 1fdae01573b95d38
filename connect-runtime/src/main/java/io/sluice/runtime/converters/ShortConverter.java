package io.sluice.runtime.converters;

import org.apache.kafka.common.serialization.ShortDeserializer;
import org.apache.kafka.common.serialization.ShortSerializer;
import org.apache.kafka.connect.data.Schema;

/** Converter and header converter for short values (optional INT16 schema); replaces Apache's {@code org.apache.kafka.connect.converters.ShortConverter}. */
public class ShortConverter extends NumberConverter<Short> {

    public ShortConverter() {
        super("short", Short.class, Schema.OPTIONAL_INT16_SCHEMA, new ShortSerializer(), new ShortDeserializer());
    }
}
