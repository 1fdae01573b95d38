package io.sluice.jdbc;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * A table name with an optional schema, kept unquoted; dialects quote it when they write SQL.
 * Text forms: {@code table}, {@code schema.table}, or quoted parts ({@code "my.schema"."a""b"}).
 */
public record TableId(String schema, String table) {

    public TableId {
        Objects.requireNonNull(table, "table");
        if (table.isEmpty()) {
            throw new IllegalArgumentException("Empty table name");
        }
    }

    /** Parses one table reference; a dot outside double quotes separates schema from table. */
    public static TableId parse(String text) {
        List<String> parts = splitOutsideQuotes(text.trim(), '.');
        if (parts.size() == 1) {
            return new TableId(null, unquote(parts.get(0)));
        }
        if (parts.size() == 2) {
            return new TableId(unquote(parts.get(0)), unquote(parts.get(1)));
        }
        // catalog.schema.table: the catalog is the database we are connected to
        return new TableId(unquote(parts.get(parts.size() - 2)), unquote(parts.get(parts.size() - 1)));
    }

    /** Parses a comma-separated list of table references (commas inside quotes belong to names). */
    public static List<TableId> parseList(String text) {
        List<TableId> ids = new ArrayList<>();
        if (text == null || text.isBlank()) {
            return ids;
        }
        for (String part : splitOutsideQuotes(text, ',')) {
            if (!part.isBlank()) {
                ids.add(parse(part));
            }
        }
        return ids;
    }

    /** The unambiguous text form, always quoted, that {@link #parse} reads back. */
    public String quotedText() {
        String t = quotePart(table);
        return schema == null ? t : quotePart(schema) + "." + t;
    }

    /** Writes ids so that {@link #parseList} reads them back exactly. */
    public static String formatList(List<TableId> ids) {
        StringBuilder sb = new StringBuilder();
        for (TableId id : ids) {
            if (!sb.isEmpty()) {
                sb.append(',');
            }
            sb.append(id.quotedText());
        }
        return sb.toString();
    }

    /** schema.table without quotes, for offsets and logs. */
    @Override
    public String toString() {
        return schema == null ? table : schema + "." + table;
    }

    private static String quotePart(String part) {
        return '"' + part.replace("\"", "\"\"") + '"';
    }

    private static String unquote(String part) {
        String p = part.trim();
        if (p.length() >= 2 && p.startsWith("\"") && p.endsWith("\"")) {
            return p.substring(1, p.length() - 1).replace("\"\"", "\"");
        }
        return p;
    }

    private static List<String> splitOutsideQuotes(String text, char separator) {
        List<String> parts = new ArrayList<>();
        StringBuilder current = new StringBuilder();
        boolean quoted = false;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c == '"') {
                quoted = !quoted;
            }
            if (c == separator && !quoted) {
                parts.add(current.toString());
                current.setLength(0);
            } else {
                current.append(c);
            }
        }
        parts.add(current.toString());
        return parts;
    }
}
