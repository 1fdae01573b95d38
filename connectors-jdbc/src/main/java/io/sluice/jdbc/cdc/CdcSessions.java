package io.sluice.jdbc.cdc;

import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Map;

/**
 * The connections the CDC source opens: a replication connection (the slot, the exported snapshot, the stream) and
 * plain ones (catalog, snapshot reads, heartbeats). Each gets the same output settings, so a value's text is the
 * same in a COPY of the snapshot and in the stream: ISO dates, postgres-style intervals, hex bytea, C-locale money,
 * shortest exact floats.
 */
final class CdcSessions {
    private static final String[] OUTPUT_SETTINGS = {
        "SET DateStyle = ISO", "SET IntervalStyle = postgres", "SET bytea_output = hex", "SET lc_monetary = 'C'",
        "SET extra_float_digits = 3"};

    private final CdcConfig config;
    private final DatabaseDialect dialect;

    CdcSessions(CdcConfig config, DatabaseDialect dialect) {
        this.config = config;
        this.dialect = dialect;
    }

    /** A replication connection (walsender in database mode), in autocommit, with the output settings. */
    Connection replication() throws SQLException {
        Connection connection = ConnectionCheck.openBare(config, dialect, Map.of("replication", "database",
                "preferQueryMode", "simple", "assumeMinServerVersion", "10", "ApplicationName", applicationName()));
        return withOutputSettings(connection);
    }

    /**
     * What the replication connection calls itself (pg_stat_activity.application_name of the slot's walsender): the
     * connector's name, so validation can tell the connector's own running task from another reader of the slot.
     */
    String applicationName() {
        Object name = config.originals().get("name");
        return "sluice-cdc:" + (name == null ? "" : name);
    }

    /** A plain connection in autocommit with the output settings. */
    Connection plain() throws SQLException {
        Connection connection = ConnectionCheck.openBare(config, dialect, Map.of());
        return withOutputSettings(connection);
    }

    private static Connection withOutputSettings(Connection connection) throws SQLException {
        try (Statement s = connection.createStatement()) {
            for (String setting : OUTPUT_SETTINGS) {
                s.execute(setting);
            }
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    CdcConfig config() {
        return config;
    }
}
