package io.sluice.jdbc.cdc;

import io.sluice.jdbc.testing.PostgresDatabase;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A source database under load for replica tests: tables {@code t0..tN} of {@code (id bigint PRIMARY KEY, a int,
 * b text, c numeric(12,2), d timestamptz)} filled with rows, and a writer thread running transactions of inserts,
 * updates and deletes on them, each transaction also inserting {@link #LEDGER_ROWS} rows into {@code ledger} (ids
 * {@code number * 100 + i}), and noting after its commit a WAL position at or past the commit's end (so a test can
 * tell which transactions a slot position covers, and check that all their ledger rows arrived).
 */
final class SourceLoad implements AutoCloseable {
    /** A committed writer transaction: its number (the ledger row) and a WAL position at or past its commit. */
    record Committed(long number, long lsnAfter) {
    }

    /** Ledger rows each transaction inserts. */
    static final int LEDGER_ROWS = 4;
    static final String DDL = "(id bigint PRIMARY KEY, a int NOT NULL, b text, c numeric(12,2), d timestamptz)";

    private final PostgresDatabase db;
    private final String schema;
    private final int tables;
    private final int rowsPerTable;
    private final AtomicLong changes = new AtomicLong();
    private final List<Committed> committed = new ArrayList<>();
    private volatile boolean stopped;
    private volatile Throwable failure;
    private Thread thread;

    SourceLoad(PostgresDatabase db, String schema, int tables, int rowsPerTable) {
        this.db = db;
        this.schema = schema;
        this.tables = tables;
        this.rowsPerTable = rowsPerTable;
    }

    List<String> tableNames() {
        List<String> names = new ArrayList<>();
        for (int t = 0; t < tables; t++) {
            names.add("t" + t);
        }
        names.add("ledger");
        return names;
    }

    /** Creates the schema, tables and rows in the source, and the same empty tables in the replica. */
    void create(PostgresDatabase replica) {
        List<String> ddl = new ArrayList<>(List.of("CREATE SCHEMA " + schema,
                "CREATE TABLE " + schema + ".ledger (id bigint PRIMARY KEY, at timestamptz NOT NULL)"));
        for (int t = 0; t < tables; t++) {
            ddl.add("CREATE TABLE " + schema + ".t" + t + " " + DDL);
        }
        replica.execute(ddl.toArray(String[]::new));
        for (int t = 0; t < tables; t++) {
            ddl.add("INSERT INTO " + schema + ".t" + t + " SELECT g, g % 1000, md5(g::text), g * 0.01, "
                    + "timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, "
                    + rowsPerTable + ") g");
        }
        db.execute(ddl.toArray(String[]::new));
    }

    /** Starts the writer: count changes (a ledger insert each transaction counts too), perTransaction at a time. */
    void start(int count, int perTransaction) {
        start(count, perTransaction, 0);
    }

    /** Like {@link #start(int, int)}, resting pauseMillis between transactions (a steady trickle of changes). */
    void start(int count, int perTransaction, long pauseMillis) {
        thread = new Thread(() -> {
            Random random = new Random(42);
            long next = 1;
            try (Connection c = db.connect(); Statement s = c.createStatement()) {
                long nextId = rowsPerTable + 1L;
                while (!stopped && changes.get() < count) {
                    c.setAutoCommit(false);
                    for (int i = 0; i < LEDGER_ROWS; i++) {
                        s.execute("INSERT INTO " + schema + ".ledger VALUES (" + (next * 100 + i) + ", now())");
                    }
                    for (int i = 1; i < perTransaction; i++) {
                        String table = schema + ".t" + random.nextInt(tables);
                        long id = 1 + random.nextInt(rowsPerTable);
                        switch (random.nextInt(3)) {
                            case 0 -> s.execute("INSERT INTO " + table + " VALUES (" + nextId++ + ", " + i
                                    + ", 'new', 1.5, now()) ON CONFLICT (id) DO NOTHING");
                            case 1 -> s.execute("UPDATE " + table + " SET a = a + 1, b = 'u' || b, c = c + 0.01 "
                                    + "WHERE id = " + id);
                            default -> s.execute("DELETE FROM " + table + " WHERE id = " + id);
                        }
                    }
                    c.commit();
                    c.setAutoCommit(true);
                    try (ResultSet rs = s.executeQuery("SELECT pg_current_wal_insert_lsn()")) {
                        rs.next();
                        synchronized (committed) {
                            committed.add(new Committed(next, Lsn.parse(rs.getString(1))));
                        }
                    }
                    next++;
                    changes.addAndGet(perTransaction);
                    if (pauseMillis > 0) {
                        Thread.sleep(pauseMillis); // pacing the load, not waiting for anything
                    }
                }
            } catch (SQLException | RuntimeException e) {
                failure = e;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }, "source-load");
        thread.start();
    }

    long changes() {
        return changes.get();
    }

    List<Committed> committed() {
        synchronized (committed) {
            return new ArrayList<>(committed);
        }
    }

    /** Stops the writer after its current transaction. */
    void stop() {
        stopped = true;
    }

    /** Waits for the writer to finish its changes (or to stop); rethrows what failed it. */
    void awaitDone() throws InterruptedException {
        thread.join();
        if (failure != null) {
            throw new AssertionError("The source load failed", failure);
        }
    }

    @Override
    public void close() throws InterruptedException {
        stopped = true;
        if (thread != null) {
            thread.join(30_000);
        }
    }
}
