package io.sluice.jdbc.cdc;

import io.sluice.jdbc.TableId;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What PostgreSQL's catalog says about tables: which ordinary tables exist, and for one table its columns in order
 * (type, modifier, NOT NULL, constant default; generated columns left out, as pgoutput leaves them out), its key (the primary key, else
 * the replica identity index) and its replica identity setting.
 */
final class Catalog {
    /** A table as the catalog describes it. */
    record TableInfo(int oid, TableId id, List<TableSchema.Column> columns, List<String> keyColumns,
                     char replicaIdentity) {
    }

    private static final String COLUMNS = "SELECT a.attname, a.atttypid, a.atttypmod, a.attnotnull, "
            + "pg_catalog.pg_get_expr(d.adbin, d.adrelid) FROM pg_catalog.pg_attribute a "
            + "LEFT JOIN pg_catalog.pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum "
            + "WHERE a.attrelid = ? AND a.attnum > 0 AND NOT a.attisdropped AND a.attgenerated = '' ORDER BY a.attnum";
    /** A default that is a constant: a quoted literal with an optional cast, a number, or a boolean. */
    private static final Pattern QUOTED = Pattern.compile("'((?:[^']|'')*)'(?:::[\\w .\"\\[\\]()]+)?");
    private static final Pattern BARE = Pattern.compile("\\(?(-?[0-9]+(?:\\.[0-9]+)?(?:[eE][-+]?[0-9]+)?|true|false)\\)?"
            + "(?:::[\\w .\"\\[\\]()]+)?");
    private static final String KEY = "SELECT a.attname FROM pg_catalog.pg_index i "
            + "JOIN pg_catalog.pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey) "
            + "WHERE i.indrelid = ? AND i.%s ORDER BY array_position(i.indkey::int2[], a.attnum)";

    /**
     * Whether a transaction (its 32-bit id widened with the epoch of the current snapshot's xmax, the previous epoch
     * when that would put it past xmax) is visible to a snapshot taken now; the txid functions exist on every
     * version pgoutput runs on.
     */
    private static final String VISIBLE = "SELECT txid_visible_in_snapshot(CASE WHEN w > x THEN w - 4294967296 ELSE w "
            + "END, s) FROM (SELECT s, txid_snapshot_xmax(s) AS x, ((txid_snapshot_xmax(s) >> 32) << 32) | ?::bigint AS w "
            + "FROM txid_current_snapshot() s) t";

    private Catalog() {
    }

    /** Ordinary tables outside PostgreSQL's own schemas that the filter accepts, by schema and name. */
    static List<TableId> tables(Connection connection, CdcTableFilter filter) throws SQLException {
        List<TableId> tables = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname, c.relname FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.relkind = 'r' ORDER BY 1, 2"); ResultSet rs = ps.executeQuery()) {
            while (rs.next()) {
                TableId id = new TableId(rs.getString(1), rs.getString(2));
                if (filter.accepts(id)) {
                    tables.add(id);
                }
            }
        }
        return tables;
    }

    /** The table, or null when it does not exist. */
    static TableInfo describe(Connection connection, TableId table) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT c.oid FROM pg_catalog.pg_class c "
                + "JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = ? AND c.relname = ?")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.table());
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? describe(connection, (int) rs.getLong(1)) : null;
            }
        }
    }

    /** The table with this OID, or null when it no longer exists. */
    static TableInfo describe(Connection connection, int oid) throws SQLException {
        TableId id;
        char identity;
        try (PreparedStatement ps = connection.prepareStatement("SELECT n.nspname, c.relname, c.relreplident "
                + "FROM pg_catalog.pg_class c JOIN pg_catalog.pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = ?")) {
            ps.setLong(1, Integer.toUnsignedLong(oid));
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                id = new TableId(rs.getString(1), rs.getString(2));
                identity = rs.getString(3).charAt(0);
            }
        }
        List<TableSchema.Column> columns = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(COLUMNS)) {
            ps.setLong(1, Integer.toUnsignedLong(oid));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(new TableSchema.Column(rs.getString(1), (int) rs.getLong(2), rs.getInt(3),
                            rs.getBoolean(4), constantText(rs.getString(5))));
                }
            }
        }
        List<String> key = keyColumns(connection, oid, "indisprimary");
        if (key.isEmpty()) {
            key = keyColumns(connection, oid, "indisreplident");
        }
        return new TableInfo(oid, id, List.copyOf(columns), key, identity);
    }

    /**
     * Waits until a committed transaction, by its 32-bit id as a stream's Begin message gives it, is visible to new
     * snapshots. The walsender decodes a commit once its WAL record is flushed, a moment before the committing backend
     * leaves the process array: a lookup in that moment does not yet see what the transaction did (a table it
     * created). Gives up after the deadline (the transaction is then read as the catalog stands).
     */
    static void awaitVisible(Connection connection, long xid, long deadlineMillis) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(VISIBLE)) {
            ps.setLong(1, xid);
            while (true) {
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next() || rs.getBoolean(1) || System.currentTimeMillis() >= deadlineMillis) {
                        return;
                    }
                }
                try {
                    Thread.sleep(2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return;
                }
            }
        }
    }

    /**
     * The text form of a default that is a constant, null for none or for an expression the server evaluates
     * (now(), nextval(...), arithmetic): only a constant is every new row's value, and evaluating anything else here
     * could have effects (a sequence advanced).
     */
    static String constantText(String expression) {
        if (expression == null) {
            return null;
        }
        Matcher quoted = QUOTED.matcher(expression.trim());
        if (quoted.matches()) {
            return quoted.group(1).replace("''", "'");
        }
        Matcher bare = BARE.matcher(expression.trim());
        return bare.matches() ? (bare.group(1).equals("true") ? "t" : bare.group(1).equals("false") ? "f"
                : bare.group(1)) : null;
    }

    private static List<String> keyColumns(Connection connection, int oid, String kind) throws SQLException {
        List<String> key = new ArrayList<>();
        try (PreparedStatement ps = connection.prepareStatement(String.format(KEY, kind))) {
            ps.setLong(1, Integer.toUnsignedLong(oid));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    key.add(rs.getString(1));
                }
            }
        }
        return List.copyOf(key);
    }
}
