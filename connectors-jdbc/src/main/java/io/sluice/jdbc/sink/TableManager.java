package io.sluice.jdbc.sink;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.ColumnDefinition;
import io.sluice.jdbc.dialect.ColumnTypeChange;
import io.sluice.jdbc.dialect.DatabaseDialect;
import io.sluice.jdbc.dialect.SinkColumn;
import io.sluice.jdbc.dialect.TableDefinition;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Savepoint;
import java.sql.Statement;
import java.sql.Types;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Knows the destination tables: describes them once, creates missing ones (auto.create), adds columns, widens
 * those whose type would round or refuse the records' values, converts those of another kind of type than the
 * records' fields (the source changed it), and lets columns the records no longer carry hold NULL (auto.evolve;
 * without it a column that rounds them or is of another kind is a warning naming the ALTER to run). DDL runs in
 * the caller's transaction, so a rollback undoes it and {@link #forget()} drops what was learnt.
 */
final class TableManager {
    private static final Logger log = LoggerFactory.getLogger(TableManager.class);

    private final DatabaseDialect dialect;
    private final boolean autoCreate;
    private final boolean autoEvolve;
    private final Map<TableId, TableDefinition> known = new HashMap<>();
    private final Map<TableId, RowShape> checkedShapes = new HashMap<>();
    /** The column type changes warned about: each once per task, though each new shape checks it again. */
    private final Set<String> warnedWidenings = new HashSet<>();

    TableManager(DatabaseDialect dialect, boolean autoCreate, boolean autoEvolve) {
        this.dialect = dialect;
        this.autoCreate = autoCreate;
        this.autoEvolve = autoEvolve;
    }

    /** Whether rows of this shape can be written to the table without describing or changing it first. */
    boolean isReady(TableId table, RowShape shape) {
        return known.containsKey(table) && checkedShapes.get(table) == shape;
    }

    /** Whether the table exists (known, or found by describing it). */
    boolean exists(Connection connection, TableId table) throws SQLException {
        return known.containsKey(table) || describe(connection, table).isPresent();
    }

    /** The table as known or described now, or empty when it does not exist (yet). */
    Optional<TableDefinition> definition(Connection connection, TableId table) throws SQLException {
        TableDefinition definition = known.get(table);
        if (definition == null) {
            definition = describe(connection, table).orElse(null);
            if (definition != null) {
                known.put(table, definition);
            }
        }
        return Optional.ofNullable(definition);
    }

    /** The table as it is now in the database (described again), or empty when it does not exist. */
    Optional<TableDefinition> describeAgain(Connection connection, TableId table) throws SQLException {
        known.remove(table);
        checkedShapes.remove(table);
        return definition(connection, table);
    }

    /** The table, made fit for rows of this shape if the configuration allows it. */
    TableDefinition ensure(Connection connection, TableId table, RowShape shape) throws SQLException {
        TableDefinition definition = known.get(table);
        if (definition != null && checkedShapes.get(table) == shape) {
            return definition;
        }
        if (definition == null || lacksColumns(definition, shape)) {
            // described before, but someone may have added the columns since (ALTER TABLE by hand): look again
            definition = describe(connection, table).orElse(null);
        }
        if (definition == null) {
            if (!autoCreate) {
                throw new ConnectException("Table " + table + " does not exist; create it or set auto.create=true");
            }
            String sql = dialect.createTableSql(table, shape.columns());
            log.info("Creating table {}: {}", table, sql);
            execute(connection, List.of(sql));
            definition = describe(connection, table).orElseThrow(
                    () -> new ConnectException("Table " + table + " is still missing after CREATE TABLE"));
        }
        definition = evolve(connection, table, definition, shape);
        known.put(table, definition);
        checkedShapes.put(table, shape);
        return definition;
    }

    private static boolean lacksColumns(TableDefinition definition, RowShape shape) {
        for (SinkColumn column : shape.columns()) {
            if (!definition.columns().containsKey(column.name())) {
                return true;
            }
        }
        return false;
    }

    private TableDefinition evolve(Connection connection, TableId table, TableDefinition definition, RowShape shape)
            throws SQLException {
        List<SinkColumn> missing = new ArrayList<>();
        List<String> changes = new ArrayList<>();
        Map<String, ColumnTypeChange> conversions = new LinkedHashMap<>();
        Set<String> written = new HashSet<>();
        for (SinkColumn column : shape.columns()) {
            written.add(column.name());
            ColumnDefinition existing = definition.columns().get(column.name());
            if (existing == null) {
                missing.add(column);
            } else if (!shape.typedByTable()) {
                // schemaless rows take their types from the table: they never widen it
                Optional<ColumnTypeChange> change = dialect.columnTypeChange(table, existing, column.schema());
                if (change.isEmpty()) {
                    continue;
                }
                ColumnTypeChange c = change.get();
                if (autoEvolve && c.convertsValues() && shape.followsSource()) {
                    conversions.put(column.name(), c);
                } else if (autoEvolve && !c.convertsValues()) {
                    changes.add(c.sql());
                } else if (c.convertsValues()) {
                    // a change event's field of another kind: the source changed the column's type, and this says
                    // what to run; other records leave a type a user gave the column alone, silently (date text into
                    // a date column is a design, and a value the database cannot read is refused in its own words)
                    if (shape.followsSource() && warnedWidenings.add(c.sql())) {
                        log.warn("{}: run {} or set auto.evolve=true", typeChanged(table, column.name(), c), c.sql());
                    }
                } else if (roundsSilently(existing) && warnedWidenings.add(c.sql())) {
                    // the user owns the column's type, as with Confluent's sink; a value too long or too large is
                    // refused loudly by the database, but a finer decimal or time is rounded without a word
                    log.warn("Column \"{}\" of table {} has less scale or precision than the records' field: the "
                            + "database rounds its values. Run {} or set auto.evolve=true", column.name(), table,
                            c.sql());
                }
            }
        }
        if (autoEvolve && shape.columns().size() > shape.keyCount() && !shape.typedByTable()) {
            // records no longer carry a NOT NULL column (the source dropped or renamed it): let it hold NULL,
            // or every record would be refused; a delete's key-only shape says nothing about the other columns;
            // a schemaless record leaving a member out says nothing about the column either
            for (ColumnDefinition existing : definition.columns().values()) {
                if (!existing.nullable() && !existing.hasDefault() && !written.contains(existing.name())
                        && !definition.primaryKey().contains(existing.name())) {
                    dialect.dropNotNullSql(table, existing).ifPresent(changes::add);
                }
            }
        }
        if (missing.isEmpty() && changes.isEmpty() && conversions.isEmpty()) {
            return definition;
        }
        if (!missing.isEmpty() && !autoEvolve) {
            throw new ConnectException("Table " + table + " has no column \"" + missing.get(0).name()
                    + "\" for the record's field; add the column or set auto.evolve=true");
        }
        for (SinkColumn column : missing) {
            if (column.key()) {
                throw new ConnectException("Table " + table + " lacks key column \"" + column.name()
                        + "\"; auto.evolve does not change primary keys");
            }
        }
        changes.addAll(dialect.addColumnsSql(table, missing));
        if (!changes.isEmpty()) {
            log.info("Evolving table {}: {}", table, changes);
            execute(connection, changes);
        }
        for (Map.Entry<String, ColumnTypeChange> conversion : conversions.entrySet()) {
            convert(connection, table, conversion.getKey(), conversion.getValue());
        }
        return describe(connection, table).orElseThrow();
    }

    /**
     * Converts a column whose type the source changed (integer to text, say): in a savepoint, so that a stored
     * value the database cannot convert fails only this statement, and the failure names the fix.
     */
    private void convert(Connection connection, TableId table, String column, ColumnTypeChange conversion)
            throws SQLException {
        log.info("Converting a column of table {} to the records' type: {}", table, conversion.sql());
        Savepoint before = connection.getAutoCommit() ? null : connection.setSavepoint();
        try (Statement statement = connection.createStatement()) {
            statement.execute(conversion.sql());
        } catch (SQLException e) {
            if (before != null) {
                connection.rollback(before);
            }
            // the state, not the database's words: they quote the stored value that did not convert
            throw new ConnectException(typeChanged(table, column, conversion) + ", and the database cannot convert "
                    + "every stored value [SQLState " + e.getSQLState() + "]: change or remove those values, then run "
                    + conversion.sql());
        }
        if (before != null) {
            connection.releaseSavepoint(before);
        }
    }

    /** Why a column needs converting: its name, its type and the type the records' field now maps to. */
    private static String typeChanged(TableId table, String column, ColumnTypeChange change) {
        return "Column \"" + column + "\" of table " + table + " is " + change.from() + " but the records' field is "
                + change.to();
    }

    private static boolean roundsSilently(ColumnDefinition column) {
        return switch (column.jdbcType()) {
            case Types.NUMERIC, Types.DECIMAL, Types.TIME, Types.TIME_WITH_TIMEZONE, Types.TIMESTAMP,
                    Types.TIMESTAMP_WITH_TIMEZONE -> true;
            default -> false;
        };
    }

    private Optional<TableDefinition> describe(Connection connection, TableId table) throws SQLException {
        return dialect.describe(connection, table);
    }

    private static void execute(Connection connection, List<String> statements) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (String sql : statements) {
                statement.execute(sql);
            }
        }
    }

    /** Drops cached definitions, e.g. after a rollback undid DDL. */
    void forget() {
        known.clear();
        checkedShapes.clear();
    }
}
