package io.sluice.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ServiceLoader;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.types.Password;

/**
 * A small HikariCP pool per task; connections come back with autocommit off and the session set up by the dialect.
 * A task's threads take one connection each at most, so waiting for a connection means waiting for the database:
 * {@link #CONNECT_TIMEOUT_SECONDS} bounds it, and the failure's cause is the driver's own error (wrong password,
 * refused connection...) for {@link DatabaseFailure} to judge.
 */
public final class ConnectionPool implements AutoCloseable {
    /**
     * How long opening a connection may take, in the pool and in {@link ConnectionCheck}: long enough for a
     * distant database's TLS handshake and login, short enough that a task fails (or retries) within seconds
     * rather than after HikariCP's default of 30 s per attempt.
     */
    public static final int CONNECT_TIMEOUT_SECONDS = 10;

    private final HikariDataSource dataSource;

    public ConnectionPool(String name, String url, String user, Password password, DatabaseDialect dialect,
                          int maxSize) {
        HikariConfig config = new HikariConfig();
        config.setPoolName("sluice-jdbc-" + name);
        config.setJdbcUrl(url);
        if (user != null) {
            config.setUsername(user);
        }
        if (password != null) {
            config.setPassword(password.value());
        }
        config.setAutoCommit(false);
        config.setMaximumPoolSize(maxSize);
        config.setMinimumIdle(0);
        // connect lazily: whether the database can be used is found out by ConnectionCheck at start, and a
        // database that is away at start is retried by the task rather than failing the pool's construction
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(TimeUnit.SECONDS.toMillis(CONNECT_TIMEOUT_SECONDS));
        String initSql = dialect.sessionInitSql();
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        dialect.driverProperties().forEach(config::addDataSourceProperty);
        dialect.connectTimeoutProperties(CONNECT_TIMEOUT_SECONDS).forEach(config::addDataSourceProperty);
        String driver = driverClassName(url, dialect);
        if (driver != null) {
            config.setDriverClassName(driver);
        }
        this.dataSource = new HikariDataSource(config);
    }

    /**
     * The driver class for the URL, loaded from this plugin's class loader: the dialect's, or a driver dropped
     * into this plugin's directory that accepts the URL; null leaves it to DriverManager, which only knows the
     * drivers of the class loader that first used it (the worker's).
     */
    static String driverClassName(String url, DatabaseDialect dialect) {
        if (dialect.driverClassName() != null) {
            return dialect.driverClassName();
        }
        for (Driver driver : ServiceLoader.load(Driver.class, ConnectionPool.class.getClassLoader())) {
            try {
                if (driver.acceptsURL(url)) {
                    return driver.getClass().getName();
                }
            } catch (SQLException e) {
                // a driver that cannot judge the URL is not the one for it
            }
        }
        return null;
    }

    /** A driver instance for the URL, found as the pool finds it. */
    static Driver driver(String url, DatabaseDialect dialect) throws SQLException {
        String name = driverClassName(url, dialect);
        if (name == null) {
            return DriverManager.getDriver(url);
        }
        try {
            return (Driver) Class.forName(name, true, ConnectionPool.class.getClassLoader())
                    .getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            throw new SQLException("JDBC driver " + name + " cannot be loaded: " + e, "08001", e);
        }
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
