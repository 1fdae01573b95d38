package io.sluice.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.ServiceLoader;
import org.apache.kafka.common.config.types.Password;

/** A small HikariCP pool per task; connections come back with autocommit off and the session set up by the dialect. */
public final class ConnectionPool implements AutoCloseable {
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
        config.setInitializationFailTimeout(-1);
        config.setConnectionTimeout(30_000);
        String initSql = dialect.sessionInitSql();
        if (initSql != null) {
            config.setConnectionInitSql(initSql);
        }
        dialect.driverProperties().forEach(config::addDataSourceProperty);
        // the driver lives in this plugin's loader; Hikari looks it up by URL through DriverManager otherwise,
        // which only knows drivers of the class loader that first used it (the worker's)
        String driver = dialect.driverClassName() != null ? dialect.driverClassName() : pluginDriverFor(url);
        if (driver != null) {
            config.setDriverClassName(driver);
        }
        this.dataSource = new HikariDataSource(config);
    }

    /** A driver dropped into this plugin's directory (or bundled) that accepts the URL, or null. */
    private static String pluginDriverFor(String url) {
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

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
