package io.sluice.jdbc.cdc;

import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;

/**
 * A struct that validates itself once until it changes. Connect validates a nested struct in full every time it is
 * put into another ({@code Struct.put} calls the value's {@code validate()}), so a row put into its envelope and a
 * source block shared by a batch of envelopes were checked field by field again for every record: half of the
 * snapshot reader's CPU in a JFR profile. Every put still validates its own value; only the repeat is skipped.
 */
final class CheckedStruct extends Struct {
    private boolean validated;

    CheckedStruct(Schema schema) {
        super(schema);
    }

    @Override
    public Struct put(Field field, Object value) {
        validated = false;
        return super.put(field, value);
    }

    @Override
    public void validate() {
        if (!validated) {
            super.validate();
            validated = true;
        }
    }

    /** Equal to a plain struct with the same schema and values too, as a plain struct's copy would be. */
    @Override
    public boolean equals(Object o) {
        if (this == o) {
            return true;
        }
        if (!(o instanceof Struct other) || !schema().equals(other.schema())) {
            return false;
        }
        for (Field field : schema().fields()) {
            if (!java.util.Objects.deepEquals(get(field), other.get(field))) {
                return false;
            }
        }
        return true;
    }

    @Override
    public int hashCode() {
        return super.hashCode();
    }
}
