package io.sluice.jdbc.dialect;

import io.sluice.jdbc.TableId;
import java.util.List;
import java.util.Map;

/** An existing table: its columns by exact name, in table order, and its primary key columns. */
public record TableDefinition(TableId id, Map<String, ColumnDefinition> columns, List<String> primaryKey) {
}
