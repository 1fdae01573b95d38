package io.sluice.jdbc.dialect;

import io.sluice.jdbc.TableId;
import java.sql.BatchUpdateException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.apache.kafka.connect.data.Schema;

/**
 * What differs between databases: identifier quoting, the SQL for each write mode, column types
 * for auto-create, value binding and table discovery. Every identifier goes through {@link #quote}.
 */
public interface DatabaseDialect {

    String name();

    /** The identifier in the database's quotes, embedded quote characters doubled. */
    String quote(String identifier);

    default String quote(TableId id) {
        return id.schema() == null ? quote(id.table()) : quote(id.schema()) + "." + quote(id.table());
    }

    /** SQL run once on each new pooled connection (e.g. the session time zone), or null. */
    String sessionInitSql();

    /** Driver properties the dialect needs for correct or fast behaviour. */
    Map<String, String> driverProperties();

    /** Driver properties bounding how long connecting and logging in may take; empty when the driver has none. */
    default Map<String, String> connectTimeoutProperties(int seconds) {
        return Map.of();
    }

    /** The JDBC driver class, so the pool loads it from the plugin's class loader; null lets DriverManager decide. */
    String driverClassName();

    String insertSql(TableId table, List<SinkColumn> columns);

    /** An insert-or-update keyed on the key columns. */
    String upsertSql(TableId table, List<SinkColumn> columns);

    String updateSql(TableId table, List<SinkColumn> columns);

    String deleteSql(TableId table, List<SinkColumn> keyColumns);

    /** Removes every row of the table (a CDC source's truncate event). */
    default String truncateSql(TableId table) {
        return "TRUNCATE TABLE " + quote(table);
    }

    String createTableSql(TableId table, List<SinkColumn> columns);

    List<String> addColumnsSql(TableId table, List<SinkColumn> columns);

    /**
     * The change an existing column needs to hold values of this schema: a safe widening, or a conversion to the
     * type auto.create would make when the column's type is of another kind; empty when the column takes them.
     */
    default Optional<ColumnTypeChange> columnTypeChange(TableId table, ColumnDefinition existing, Schema schema) {
        return Optional.empty();
    }

    /**
     * A statement letting an existing column hold NULL, for auto.evolve when records stop carrying it (the source
     * dropped or renamed it); empty when the dialect cannot say it without the column's full definition.
     */
    default Optional<String> dropNotNullSql(TableId table, ColumnDefinition column) {
        return Optional.empty();
    }

    /** The column type auto-create uses for values of this schema. */
    String sqlType(Schema schema, boolean key);

    /**
     * Which of these table privileges (INSERT, UPDATE, DELETE, SELECT) the connected user lacks on an existing
     * table; empty also when the dialect cannot tell (the first write then says so).
     */
    default Set<String> missingPrivileges(Connection connection, TableId table,
                                                    Set<String> privileges) throws SQLException {
        return Set.of();
    }

    /** Describes the table, or empty if it does not exist. */
    Optional<TableDefinition> describe(Connection connection, TableId table) throws SQLException;

    /** Binds a Connect value for a column of this schema. */
    void bind(PreparedStatement statement, int index, Schema schema, Object value) throws SQLException;

    /**
     * Writes plain inserts through the database's bulk path (PostgreSQL COPY); false when the
     * dialect has none and the caller should use batched inserts.
     */
    default boolean bulkInsert(Connection connection, TableId table, List<SinkColumn> columns, List<Object[]> rows)
            throws SQLException {
        return false;
    }

    /**
     * Upserts rows (unique keys) through the database's bulk path (PostgreSQL: COPY into a staging
     * table, then one INSERT ... SELECT ... ON CONFLICT); false when the dialect has none.
     */
    default boolean bulkUpsert(Connection connection, TableId table, List<SinkColumn> columns, List<Object[]> rows)
            throws SQLException {
        return false;
    }

    /** Whether {@link #bulkInsert} writes rows in a single statement. */
    default boolean hasBulkInsert() {
        return false;
    }

    /** Tables (of the given types) visible to the connection, outside the system schemas. */
    List<TableId> listTables(Connection connection, String schemaPattern, List<String> tableTypes)
            throws SQLException;

    /** The error as a message that names what the database blamed (table, column, detail) where it says so. */
    default String describeError(SQLException e) {
        SQLException subject = e;
        if (e instanceof BatchUpdateException && e.getNextException() != null
                && e.getNextException().getMessage() != null) {
            // a batch's own message repeats the statement with every value bound (pgjdbc: "Batch entry 0 INSERT
            // INTO ... VALUES (...),(...) was aborted"), a whole batch of rows in a log line or DLQ header;
            // the database's error is the next exception
            subject = e.getNextException();
        }
        StringBuilder sb = new StringBuilder(String.valueOf(subject.getMessage()));
        SQLException next = subject.getNextException();
        if (next != null && next.getMessage() != null && !next.getMessage().equals(subject.getMessage())) {
            sb.append(" (").append(next.getMessage()).append(')');
        }
        if (subject.getSQLState() != null) {
            sb.append(" [SQLState ").append(subject.getSQLState()).append(']');
        }
        return sb.toString();
    }

    /**
     * Prepares a source's poll query, run again and again while the table may change under it (ALTER TABLE):
     * the statement streams its rows forward only, and is never a plan the server keeps between executions.
     */
    default PreparedStatement prepareQuery(Connection connection, String sql) throws SQLException {
        return connection.prepareStatement(sql, ResultSet.TYPE_FORWARD_ONLY, ResultSet.CONCUR_READ_ONLY);
    }

    /** The database's current time, for timestamp upper bounds (the database's clock, not ours). */
    Instant currentTimestamp(Connection connection) throws SQLException;
}
