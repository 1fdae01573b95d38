package io.sluice.jdbc.cdc;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.cdc.CdcConfig.PublicationMode;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.StringJoiner;
import org.apache.kafka.connect.errors.ConnectException;
import org.postgresql.PGConnection;
import org.postgresql.replication.ReplicationSlotInfo;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The server-side objects of capture: the publication pgoutput reads and the logical replication slot. */
final class Replication {
    private static final Logger log = LoggerFactory.getLogger(Replication.class);

    /** A slot as pg_replication_slots shows it. */
    record SlotState(String plugin, String database, boolean active, long confirmedFlush, long restart,
                     String walStatus, long currentLsn) {
        boolean lost() {
            return "lost".equals(walStatus);
        }

        /** The WAL the server keeps for the slot: from its restart_lsn to the current position. */
        long retainedBytes() {
            return restart == Lsn.NONE ? 0 : Math.max(0, currentLsn - restart);
        }
    }

    /**
     * A publication: whether it publishes every table, which tables it names, the role that owns it and whether the
     * connection's user may alter it (owns it through a role, or is a superuser).
     */
    record PublicationState(boolean allTables, Set<TableId> tables, String owner, boolean alterable) {
        boolean covers(TableId table) {
            return allTables || tables.contains(table);
        }
    }

    private static final int SLOT_QUERY_TIMEOUT_S = 5;

    private final CdcConfig config;

    Replication(CdcConfig config) {
        this.config = config;
    }

    /** The slot, or null when it does not exist. */
    SlotState slot(Connection connection) throws SQLException {
        try (PreparedStatement ps = connection.prepareStatement("SELECT plugin, database, active, confirmed_flush_lsn, "
                + "restart_lsn, wal_status, pg_current_wal_lsn() FROM pg_catalog.pg_replication_slots "
                + "WHERE slot_name = ?")) {
            ps.setQueryTimeout(SLOT_QUERY_TIMEOUT_S); // metrics read it: a stuck server must not hold them
            ps.setString(1, config.slotName());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return null;
                }
                return new SlotState(rs.getString(1), rs.getString(2), rs.getBoolean(3), lsn(rs.getString(4)),
                        lsn(rs.getString(5)), rs.getString(6), lsn(rs.getString(7)));
            }
        }
    }

    private static long lsn(String text) {
        return text == null ? Lsn.NONE : Lsn.parse(text);
    }

    /** The publication, or null when it does not exist. */
    PublicationState publication(Connection connection) throws SQLException {
        Boolean all = null;
        String owner = null;
        boolean alterable = false;
        try (PreparedStatement ps = connection.prepareStatement("SELECT p.puballtables, pg_catalog.pg_get_userbyid("
                + "p.pubowner), pg_catalog.pg_has_role(p.pubowner, 'USAGE') OR (SELECT rolsuper FROM "
                + "pg_catalog.pg_roles WHERE rolname = current_user) FROM pg_catalog.pg_publication p WHERE pubname = ?")) {
            ps.setString(1, config.publicationName());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    all = rs.getBoolean(1);
                    owner = rs.getString(2);
                    alterable = rs.getBoolean(3);
                }
            }
        }
        if (all == null) {
            return null;
        }
        Set<TableId> tables = new HashSet<>();
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT schemaname, tablename FROM pg_catalog.pg_publication_tables WHERE pubname = ?")) {
            ps.setString(1, config.publicationName());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    tables.add(new TableId(rs.getString(1), rs.getString(2)));
                }
            }
        }
        return new PublicationState(all, tables, owner, alterable);
    }

    /** The tables the publication must cover and does not (all of them when it is missing): the captured and signal tables. */
    List<TableId> missing(PublicationState state, List<TableId> tables) {
        List<TableId> wanted = new ArrayList<>(tables);
        String signal = config.getString(CdcConfig.SIGNAL_TABLE).trim();
        if (!signal.isEmpty() && !wanted.contains(TableId.parse(signal))) {
            wanted.add(TableId.parse(signal));
        }
        return wanted.stream().filter(t -> state == null || !state.covers(t)).toList();
    }

    /** Why this user cannot add the missing tables to another role's publication, and the two ways out. */
    String notAlterable(PublicationState state, List<TableId> missing) {
        return "Publication " + config.publicationName() + " belongs to role " + state.owner() + " and lacks "
                + missing + "; only its owner or a superuser may add them. Run as " + state.owner()
                + ": ALTER PUBLICATION " + quote(config.publicationName()) + " ADD TABLE " + list(missing)
                + ", or set " + CdcConfig.PUBLICATION_NAME + " to a publication this connector may create or extend";
    }

    /**
     * Makes the publication cover the tables (and the signal table): created when missing, captured tables it lacks
     * added (publication.autocreate.mode=filtered); with disabled, a missing publication or table fails. Answers the
     * tables added to a publication that existed: their changes before now were not published.
     */
    List<TableId> ensurePublication(Connection connection, List<TableId> tables) throws SQLException {
        PublicationMode mode = config.publicationMode();
        PublicationState state = publication(connection);
        String name = quote(config.publicationName());
        List<TableId> missing = missing(state, tables);
        if (state != null && missing.isEmpty()) {
            return List.of();
        }
        if (mode == PublicationMode.DISABLED) {
            throw new ConnectException(state == null ? "Publication " + config.publicationName() + " does not exist "
                    + "and publication.autocreate.mode=disabled: create it (CREATE PUBLICATION " + name
                    + " FOR TABLE ...)" : "Publication " + config.publicationName() + " lacks the captured tables "
                    + missing + " and publication.autocreate.mode=disabled: add them (ALTER PUBLICATION " + name
                    + " ADD TABLE ...)");
        }
        if (state != null && !state.alterable()) {
            // validation answers this too; here when the ownership changed since, or validation was skipped
            throw new ConnectException(notAlterable(state, missing));
        }
        try (Statement s = connection.createStatement()) {
            if (state == null && mode == PublicationMode.ALL_TABLES) {
                s.execute("CREATE PUBLICATION " + name + " FOR ALL TABLES");
                log.info("Created publication {} for all tables", config.publicationName());
                return List.of();
            } else if (state == null) {
                s.execute("CREATE PUBLICATION " + name + (missing.isEmpty() ? "" : " FOR TABLE " + list(missing)));
                log.info("Created publication {} for {}", config.publicationName(), missing);
                return List.of();
            }
            s.execute("ALTER PUBLICATION " + name + " ADD TABLE " + list(missing));
            log.info("Added {} to publication {}", missing, config.publicationName());
            return missing;
        }
    }

    /** Creates the slot on a replication connection; its exported snapshot lives while that connection idles. */
    ReplicationSlotInfo createSlot(Connection replication) throws SQLException {
        ReplicationSlotInfo info = replication.unwrap(PGConnection.class).getReplicationAPI().createReplicationSlot()
                .logical().withSlotName(config.slotName()).withOutputPlugin("pgoutput").make();
        log.info("Created replication slot {} at LSN {} (snapshot {})", config.slotName(),
                info.getConsistentPoint().asString(), info.getSnapshotName());
        return info;
    }

    /**
     * Begins a repeatable-read transaction on a plain connection and exports its snapshot, for snapshot readers to
     * share when the slot already exists; the snapshot lives while that transaction stays open.
     */
    String exportSnapshot(Connection plain) throws SQLException {
        plain.setAutoCommit(false);
        try (Statement s = plain.createStatement()) {
            s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ");
            try (ResultSet rs = s.executeQuery("SELECT pg_catalog.pg_export_snapshot()")) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Drops the slot when it exists; false when it did not. */
    boolean dropSlot(Connection connection) throws SQLException {
        if (slot(connection) == null) {
            return false;
        }
        try (PreparedStatement ps = connection.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
            ps.setString(1, config.slotName());
            ps.execute();
        }
        log.info("Dropped replication slot {}", config.slotName());
        return true;
    }

    /**
     * Drops the publication when this user owns it; one a DBA created for it (another owner) is left in place: it
     * holds no WAL, and DROP would fail with "must be owner".
     */
    boolean dropPublication(Connection connection) throws SQLException {
        Boolean owned = null;
        try (PreparedStatement ps = connection.prepareStatement(
                "SELECT pg_has_role(pubowner, 'USAGE') FROM pg_catalog.pg_publication WHERE pubname = ?")) {
            ps.setString(1, config.publicationName());
            try (ResultSet rs = ps.executeQuery()) {
                if (rs.next()) {
                    owned = rs.getBoolean(1);
                }
            }
        }
        if (owned == null) {
            return false;
        }
        if (!owned) {
            log.info("Publication {} belongs to another role: left in place (its owner may drop it)",
                    config.publicationName());
            return false;
        }
        try (Statement s = connection.createStatement()) {
            s.execute("DROP PUBLICATION " + quote(config.publicationName()));
        }
        log.info("Dropped publication {}", config.publicationName());
        return true;
    }

    private static String list(List<TableId> tables) {
        StringJoiner out = new StringJoiner(", ");
        tables.forEach(t -> out.add(t.quotedText()));
        return out.toString();
    }

    static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }
}
