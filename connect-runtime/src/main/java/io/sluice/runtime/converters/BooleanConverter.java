package io.sluice.runtime.converters;

import org.apache.kafka.common.serialization.BooleanDeserializer;
import org.apache.kafka.common.serialization.BooleanSerializer;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.errors.DataException;

/** Converter and header converter for boolean values (optional BOOLEAN schema); replaces Apache's {@code org.apache.kafka.connect.converters.BooleanConverter}. */
public class BooleanConverter extends NumberConverter<Boolean> {

    public BooleanConverter() {
        super("boolean", Boolean.class, Schema.OPTIONAL_BOOLEAN_SCHEMA, new BooleanSerializer(), new BooleanDeserializer());
    }

    @Override
    void checkSchema(Schema valueSchema) {
        if (valueSchema != null && valueSchema.type() != Schema.Type.BOOLEAN) {
            throw new DataException("Invalid schema type for BooleanConverter: " + valueSchema.type());
        }
    }
}
