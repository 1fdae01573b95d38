package io.sluice.bench;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import org.postgresql.PGConnection;

/** A real PostgreSQL server (zonky embedded binaries, a child of the harness) and the bench table shape. */
public final class Postgres implements AutoCloseable {

    public static final String USER = "postgres";
    public static final String PASSWORD = "postgres";

    private final EmbeddedPostgres server;

    private Postgres(EmbeddedPostgres server) {
        this.server = server;
    }

    public static Postgres start(Layout layout) throws IOException {
        EmbeddedPostgres server = EmbeddedPostgres.builder()
                .setDataDirectory(layout.work().resolve("postgres"))
                .setCleanDataDirectory(true)
                .setPort(Layout.freePort())
                .setPGStartupWait(Duration.ofSeconds(60))
                .setServerConfig("max_connections", "100")
                // scenario 9's CDC sources read logical replication slots
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "20")
                .setServerConfig("max_wal_senders", "20")
                .setOutputRedirector(java.lang.ProcessBuilder.Redirect.appendTo(
                        layout.logs().resolve("postgres.log").toFile()))
                .setErrorRedirector(java.lang.ProcessBuilder.Redirect.appendTo(
                        layout.logs().resolve("postgres.log").toFile()))
                .start();
        return new Postgres(server);
    }

    public String url() {
        return "jdbc:postgresql://127.0.0.1:" + server.getPort() + "/postgres";
    }

    public int port() {
        return server.getPort();
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url(), USER, PASSWORD);
    }

    /** Drops and creates a bench table: the columns of the generated records. */
    public void createTable(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
            s.execute("CREATE TABLE " + table + " (id bigint PRIMARY KEY, name text NOT NULL,"
                    + " amount double precision NOT NULL, created bigint NOT NULL, note text NOT NULL)");
        }
    }

    /**
     * Writes every dirty buffer now (an immediate {@code CHECKPOINT}), so the run that follows starts from the same
     * state as every other: without it, the WAL of earlier runs (~110 MB per 500,000 rows) triggers checkpoints
     * mid-run once 540 MB (max_wal_size's default share) piled up, and from then on they came back to back (12 s
     * apart in the full run of 2026-12-07), taxing whichever runs came later: the last sink paths, never the COPY
     * measured first.
     */
    public void checkpoint() throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("CHECKPOINT");
        }
    }

    public void dropTable(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            s.execute("DROP TABLE IF EXISTS " + table);
        }
    }

    /**
     * Drops a CDC run's slot, once its walsender let go of it (at most 30 s: the connector may still be stopping),
     * and its publication, when they are still there.
     */
    public void dropReplication(String slot, String publication) throws Exception {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            long until = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (true) {
                boolean active;
                try (ResultSet rs = s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '"
                        + slot + "'")) {
                    if (!rs.next()) {
                        break;
                    }
                    active = rs.getBoolean(1);
                }
                if (!active) {
                    try {
                        s.execute("SELECT pg_drop_replication_slot('" + slot + "')");
                        break;
                    } catch (SQLException takenOrGone) {
                        // the connector dropped it meanwhile, or took it again: look again
                    }
                }
                if (System.nanoTime() > until) {
                    throw new IllegalStateException("replication slot " + slot + " is still in use");
                }
                Thread.sleep(200);
            }
            s.execute("DROP PUBLICATION IF EXISTS " + publication);
        }
    }

    public long count(String table) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM " + table)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /**
     * Rows in a bench table, counted only once its highest id {@code n - 1} is there: until then an index
     * probe answers (returning 0, or 1 once any row is there). A full count(*) every 100 ms would scan the
     * growing table and take a good part of a core from the sink being measured.
     */
    public long countWhenComplete(String table, int n) throws SQLException {
        try (Connection c = connect(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT max(id) FROM " + table)) {
            rs.next();
            long max = rs.getLong(1);
            if (rs.wasNull()) {
                return 0;
            }
            return max < n - 1 ? 1 : count(table);
        }
    }

    /** COPY rows 0..n-1 into {@code table}; returns the seconds it took (rendering streamed in). */
    public double copyRows(String table, int n) throws Exception {
        try (Connection c = connect()) {
            long t0 = System.nanoTime();
            ((PGConnection) c).getCopyAPI().copyIn("COPY " + table + " FROM STDIN (FORMAT csv)", csv(n));
            return (System.nanoTime() - t0) / 1e9;
        }
    }

    private static Reader csv(int n) {
        return new Reader() {
            private int next;
            private StringReader current = new StringReader("");

            @Override
            public int read(char[] buf, int off, int len) throws IOException {
                int read = current.read(buf, off, len);
                while (read < 0) {
                    if (next >= n) {
                        return -1;
                    }
                    StringBuilder chunk = new StringBuilder(64 * 1024);
                    for (int i = 0; i < 512 && next < n; i++, next++) {
                        Rows.Row r = Rows.row(next);
                        chunk.append(r.id()).append(',').append(r.name()).append(',').append(r.amount()).append(',')
                                .append(r.created()).append(',').append(r.note()).append('\n');
                    }
                    current = new StringReader(chunk.toString());
                    read = current.read(buf, off, len);
                }
                return read;
            }

            @Override
            public void close() {
            }
        };
    }

    /**
     * A bare {@code COPY (SELECT ...) TO STDOUT} of every row of {@code table} in text format, read through pgjdbc's
     * CopyManager row by row and dropped: the fastest way out of the database, the reference a snapshot reader is
     * judged by. Returns the row count.
     */
    public long copyOut(String table) throws SQLException {
        try (Connection c = connect()) {
            org.postgresql.copy.CopyOut copy = ((PGConnection) c).getCopyAPI()
                    .copyOut("COPY (SELECT id, name, amount, created, note FROM " + table + ") TO STDOUT");
            long rows = 0;
            while (copy.readFromCopy() != null) {
                rows++;
            }
            return rows;
        }
    }

    /** Reads every row of {@code table} with a bounded fetch size; returns the row count. */
    public long fetchAll(String table) throws SQLException {
        try (Connection c = connect()) {
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.setFetchSize(10_000);
                long rows = 0;
                long sink = 0;
                try (ResultSet rs = s.executeQuery("SELECT id, name, amount, created, note FROM " + table)) {
                    while (rs.next()) {
                        sink += rs.getLong(1) + rs.getString(2).length() + (long) rs.getDouble(3) + rs.getLong(4)
                                + rs.getString(5).length();
                        rows++;
                    }
                }
                c.commit();
                return sink == Long.MIN_VALUE ? -1 : rows;
            }
        }
    }

    @Override
    public void close() throws IOException {
        server.close();
    }
}
