package io.sluice.jdbc.source;

import io.sluice.jdbc.TableId;
import java.util.List;

/** Include and exclude lists; an entry is a table name, or schema.table to name one schema's table. */
final class TableFilter {
    private final List<TableId> includes;
    private final List<TableId> excludes;

    TableFilter(List<String> includes, List<String> excludes) {
        this.includes = includes.stream().map(TableId::parse).toList();
        this.excludes = excludes.stream().map(TableId::parse).toList();
    }

    boolean accepts(TableId table) {
        if (!includes.isEmpty() && includes.stream().noneMatch(e -> matches(e, table))) {
            return false;
        }
        return excludes.stream().noneMatch(e -> matches(e, table));
    }

    private static boolean matches(TableId entry, TableId table) {
        return entry.table().equals(table.table()) && (entry.schema() == null || entry.schema().equals(table.schema()));
    }
}
