package io.sluice.jdbc.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
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
}
