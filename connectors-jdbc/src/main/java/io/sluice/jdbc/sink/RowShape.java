package io.sluice.jdbc.sink;

import io.sluice.jdbc.dialect.SinkColumn;
import java.util.List;

/** The columns a group of records writes: key columns first, then value columns. */
record RowShape(List<SinkColumn> columns, int keyCount) {

    List<SinkColumn> keyColumns() {
        return columns.subList(0, keyCount);
    }

    List<SinkColumn> valueColumns() {
        return columns.subList(keyCount, columns.size());
    }
}
