package io.sluice.jdbc.cdc;

import io.sluice.jdbc.testing.PostgresDatabase;
import java.util.List;
import java.util.stream.Collectors;

/** Compares a source table with its replica in another database: row count and a checksum of the source's columns. */
final class Replica {
    private Replica() {
    }

    /** The source table's columns now, in order. */
    static List<String> columns(PostgresDatabase db, String schema, String table) {
        return db.query("SELECT column_name FROM information_schema.columns WHERE table_schema = '" + schema
                + "' AND table_name = '" + table + "' ORDER BY ordinal_position").stream()
                .map(r -> (String) r.get(0)).toList();
    }

    /** Row count and md5 of every row's columns as text, ordered by the first column, e.g. "1000:5d41...". */
    static String fingerprint(PostgresDatabase db, String qualifiedTable, List<String> columns) {
        String row = columns.stream().map(c -> "coalesce(\"" + c + "\"::text, '~')").collect(Collectors.joining(" || '|' || "));
        try {
            return String.valueOf(db.scalar("SELECT count(*) || ':' || coalesce(md5(string_agg(" + row
                    + ", ',' ORDER BY \"" + columns.get(0) + "\")), '') FROM " + qualifiedTable));
        } catch (IllegalStateException e) {
            return "unreadable: " + e.getMessage(); // the replica table does not exist (yet), or lacks a column
        }
    }

    /** Whether the replica holds exactly the source table's rows (on the source's columns). */
    static boolean same(PostgresDatabase source, PostgresDatabase replica, String schema, String table) {
        List<String> columns = columns(source, schema, table);
        String qualified = "\"" + schema + "\".\"" + table + "\"";
        return fingerprint(source, qualified, columns).equals(fingerprint(replica, qualified, columns));
    }

    static String describe(PostgresDatabase source, PostgresDatabase replica, String schema, String table) {
        List<String> columns = columns(source, schema, table);
        String qualified = "\"" + schema + "\".\"" + table + "\"";
        return table + ": source " + fingerprint(source, qualified, columns) + ", replica "
                + fingerprint(replica, qualified, columns);
    }
}
