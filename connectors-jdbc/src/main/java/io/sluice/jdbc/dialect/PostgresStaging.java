package io.sluice.jdbc.dialect;

import io.sluice.jdbc.TableId;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.postgresql.PGConnection;

/**
 * The session TEMP tables upserts are COPYed into before one INSERT ... SELECT ... ON CONFLICT:
 * one per connection, destination table and column shape (names and types), created on first use
 * with ON COMMIT DELETE ROWS. A TEMP table created in a transaction that rolls back is gone, so
 * after a rollback {@link #forget} marks the session's tables for a CREATE ... IF NOT EXISTS on next use.
 */
final class PostgresStaging {
    private static final AtomicLong NAMES = new AtomicLong();
    private static final int MAX_PER_SESSION = 64;

    /** What a stage table must match: the destination and the name and type of every column written. */
    private record StageKey(TableId table, List<String> columns) {
    }

    /** A stage table's name, and whether it is known to exist in the session now. */
    private static final class Stage {
        final String name;
        boolean exists;

        Stage(String name) {
            this.name = name;
        }
    }

    /** Keyed by the driver's own connection object, which lives exactly as long as the server session. */
    private final Map<PGConnection, Map<StageKey, Stage>> sessions = new WeakHashMap<>();

    /** The qualified name of the stage table for these columns of the table, created now if needed. */
    synchronized String stageFor(Connection connection, TableId table, TableDefinition definition,
            List<SinkColumn> columns,
            PostgresDialect dialect) throws SQLException {
        PGConnection session = connection.unwrap(PGConnection.class);
        List<String> shape = new ArrayList<>(columns.size() * 2);
        for (SinkColumn column : columns) {
            ColumnDefinition existing = definition.columns().get(column.name());
            shape.add(column.name());
            shape.add(existing == null ? "?" : existing.typeName());
        }
        StageKey key = new StageKey(table, shape);
        Map<StageKey, Stage> stages = sessions.computeIfAbsent(session, s -> new HashMap<>());
        Stage stage = stages.get(key);
        if (stage == null) {
            if (stages.size() >= MAX_PER_SESSION) {
                drop(connection, stages);
            }
            // the name is ours alone, never derived from a topic or field, and bound to this key for good
            stage = new Stage("pg_temp." + dialect.quote("sluice_stage_" + NAMES.incrementAndGet()));
            stages.put(key, stage);
        }
        if (!stage.exists) {
            try (Statement statement = connection.createStatement()) {
                statement.execute("CREATE TEMP TABLE IF NOT EXISTS " + stage.name + " ON COMMIT DELETE ROWS AS SELECT "
                        + dialect.columnList(columns) + " FROM " + dialect.quote(table) + " WITH NO DATA");
            }
            stage.exists = true;
        }
        return stage.name;
    }

    private static void drop(Connection connection, Map<StageKey, Stage> stages) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            for (Stage stage : stages.values()) {
                statement.execute("DROP TABLE IF EXISTS " + stage.name);
            }
        }
        stages.clear();
    }

    /** After a rollback on this connection: its stage tables may be gone, check on next use. */
    synchronized void forget(Connection connection) {
        try {
            Map<StageKey, Stage> stages = sessions.get(connection.unwrap(PGConnection.class));
            if (stages != null) {
                stages.values().forEach(stage -> stage.exists = false);
            }
        } catch (SQLException e) {
            sessions.clear();
        }
    }
}
