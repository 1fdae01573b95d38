package io.sluice.jdbc.sink;

import io.sluice.jdbc.dialect.SinkColumn;
import java.util.List;
import org.apache.kafka.connect.data.Field;

/**
 * The columns a group of records writes: key columns first, then value columns; {@code fields}
 * holds, per column, the struct field its value is read from (null where it is not read from a
 * struct field), so rows are extracted by index rather than by name. {@code typedByTable}: the column types came
 * from the table itself (schemaless records), so auto.evolve adds columns for them but never widens one.
 * {@code followsSource}: the records are change events of a database table (they carry the {@code __op} header), so
 * their field types follow the source's columns, and a field of another kind of type than its column means the source
 * changed that column's type: auto.evolve converts the column (other sinks never change the type a user gave one).
 */
record RowShape(List<SinkColumn> columns, int keyCount, Field[] fields, boolean typedByTable, boolean followsSource) {

    List<SinkColumn> keyColumns() {
        return columns.subList(0, keyCount);
    }

    List<SinkColumn> valueColumns() {
        return columns.subList(keyCount, columns.size());
    }
}
