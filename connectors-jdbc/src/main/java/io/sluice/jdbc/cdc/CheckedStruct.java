package io.sluice.jdbc.cdc;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import org.apache.kafka.connect.data.ConnectSchema;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * A struct that validates each value as Connect does, more cheaply, and validates itself once until it changes.
 * Connect validates a nested struct in full every time it is put into another ({@code Struct.put} calls the value's
 * {@code validate()}), so a row put into its envelope and a source block shared by a batch of envelopes were checked
 * field by field again for every record: half of the snapshot reader's CPU in a JFR profile. And Connect's
 * {@code Struct.put} builds its error message's {@code field: "name"} string before it validates, on every put: about
 * 1 KB per snapshot row. This struct writes Struct's own value array after the same check
 * ({@link ConnectSchema#validateValue(Schema, Object)}) and names the field only when the check fails; with a
 * connect-api whose Struct keeps its values otherwise, it falls back to Connect's put.
 */
final class CheckedStruct extends Struct {
    private static final VarHandle VALUES = valuesHandle();

    /** Struct's own array of values (null: not reachable, Connect's put is used). */
    private final Object[] values;
    private boolean validated;

    CheckedStruct(Schema schema) {
        super(schema);
        this.values = VALUES == null ? null : (Object[]) VALUES.get(this);
    }

    private static VarHandle valuesHandle() {
        try {
            return MethodHandles.privateLookupIn(Struct.class, MethodHandles.lookup())
                    .findVarHandle(Struct.class, "values", Object[].class);
        } catch (ReflectiveOperationException | RuntimeException e) {
            return null;
        }
    }

    @Override
    public Struct put(Field field, Object value) {
        validated = false;
        if (values == null || field == null) {
            return super.put(field, value);
        }
        check(field, value);
        values[field.index()] = value;
        return this;
    }

    @Override
    public void validate() {
        if (validated) {
            return;
        }
        if (values == null) {
            super.validate();
        } else {
            for (Field field : schema().fields()) {
                check(field, values[field.index()]);
            }
        }
        validated = true;
    }

    private static void check(Field field, Object value) {
        try {
            ConnectSchema.validateValue(field.schema(), value);
        } catch (DataException e) {
            throw new DataException("Invalid value for field \"" + field.name() + "\": " + e.getMessage(), e);
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
