package io.sluice.jdbc.testing;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A database of its own for one test class on a real server shared by every class in the test JVM
 * (started on first use, stopped when the JUnit root context closes), with SQL helpers that read
 * rows back as plain values.
 */
public abstract class TestDatabase implements BeforeAllCallback {
    private static final AtomicInteger COUNTER = new AtomicInteger();
    private final String prefix;
    private String name;

    protected TestDatabase(String prefix) {
        this.prefix = prefix.toLowerCase(Locale.ROOT);
    }

    @Override
    public void beforeAll(ExtensionContext context) throws SQLException {
        startServer(context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL));
        name = prefix + "_" + ProcessHandle.current().pid() + "_" + COUNTER.incrementAndGet();
        createDatabase(name);
    }

    /** Starts the shared server unless the root store holds it already. */
    protected abstract void startServer(ExtensionContext.Store rootStore);

    protected abstract void createDatabase(String database) throws SQLException;

    /** The JDBC URL of this class's database, credentials included. */
    public abstract String url();

    public String name() {
        return name;
    }

    public Connection connect() throws SQLException {
        return DriverManager.getConnection(url());
    }

    public void execute(String... sql) {
        try (Connection c = connect(); Statement s = c.createStatement()) {
            for (String statement : sql) {
                s.execute(statement);
            }
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Rows of a query, each as a list of column values as the driver returns them (getObject). */
    public List<List<Object>> query(String sql) {
        try (Connection c = connect(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            List<List<Object>> rows = new ArrayList<>();
            int n = rs.getMetaData().getColumnCount();
            while (rs.next()) {
                List<Object> row = new ArrayList<>(n);
                for (int i = 1; i <= n; i++) {
                    row.add(rs.getObject(i));
                }
                rows.add(row);
            }
            return rows;
        } catch (SQLException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The single value of a query returning one row and column. */
    public Object scalar(String sql) {
        List<List<Object>> rows = query(sql);
        return rows.isEmpty() ? null : rows.get(0).get(0);
    }
}
