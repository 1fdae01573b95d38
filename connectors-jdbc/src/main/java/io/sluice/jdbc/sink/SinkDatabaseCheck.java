package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.DatabaseDialect;
import io.sluice.jdbc.sink.JdbcSinkConfig.InsertMode;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * What validation learns from the database for a sink: whether it connects, and, for the tables of the listed
 * topics (topics.regex names none in advance), whether they exist or may be created, and whether the user may
 * write them as the insert mode and deletes need.
 */
final class SinkDatabaseCheck {

    private SinkDatabaseCheck() {
    }

    static List<ConfigProblem> problems(JdbcSinkConfig config, DatabaseDialect dialect, String topics) {
        try (Connection connection = ConnectionCheck.open(config, dialect)) {
            List<ConfigProblem> problems = new ArrayList<>();
            for (String topic : topics == null ? List.<String>of() : List.of(topics.split(","))) {
                if (!topic.isBlank()) {
                    tableProblem(config, dialect, connection, topic.trim(), problems);
                }
            }
            connection.rollback();
            return problems;
        } catch (SQLException e) {
            return List.of(new ConfigProblem(ConnectionCheck.keyFor(e, config),
                    "Cannot connect to the database: " + DatabaseFailure.reason(e)));
        }
    }

    private static void tableProblem(JdbcSinkConfig config, DatabaseDialect dialect, Connection connection,
                                     String topic, List<ConfigProblem> problems) throws SQLException {
        TableId table = TableId.parse(config.getString(JdbcSinkConfig.TABLE_NAME_FORMAT).replace("${topic}", topic));
        if (dialect.describe(connection, table).isEmpty()) {
            if (!config.getBoolean(JdbcSinkConfig.AUTO_CREATE)) {
                problems.add(new ConfigProblem(JdbcSinkConfig.TABLE_NAME_FORMAT, "Table " + table + " (for topic "
                        + topic + ") does not exist: create it, or set auto.create=true"));
            }
            return;
        }
        Set<String> needed = new LinkedHashSet<>(List.of("INSERT"));
        if (config.insertMode() != InsertMode.INSERT) {
            needed.add("UPDATE");
        }
        if (config.getBoolean(JdbcSinkConfig.DELETE_ENABLED)) {
            needed.add("DELETE");
        }
        Set<String> missing = dialect.missingPrivileges(connection, table, needed);
        if (!missing.isEmpty()) {
            String user = config.getString(ConnectionKeys.USER);
            problems.add(new ConfigProblem(JdbcSinkConfig.TABLE_NAME_FORMAT, (user == null ? "The connection's user"
                    : "User " + user) + " may not " + String.join(", ", missing) + " on table " + table
                    + ": grant " + String.join(", ", missing) + " ON " + dialect.quote(table)));
        }
    }
}
