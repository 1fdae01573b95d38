package io.sluice.jdbc.testing;

import io.sluice.runtime.testing.Await;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import org.junit.jupiter.api.extension.ExtensionContext;

/** A PostgreSQL database of its own for one test class, on the run's one embedded PostgreSQL server. */
public final class PostgresDatabase extends TestDatabase {
    private EmbeddedPostgres server;

    public PostgresDatabase(String prefix) {
        super(prefix);
    }

    /** Owns the server; JUnit closes AutoCloseable values of the root store at the end of the run. */
    private record Server(EmbeddedPostgres postgres) implements AutoCloseable {
        @Override
        public void close() throws IOException {
            postgres.close();
        }
    }

    @Override
    protected void startServer(ExtensionContext.Store rootStore) {
        server = rootStore.getOrComputeIfAbsent(Server.class, k -> start(), Server.class).postgres();
    }

    private static Server start() {
        try {
            return new Server(EmbeddedPostgres.builder()
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    // logical replication for the CDC source (slots are per server: tests name their own)
                    .setServerConfig("wal_level", "logical")
                    .setServerConfig("max_replication_slots", "40")
                    .setServerConfig("max_wal_senders", "40")
                    .start());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Override
    protected void createDatabase(String database) throws SQLException {
        try (Connection c = DriverManager.getConnection(server.getJdbcUrl("postgres", "postgres"));
             Statement s = c.createStatement()) {
            s.execute("CREATE DATABASE " + database);
        }
    }

    @Override
    public String url() {
        return server.getJdbcUrl("postgres", name());
    }

    /** This class's database's URL without credentials, for configs that give connection.user and .password. */
    public String bareUrl() {
        return "jdbc:postgresql://localhost:" + server.getPort() + "/" + name();
    }

    /**
     * A login role that must give its password (the test server trusts everyone else), owning nothing: tests
     * grant what it may do. Its password can be changed later with {@code ALTER ROLE}.
     */
    public synchronized void passwordRole(String role, String password) {
        execute("DO $$ BEGIN IF NOT EXISTS (SELECT FROM pg_roles WHERE rolname = '" + role + "') THEN "
                + "CREATE ROLE " + role + " LOGIN; END IF; END $$",
                "ALTER ROLE " + role + " PASSWORD '" + password + "'",
                "GRANT ALL ON SCHEMA public TO " + role);
        try {
            Path hba = Path.of((String) scalar("SHOW hba_file"));
            String rules = Files.readString(hba);
            String line = "host all " + role + " 127.0.0.1/32 scram-sha-256\nhost all " + role
                    + " ::1/128 scram-sha-256\n";
            if (!rules.contains(line)) {
                // first matching line wins: ahead of the server's trust-everyone lines
                Files.writeString(hba, line + rules);
                execute("SELECT pg_reload_conf()");
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        Await.until(() -> refusesWrongPassword(role), java.time.Duration.ofSeconds(10),
                "the server asks " + role + " for its password");
    }

    private boolean refusesWrongPassword(String role) {
        try (Connection c = DriverManager.getConnection(bareUrl(), role, "certainly-wrong")) {
            return false;
        } catch (SQLException refused) {
            return true;
        }
    }
}
