package io.sluice.jdbc.sink;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.ColumnDefinition;
import io.sluice.jdbc.dialect.DatabaseDialect;
import io.sluice.jdbc.dialect.SinkColumn;
import io.sluice.jdbc.dialect.TableDefinition;
import io.sluice.jdbc.sink.JdbcSinkConfig.InsertMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * Writes rows on one connection without committing: per table, per run of records of the same
 * shape, deletes first and then the final write for each key, so replaying a batch converges to
 * the same table (last record per key wins, as it would one by one).
 */
final class BatchWriter {
    private final DatabaseDialect dialect;
    private final TableManager tables;
    /** The table write was writing: after a failure, the one that failed. Used by one writer thread at a time. */
    private TableId writing;
    private final InsertMode mode;
    private final int batchSize;
    private final SchemalessRows schemaless;
    private final LastWrites lastWrites = new LastWrites();

    BatchWriter(DatabaseDialect dialect, TableManager tables, InsertMode mode, int batchSize,
                SchemalessRows schemaless) {
        this.dialect = dialect;
        this.tables = tables;
        this.mode = mode;
        this.batchSize = batchSize;
        this.schemaless = schemaless;
    }

    /** The rows with schemaless ones typed from their tables (the same list when there is none). */
    List<SinkRow> resolve(Connection connection, List<SinkRow> rows) throws SQLException {
        writing = null;
        return schemaless.resolve(connection, rows);
    }

    /**
     * Whether writing these rows takes exactly one statement (one bulk insert into a table already
     * fit for them), so it can run as its own transaction without a separate COMMIT.
     */
    boolean isSingleStatement(List<SinkRow> rows) {
        if (mode != InsertMode.INSERT || !dialect.hasBulkInsert() || rows.isEmpty()) {
            return false;
        }
        SinkRow first = rows.get(0);
        for (SinkRow row : rows) {
            if (row.schemaless() || row.kind() != SinkRow.Kind.WRITE || row.shape() != first.shape() || !row.table().equals(first.table())) {
                return false;
            }
        }
        return tables.isReady(first.table(), first.shape());
    }

    /** The rows of rows in the table being written when write last threw: all of them when it is not known. */
    List<SinkRow> failedRows(List<SinkRow> rows) {
        TableId table = writing;
        List<SinkRow> failed = table == null ? rows : rows.stream().filter(r -> table.equals(r.table())).toList();
        return failed.isEmpty() ? rows : failed;
    }

    void write(Connection connection, List<SinkRow> rows) throws SQLException {
        rows = resolve(connection, rows);
        TableId only = rows.isEmpty() ? null : rows.get(0).table();
        for (SinkRow row : rows) {
            if (row.table() != only && !row.table().equals(only)) {
                only = null;
                break;
            }
        }
        if (only != null) {
            // the common batch: one topic, one table (the extractor hands out one TableId per topic)
            writeTable(connection, only, rows);
            return;
        }
        Map<TableId, List<SinkRow>> byTable = new LinkedHashMap<>();
        for (SinkRow row : rows) {
            byTable.computeIfAbsent(row.table(), t -> new ArrayList<>()).add(row);
        }
        for (Map.Entry<TableId, List<SinkRow>> e : byTable.entrySet()) {
            writeTable(connection, e.getKey(), e.getValue());
        }
        writing = null; // what fails later (the commit) is the whole batch's
    }

    private void writeTable(Connection connection, TableId table, List<SinkRow> rows) throws SQLException {
        writing = table;
        int truncate = -1;
        for (int i = 0; i < rows.size(); i++) {
            if (rows.get(i).truncate()) {
                truncate = i;
            }
        }
        if (truncate >= 0) {
            // what came before the last truncate would be removed by it: only the truncate and what follows count
            if (tables.exists(connection, table)) {
                try (Statement statement = connection.createStatement()) {
                    statement.execute(dialect.truncateSql(table));
                }
            }
            rows = rows.subList(truncate + 1, rows.size());
            if (rows.isEmpty()) {
                return;
            }
        }
        int start = 0;
        RowShape shape = null;
        for (int i = 0; i < rows.size(); i++) {
            SinkRow row = rows.get(i);
            if (!row.delete()) {
                if (shape != null && row.shape() != shape) {
                    writeSegment(connection, table, shape, rows.subList(start, i));
                    start = i;
                }
                shape = row.shape();
            }
        }
        writeSegment(connection, table, shape != null ? shape : rows.get(0).shape(), rows.subList(start, rows.size()));
    }

    private void writeSegment(Connection connection, TableId table, RowShape shape, List<SinkRow> rows)
            throws SQLException {
        TableDefinition definition = tables.ensure(connection, table, shape);
        checkNotNull(definition, shape, rows, mode != InsertMode.UPDATE);
        if (shape.keyCount() == 0) {
            writeRows(connection, table, shape, rows);
            return;
        }
        List<SinkRow> deleteRows = new ArrayList<>();
        List<SinkRow> writes = lastWrites.fold(rows, deleteRows);
        if (!deleteRows.isEmpty()) {
            deleteRows(connection, table, shape.keyColumns(), deleteRows);
        }
        writeRows(connection, table, shape, writes);
    }

    /** A NOT NULL column given a null value: name the table, column and record instead of a bare SQL error. */
    private static void checkNotNull(TableDefinition definition, RowShape shape, List<SinkRow> rows, boolean inserts) {
        List<SinkColumn> columns = shape.columns();
        if (inserts && shape.typedByTable() && shape.columns().size() > shape.keyCount()) {
            // a schemaless record may leave a member out: a NOT NULL column without a default then has no value
            // for an insert (an update leaves it as it is)
            for (ColumnDefinition column : definition.columns().values()) {
                if (!column.nullable() && !column.hasDefault() && !hasColumn(columns, column.name())) {
                    for (SinkRow row : rows) {
                        if (!row.delete()) {
                            throw new ConnectException(row.describeRecord() + " does not fit table " + definition.id()
                                    + ": column \"" + column.name() + "\" is NOT NULL but the record has no value for it");
                        }
                    }
                }
            }
        }
        for (int c = 0; c < columns.size(); c++) {
            ColumnDefinition column = definition.columns().get(columns.get(c).name());
            if (column == null || column.nullable()) {
                continue;
            }
            for (SinkRow row : rows) {
                if (!row.delete() && row.values()[c] == null) {
                    throw new ConnectException(row.describeRecord() + " does not fit table " + definition.id()
                            + ": column \"" + column.name() + "\" is NOT NULL but the record has no value for it");
                }
            }
        }
    }

    private static boolean hasColumn(List<SinkColumn> columns, String name) {
        for (SinkColumn c : columns) {
            if (c.name().equals(name)) {
                return true;
            }
        }
        return false;
    }

    private void deleteRows(Connection connection, TableId table, List<SinkColumn> keys, List<SinkRow> rows)
            throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement(dialect.deleteSql(table, keys))) {
            int pending = 0;
            for (SinkRow row : rows) {
                // a delete has its own shape (its key's columns alone): bind its values by its own key column types
                List<SinkColumn> own = row.shape().keyColumns();
                if (!sameNames(own, keys)) {
                    throw new ConnectException(row.describeRecord() + " deletes by key columns " + names(own)
                            + " but the rows of table " + table + " around it are keyed by " + names(keys));
                }
                for (int k = 0; k < keys.size(); k++) {
                    bind(ps, k + 1, own.get(k), row.values()[k], row, table);
                }
                ps.addBatch();
                if (++pending == batchSize) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    private void writeRows(Connection connection, TableId table, RowShape shape, List<SinkRow> rows)
            throws SQLException {
        if (rows.isEmpty() || (mode == InsertMode.UPDATE && shape.valueColumns().isEmpty())) {
            return;
        }
        List<SinkColumn> columns = shape.columns();
        if (mode != InsertMode.UPDATE) {
            List<Object[]> values = new ArrayList<>(rows.size());
            rows.forEach(r -> values.add(r.values()));
            boolean bulk = mode == InsertMode.INSERT ? dialect.bulkInsert(connection, table, columns, values)
                    : shape.keyCount() > 0 && dialect.bulkUpsert(connection, table, columns, values);
            if (bulk) {
                return;
            }
        }
        if (mode == InsertMode.UPDATE && shape.keyCount() == 0) {
            throw new ConnectException("insert.mode=update needs a primary key (pk.mode other than none)");
        }
        if (mode == InsertMode.UPSERT && shape.keyCount() == 0) {
            throw new ConnectException("insert.mode=upsert needs a primary key (pk.mode other than none)");
        }
        String sql = switch (mode) {
            case INSERT -> dialect.insertSql(table, columns);
            case UPSERT -> dialect.upsertSql(table, columns);
            case UPDATE -> dialect.updateSql(table, columns);
        };
        // an UPDATE binds the values first and the key last, in the order of its SET and WHERE clauses
        int[] order = parameterOrder(shape);
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int pending = 0;
            for (SinkRow row : rows) {
                Object[] values = row.values();
                for (int p = 0; p < order.length; p++) {
                    int c = order[p];
                    bind(ps, p + 1, columns.get(c), values[c], row, table);
                }
                ps.addBatch();
                if (++pending == batchSize) {
                    ps.executeBatch();
                    pending = 0;
                }
            }
            if (pending > 0) {
                ps.executeBatch();
            }
        }
    }

    /**
     * Binds one value; a value not of its column's Java type is that record's misfit (reported to errors.tolerance,
     * the batch written row by row), not a crash of the task.
     */
    private void bind(PreparedStatement ps, int index, SinkColumn column, Object value, SinkRow row, TableId table)
            throws SQLException {
        try {
            dialect.bind(ps, index, column.schema(), value);
        } catch (ClassCastException e) {
            throw new ConnectException(row.describeRecord() + " does not fit table " + table + ": column \""
                    + column.name() + "\" (" + column.schema().type().getName() + ") was given a "
                    + SchemalessColumns.kind(value));
        } catch (SQLException e) {
            // the driver refused the value before the server saw it (no server message names the column)
            throw new SQLException("column \"" + column.name() + "\": " + e.getMessage(), e.getSQLState(),
                    e.getErrorCode(), e);
        }
    }

    private static boolean sameNames(List<SinkColumn> a, List<SinkColumn> b) {
        if (a.size() != b.size()) {
            return false;
        }
        for (int i = 0; i < a.size(); i++) {
            if (!a.get(i).name().equals(b.get(i).name())) {
                return false;
            }
        }
        return true;
    }

    private static List<String> names(List<SinkColumn> columns) {
        return columns.stream().map(SinkColumn::name).toList();
    }

    private int[] parameterOrder(RowShape shape) {
        int n = shape.columns().size();
        int[] order = new int[n];
        if (mode == InsertMode.UPDATE) {
            int p = 0;
            for (int c = shape.keyCount(); c < n; c++) {
                order[p++] = c;
            }
            for (int c = 0; c < shape.keyCount(); c++) {
                order[p++] = c;
            }
        } else {
            for (int c = 0; c < n; c++) {
                order[c] = c;
            }
        }
        return order;
    }
}
