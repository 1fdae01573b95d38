package io.sluice.jdbc.source;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.DatabaseDialect;
import io.sluice.jdbc.source.JdbcSourceConfig.Mode;
import java.sql.Connection;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.sql.SQLTimeoutException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What validation learns from the database for a source: whether it connects, whether the tables of the include
 * list exist and may be read (or the query runs), and whether they have the mode's columns. Each table is probed
 * with {@code SELECT * ... WHERE 1 = 0}, which reads no row but checks existence, privilege and columns.
 */
final class SourceDatabaseCheck {
    private static final Logger log = LoggerFactory.getLogger(SourceDatabaseCheck.class);
    /**
     * What the probes of one validation may take together: a table locked by a migration (LOCK TABLE, ALTER TABLE)
     * holds its probe back, and a PUT of the connector's config waited for the lock's end (tryout21: 27 s). A probe
     * that runs out of time is skipped, not reported: the table is there, and the task reads it once it is free.
     */
    private static final long PROBES_BUDGET_NANOS = TimeUnit.SECONDS.toNanos(ConnectionPool.CONNECT_TIMEOUT_SECONDS);
    /** Tables probed at most: a schema of thousands of tables must not make validation slow. */
    private static final int MAX_PROBED_TABLES = 100;

    private SourceDatabaseCheck() {
    }

    static List<ConfigProblem> problems(JdbcSourceConfig config, DatabaseDialect dialect) {
        try (Connection connection = ConnectionCheck.open(config, dialect)) {
            List<ConfigProblem> problems = config.query().isEmpty() ? tableProblems(config, dialect, connection)
                    : queryProblems(config, connection);
            connection.rollback();
            return problems;
        } catch (SQLException e) {
            return List.of(ConnectionCheck.problem(e, config));
        }
    }

    private static List<ConfigProblem> queryProblems(JdbcSourceConfig config, Connection connection) {
        List<ConfigProblem> problems = new ArrayList<>();
        String probe = "SELECT * FROM (" + config.query() + ") sluice_query WHERE 1 = 0";
        try (Statement s = probe(connection, System.nanoTime() + PROBES_BUDGET_NANOS);
             var rs = s.executeQuery(probe)) {
            columnProblems(config, rs.getMetaData(), "the query", problems);
        } catch (SQLException e) {
            if (timedOut(e)) {
                log.warn("Validation did not check the query: it did not answer within {} s (a lock held on a table "
                        + "it reads?)", ConnectionPool.CONNECT_TIMEOUT_SECONDS);
            } else {
                problems.add(new ConfigProblem(JdbcSourceConfig.QUERY, "The query fails: " + DatabaseFailure.reason(e)));
            }
        }
        return problems;
    }

    private static List<ConfigProblem> tableProblems(JdbcSourceConfig config, DatabaseDialect dialect,
                                                     Connection connection) throws SQLException {
        List<ConfigProblem> problems = new ArrayList<>();
        List<TableId> visible = dialect.listTables(connection, config.getString(JdbcSourceConfig.SCHEMA_PATTERN),
                config.getList(JdbcSourceConfig.TABLE_TYPES));
        // an entry naming no table would leave the connector RUNNING and reading nothing
        for (String key : List.of(JdbcSourceConfig.TABLE_INCLUDE_LIST, JdbcSourceConfig.TABLE_WHITELIST)) {
            for (String entry : config.getList(key)) {
                TableFilter only = new TableFilter(List.of(entry), List.of());
                if (visible.stream().noneMatch(only::accepts)) {
                    problems.add(new ConfigProblem(key, "Table " + entry + " does not exist, or "
                            + user(config) + " cannot see it" + scope(config)));
                }
            }
        }
        TableFilter filter = new TableFilter(config.includes(), config.excludes());
        int probed = 0;
        Set<String> reported = new HashSet<>();
        long deadline = System.nanoTime() + PROBES_BUDGET_NANOS;
        for (TableId table : visible) {
            if (!filter.accepts(table) || probed++ >= MAX_PROBED_TABLES) {
                continue;
            }
            if (deadline - System.nanoTime() <= 0) {
                log.warn("Validation did not check table {}: the tables before it took the {} s it has", table,
                        ConnectionPool.CONNECT_TIMEOUT_SECONDS);
                continue;
            }
            String probe = "SELECT * FROM " + dialect.quote(table) + " WHERE 1 = 0";
            try (Statement s = probe(connection, deadline); var rs = s.executeQuery(probe)) {
                columnProblems(config, rs.getMetaData(), "table " + table, problems);
            } catch (SQLException e) {
                connection.rollback();
                if (timedOut(e)) {
                    log.warn("Validation did not check table {}: it did not answer in time (a lock held on it by a "
                            + "migration, LOCK TABLE or VACUUM FULL?); the task reads it once it is free", table);
                    continue;
                }
                String key = tableKey(config, table);
                String message = DatabaseFailure.of(e) == DatabaseFailure.ACCESS
                        ? user(config) + " may not read table " + table + " (" + DatabaseFailure.reason(e)
                        + "): grant it SELECT" : "Reading table " + table + " fails: " + DatabaseFailure.reason(e);
                if (reported.add(key + message)) {
                    problems.add(new ConfigProblem(key, message));
                }
            }
        }
        return problems;
    }

    /** A statement that gives up at the deadline (at least 1 s, JDBC's unit), the database cancelling it. */
    private static Statement probe(Connection connection, long deadlineNanos) throws SQLException {
        Statement statement = connection.createStatement();
        statement.setQueryTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toSeconds(deadlineNanos - System.nanoTime())));
        return statement;
    }

    /** The probe ran out of time: PostgreSQL's query_canceled, or the driver's own timeout (MariaDB, MySQL). */
    private static boolean timedOut(SQLException e) {
        return e instanceof SQLTimeoutException || "57014".equals(e.getSQLState());
    }

    /** The incremental modes' columns must be in every table read (or in the query's result). */
    private static void columnProblems(JdbcSourceConfig config, ResultSetMetaData meta, String what,
                                       List<ConfigProblem> problems) throws SQLException {
        Set<String> columns = new HashSet<>();
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            columns.add(meta.getColumnLabel(i));
        }
        Mode mode = config.mode();
        String incrementing = config.getString(JdbcSourceConfig.INCREMENTING_COLUMN);
        if ((mode == Mode.INCREMENTING || mode == Mode.TIMESTAMP_INCREMENTING) && !columns.contains(incrementing)) {
            problems.add(new ConfigProblem(JdbcSourceConfig.INCREMENTING_COLUMN,
                    "The column \"" + incrementing + "\" is not in " + what));
        }
        if (mode == Mode.TIMESTAMP || mode == Mode.TIMESTAMP_INCREMENTING) {
            for (String column : config.getList(JdbcSourceConfig.TIMESTAMP_COLUMNS)) {
                if (!columns.contains(column)) {
                    problems.add(new ConfigProblem(JdbcSourceConfig.TIMESTAMP_COLUMNS,
                            "The column \"" + column + "\" is not in " + what));
                }
            }
        }
    }

    /** The list key naming this table, or the user when no list does (the table was found by discovery). */
    private static String tableKey(JdbcSourceConfig config, TableId table) {
        for (String key : List.of(JdbcSourceConfig.TABLE_INCLUDE_LIST, JdbcSourceConfig.TABLE_WHITELIST)) {
            if (new TableFilter(config.getList(key), List.of()).accepts(table) && !config.getList(key).isEmpty()) {
                return key;
            }
        }
        return ConnectionKeys.USER;
    }

    private static String user(JdbcSourceConfig config) {
        String user = config.getString(ConnectionKeys.USER);
        return user == null ? "the connection's user" : "user " + user;
    }

    private static String scope(JdbcSourceConfig config) {
        String pattern = config.getString(JdbcSourceConfig.SCHEMA_PATTERN);
        return " (" + (pattern == null ? "" : JdbcSourceConfig.SCHEMA_PATTERN + "=" + pattern + ", ")
                + JdbcSourceConfig.TABLE_TYPES + "=" + String.join(",", config.getList(JdbcSourceConfig.TABLE_TYPES))
                + ")";
    }
}
