package io.sluice.jdbc.cdc;

import io.sluice.jdbc.TableId;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Which tables are captured, with Debezium's semantics: each list entry is a regular expression matched against the
 * whole schema name, or the whole {@code schema.table} name; PostgreSQL's own schemas are never captured.
 */
public final class CdcTableFilter {
    private static final Set<String> SYSTEM_SCHEMAS = Set.of("pg_catalog", "information_schema", "pg_toast");

    private final List<Pattern> schemaIncludes;
    private final List<Pattern> schemaExcludes;
    private final List<Pattern> tableIncludes;
    private final List<Pattern> tableExcludes;

    CdcTableFilter(List<String> schemaIncludes, List<String> schemaExcludes, List<String> tableIncludes,
                   List<String> tableExcludes) {
        this.schemaIncludes = compile(schemaIncludes);
        this.schemaExcludes = compile(schemaExcludes);
        this.tableIncludes = compile(tableIncludes);
        this.tableExcludes = compile(tableExcludes);
    }

    private static List<Pattern> compile(List<String> entries) {
        return entries.stream().map(String::trim).filter(e -> !e.isEmpty())
                .map(e -> Pattern.compile(e, Pattern.CASE_INSENSITIVE)).toList();
    }

    public boolean accepts(TableId table) {
        String schema = table.schema();
        if (schema == null || SYSTEM_SCHEMAS.contains(schema) || schema.startsWith("pg_temp")) {
            return false;
        }
        if (!schemaIncludes.isEmpty() && schemaIncludes.stream().noneMatch(p -> p.matcher(schema).matches())) {
            return false;
        }
        if (schemaExcludes.stream().anyMatch(p -> p.matcher(schema).matches())) {
            return false;
        }
        String name = schema + "." + table.table();
        if (!tableIncludes.isEmpty() && tableIncludes.stream().noneMatch(p -> p.matcher(name).matches())) {
            return false;
        }
        return tableExcludes.stream().noneMatch(p -> p.matcher(name).matches());
    }

    /** Whether an include-list entry names at least one of these tables (an entry that names none is a mistake). */
    static boolean matchesAny(String entry, List<TableId> tables) {
        Pattern p = Pattern.compile(entry.trim(), Pattern.CASE_INSENSITIVE);
        return tables.stream().anyMatch(t -> p.matcher(t.schema() + "." + t.table()).matches());
    }
}
