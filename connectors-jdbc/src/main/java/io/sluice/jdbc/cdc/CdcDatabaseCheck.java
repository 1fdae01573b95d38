package io.sluice.jdbc.cdc;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.TableId;
import io.sluice.jdbc.cdc.CdcConfig.PublicationMode;
import io.sluice.jdbc.cdc.CdcConfig.SnapshotMode;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/**
 * What validation learns from the database for the CDC source, each answer on the key a user would change: the
 * connection (password, user, URL), wal_level (plugin.name), the REPLICATION attribute and a replication connection
 * pg_hba.conf lets in (connection.user), the captured tables (include lists: none matched, no key to publish
 * updates and deletes with, no SELECT), the publication (publication.autocreate.mode, publication.name), the slot
 * (slot.name) and the signal table.
 */
final class CdcDatabaseCheck {
    private static final int MIN_VERSION = 130_000;

    private CdcDatabaseCheck() {
    }

    static List<ConfigProblem> problems(CdcConfig config, DatabaseDialect dialect) {
        List<ConfigProblem> problems = new ArrayList<>();
        try (Connection connection = ConnectionCheck.open(config, dialect)) {
            connection.setAutoCommit(true);
            if (!server(config, connection, problems)) {
                return problems;
            }
            replicationConnection(config, dialect, problems);
            List<TableId> tables = tables(config, connection, problems);
            publication(config, connection, tables, problems);
            slot(config, dialect, connection, problems);
            signalTable(config, connection, problems);
            return problems;
        } catch (SQLException e) {
            problems.add(ConnectionCheck.problem(e, config));
            return problems;
        }
    }

    private static boolean server(CdcConfig config, Connection connection, List<ConfigProblem> problems)
            throws SQLException {
        int version = Integer.parseInt(String.valueOf(scalar(connection, "SHOW server_version_num")));
        if (version < MIN_VERSION) {
            problems.add(new ConfigProblem(ConnectionKeys.URL, "PostgreSQL " + version / 10_000 + " is too old for "
                    + "change data capture: PostgreSQL 13 or later is needed"));
            return false;
        }
        String walLevel = String.valueOf(scalar(connection, "SHOW wal_level"));
        if (!"logical".equals(walLevel)) {
            problems.add(new ConfigProblem(CdcConfig.PLUGIN_NAME, "The server has wal_level=" + walLevel + "; logical "
                    + "decoding needs wal_level=logical (set it in postgresql.conf, or ALTER SYSTEM SET wal_level = "
                    + "logical, and restart the server)"));
        }
        Object canReplicate = scalar(connection, "SELECT rolreplication OR rolsuper FROM pg_catalog.pg_roles "
                + "WHERE rolname = current_user");
        if (!Boolean.TRUE.equals(canReplicate)) {
            String user = String.valueOf(scalar(connection, "SELECT current_user"));
            problems.add(new ConfigProblem(ConnectionKeys.USER, "User " + user + " may not use replication: ALTER ROLE "
                    + Replication.quote(user) + " WITH REPLICATION (and give it SELECT on the captured tables)"));
        }
        return problems.isEmpty();
    }

    /** pg_hba.conf has separate rules for replication connections: try one. */
    private static void replicationConnection(CdcConfig config, DatabaseDialect dialect,
                                              List<ConfigProblem> problems) {
        try (Connection replication = new CdcSessions(config, dialect).replication()) {
            replication.isValid(1);
        } catch (SQLException e) {
            problems.add(new ConfigProblem(ConnectionCheck.problem(e, config).key(), "A replication connection is refused: "
                    + DatabaseFailure.reason(e) + " (pg_hba.conf needs a line for database 'replication' or this "
                    + "database with the replication keyword, depending on the server version: see PostgreSQL's "
                    + "'host replication' rules)"));
        }
    }

    private static List<TableId> tables(CdcConfig config, Connection connection, List<ConfigProblem> problems)
            throws SQLException {
        List<TableId> all = Catalog.tables(connection, new CdcTableFilter(config.getList(CdcConfig.SCHEMA_INCLUDE),
                config.getList(CdcConfig.SCHEMA_EXCLUDE), List.of(), List.of()));
        for (String entry : config.getList(CdcConfig.TABLE_INCLUDE)) {
            if (!CdcTableFilter.matchesAny(entry, all)) {
                problems.add(new ConfigProblem(CdcConfig.TABLE_INCLUDE, "No table matches '" + entry
                        + "' (entries are regular expressions of schema.table)"));
            }
        }
        List<TableId> captured = Catalog.tables(connection, config.tableFilter());
        String key = config.getList(CdcConfig.TABLE_INCLUDE).isEmpty() ? CdcConfig.SCHEMA_INCLUDE
                : CdcConfig.TABLE_INCLUDE;
        for (TableId table : captured) {
            Catalog.TableInfo info = Catalog.describe(connection, table);
            if (info != null && info.keyColumns().isEmpty() && info.replicaIdentity() != 'f') {
                problems.add(new ConfigProblem(key, "Table " + table + " has no primary key: once it is published, "
                        + "PostgreSQL refuses its UPDATEs and DELETEs. Add a primary key, or ALTER TABLE "
                        + table.quotedText() + " REPLICA IDENTITY FULL, or leave it out"));
            } else if (info != null && info.keyColumns().isEmpty()
                    && config.outputFormat() == CdcConfig.OutputFormat.FLAT) {
                // flat rows are for a keyed replica (the JDBC sink's pk.mode=record_key), which cannot apply rows
                // without a key: every record of this table would stop the sink, and with it the other tables
                problems.add(new ConfigProblem(key, "Table " + table + " has no primary key: its rows would have no "
                        + "record key, and a replica (output.format=flat) could not apply them. Add a primary key, "
                        + "or leave it out (output.format=debezium streams it without a key, as Debezium)"));
            }
            if (!Boolean.TRUE.equals(scalar(connection, "SELECT has_table_privilege('" + table.quotedText()
                    .replace("'", "''") + "', 'SELECT')"))) {
                problems.add(new ConfigProblem(ConnectionKeys.USER, "The connection's user may not read table " + table
                        + ": GRANT SELECT ON " + table.quotedText() + " TO it"));
            }
        }
        return captured;
    }

    private static void publication(CdcConfig config, Connection connection, List<TableId> tables,
                                    List<ConfigProblem> problems) throws SQLException {
        Replication replication = new Replication(config);
        Replication.PublicationState state = replication.publication(connection);
        PublicationMode mode = config.publicationMode();
        List<TableId> missing = replication.missing(state, tables);
        if (state == null && mode == PublicationMode.DISABLED) {
            problems.add(new ConfigProblem(CdcConfig.PUBLICATION_AUTOCREATE, "Publication " + config.publicationName()
                    + " does not exist and may not be created (disabled): create it, or set filtered"));
        } else if (state != null && !missing.isEmpty() && mode == PublicationMode.DISABLED) {
            problems.add(new ConfigProblem(CdcConfig.PUBLICATION_NAME, "Publication " + config.publicationName()
                    + " lacks the captured tables " + missing + ": add them (ALTER PUBLICATION ... ADD TABLE), or set "
                    + CdcConfig.PUBLICATION_AUTOCREATE + "=filtered"));
        } else if (state != null && !missing.isEmpty() && !state.alterable()) {
            // the task would ALTER it and fail with "must be owner of publication"
            problems.add(new ConfigProblem(CdcConfig.PUBLICATION_NAME, replication.notAlterable(state, missing)));
        } else if (!missing.isEmpty() || state == null) {
            boolean superuser = Boolean.TRUE.equals(scalar(connection,
                    "SELECT rolsuper FROM pg_catalog.pg_roles WHERE rolname = current_user"));
            if (mode == PublicationMode.ALL_TABLES && state == null && !superuser) {
                problems.add(new ConfigProblem(CdcConfig.PUBLICATION_AUTOCREATE, "CREATE PUBLICATION ... FOR ALL "
                        + "TABLES needs a superuser: use filtered, or create the publication as a superuser"));
            } else if (!superuser) {
                List<TableId> notOwned = new ArrayList<>();
                for (TableId table : missing) {
                    Object owns = scalar(connection, "SELECT pg_has_role(c.relowner, 'USAGE') FROM pg_catalog.pg_class c "
                            + "WHERE c.oid = '" + table.quotedText().replace("'", "''") + "'::regclass");
                    if (!Boolean.TRUE.equals(owns)) {
                        notOwned.add(table);
                    }
                }
                if (!notOwned.isEmpty()) {
                    // only a table's owner (or a superuser) may publish it: the statement to run as them
                    String names = notOwned.stream().map(TableId::quotedText).collect(Collectors.joining(", "));
                    String publication = Replication.quote(config.publicationName());
                    problems.add(new ConfigProblem(CdcConfig.PUBLICATION_AUTOCREATE, state == null
                            ? "Publication " + config.publicationName() + " does not exist and this user may not "
                                    + "create it: only the owner of " + notOwned + " can publish them. Run as the "
                                    + "owner or a superuser: CREATE PUBLICATION " + publication + " FOR TABLE " + names
                            : "Publication " + config.publicationName() + " lacks " + notOwned + " and only their "
                                    + "owner can add them: ALTER PUBLICATION " + publication + " ADD TABLE " + names
                                    + " as the owner or a superuser"));
                } else if (state == null && !Boolean.TRUE.equals(scalar(connection,
                        "SELECT has_database_privilege(current_database(), 'CREATE')"))) {
                    // CREATE PUBLICATION also needs CREATE on the database: the task would fail with "permission
                    // denied for database"
                    String database = String.valueOf(scalar(connection, "SELECT current_database()"));
                    String names = missing.stream().map(TableId::quotedText).collect(Collectors.joining(", "));
                    problems.add(new ConfigProblem(CdcConfig.PUBLICATION_AUTOCREATE, "Publication "
                            + config.publicationName() + " does not exist and this user may not create it: that "
                            + "needs CREATE on database " + database + ". GRANT CREATE ON DATABASE "
                            + Replication.quote(database) + " TO " + Replication.quote(String.valueOf(scalar(
                            connection, "SELECT current_user"))) + ", or have it created: CREATE PUBLICATION "
                            + Replication.quote(config.publicationName()) + " FOR TABLE " + names));
                }
            }
        }
    }

    private static void slot(CdcConfig config, DatabaseDialect dialect, Connection connection,
                             List<ConfigProblem> problems) throws SQLException {
        Replication.SlotState slot = new Replication(config).slot(connection);
        if (slot == null) {
            Object free = scalar(connection, "SELECT count(*) < current_setting('max_replication_slots')::int "
                    + "FROM pg_catalog.pg_replication_slots");
            if (!Boolean.TRUE.equals(free)) {
                problems.add(new ConfigProblem(CdcConfig.SLOT_NAME, "The server has no room for slot "
                        + config.slotName() + ": every one of max_replication_slots is taken (drop unused slots, or "
                        + "raise max_replication_slots)"));
            }
            return;
        }
        String reader;
        if (!"pgoutput".equals(slot.plugin())) {
            problems.add(new ConfigProblem(CdcConfig.SLOT_NAME, "Slot " + config.slotName() + " exists and decodes with "
                    + slot.plugin() + ", not pgoutput: choose another slot name, or drop it"));
        } else if (!connection.getCatalog().equals(slot.database())) {
            problems.add(new ConfigProblem(CdcConfig.SLOT_NAME, "Slot " + config.slotName() + " belongs to database "
                    + slot.database() + ": slot names are per server, choose another"));
        } else if ((reader = slot.active() ? otherReader(config, dialect, connection) : null) != null) {
            // one connection reads a slot at a time: a second connector would fail after its retries, and a reset
            // of its offsets would drop the slot the first one reads
            problems.add(new ConfigProblem(CdcConfig.SLOT_NAME, "Slot " + config.slotName() + " is being read by "
                    + reader + ": another connector or client streams from it. Choose another slot.name (and "
                    + "publication.name), or stop that reader first"));
        } else if (slot.lost() && config.snapshotMode() != SnapshotMode.WHEN_NEEDED) {
            problems.add(new ConfigProblem(CdcConfig.SLOT_NAME, "Slot " + config.slotName() + " was invalidated (it fell "
                    + "behind more than max_slot_wal_keep_size): its changes are gone. Set snapshot.mode=when_needed "
                    + "to read the tables again, or drop the slot"));
        }
    }

    /**
     * Who holds the active slot, when it is not this connector's own task (its walsender carries the connector's
     * name as application_name), e.g. "PID 4711 (application 'sluice-cdc:orders', user cdc, from 10.0.0.5)"; null
     * when it is this connector's, or the holder went away meanwhile.
     */
    private static String otherReader(CdcConfig config, DatabaseDialect dialect, Connection connection)
            throws SQLException {
        try (java.sql.PreparedStatement ps = connection.prepareStatement("SELECT s.active_pid, a.application_name, "
                + "a.usename, host(a.client_addr) FROM pg_catalog.pg_replication_slots s LEFT JOIN "
                + "pg_catalog.pg_stat_activity a ON a.pid = s.active_pid WHERE s.slot_name = ? AND s.active")) {
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                String application = rs.getString(2);
                if (new CdcSessions(config, dialect).applicationName().equals(application)) {
                    return null;
                }
                List<String> about = new ArrayList<>();
                if (application != null && !application.isEmpty()) {
                    about.add("application '" + application + "'");
                }
                if (rs.getString(3) != null) {
                    about.add("user " + rs.getString(3));
                }
                if (rs.getString(4) != null) {
                    about.add("from " + rs.getString(4));
                }
                return "PID " + rs.getInt(1) + (about.isEmpty() ? "" : " (" + String.join(", ", about) + ")");
            }
        }
    }

    private static void signalTable(CdcConfig config, Connection connection, List<ConfigProblem> problems)
            throws SQLException {
        String signal = config.getString(CdcConfig.SIGNAL_TABLE).trim();
        if (signal.isEmpty()) {
            return;
        }
        Catalog.TableInfo info = Catalog.describe(connection, TableId.parse(signal));
        List<String> names = info == null ? List.of() : info.columns().stream().map(TableSchema.Column::name).toList();
        if (!names.containsAll(List.of("id", "type", "data"))) {
            problems.add(new ConfigProblem(CdcConfig.SIGNAL_TABLE, info == null ? "Signal table " + signal
                    + " does not exist: CREATE TABLE " + signal + " (id varchar(42) PRIMARY KEY, type varchar(32) NOT "
                    + "NULL, data varchar(2048))" : "Signal table " + signal + " needs the columns id, type and data"));
        }
    }

    private static Object scalar(Connection connection, String sql) throws SQLException {
        try (Statement s = connection.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getObject(1) : null;
        }
    }
}
