package io.sluice.jdbc;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.SQLException;
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
        // the driver lives in this plugin's loader; Hikari looks it up by URL through DriverManager otherwise
        String driver = dialect.driverClassName();
        if (driver != null) {
            config.setDriverClassName(driver);
        }
        this.dataSource = new HikariDataSource(config);
    }

    public Connection connection() throws SQLException {
        return dataSource.getConnection();
    }

    @Override
    public void close() {
        dataSource.close();
    }
}
