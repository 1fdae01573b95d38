package io.sluice.jdbc;

import io.sluice.jdbc.dialect.DatabaseDialect;
import io.sluice.jdbc.dialect.DatabaseDialects;
import java.time.DateTimeException;
import java.time.ZoneId;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.Importance;
import org.apache.kafka.common.config.ConfigDef.Type;
import org.apache.kafka.common.config.ConfigDef.Width;
import org.apache.kafka.common.config.ConfigException;

/** The connection keys both JDBC connectors share (Confluent JDBC connector names). */
public final class ConnectionKeys {
    public static final String GROUP = "Database";
    public static final String URL = "connection.url";
    public static final String USER = "connection.user";
    public static final String PASSWORD = "connection.password";
    public static final String DIALECT = "dialect.name";
    public static final String TIMEZONE = "db.timezone";
    public static final String POOL_SIZE = "connection.pool.size";
    public static final String CONNECTION_ATTEMPTS = "connection.attempts";
    public static final String CONNECTION_BACKOFF_MS = "connection.backoff.ms";

    private ConnectionKeys() {
    }

    public static ConfigDef define(ConfigDef def) {
        int order = 0;
        return def
                .define(URL, Type.STRING, ConfigDef.NO_DEFAULT_VALUE, new ConfigDef.NonEmptyString(),
                        Importance.HIGH, "JDBC connection URL, e.g. jdbc:postgresql://host:5432/db.",
                        GROUP, ++order, Width.LONG, "JDBC URL")
                .define(USER, Type.STRING, null, Importance.HIGH, "Database user.", GROUP, ++order,
                        Width.MEDIUM, "JDBC user")
                .define(PASSWORD, Type.PASSWORD, null, Importance.HIGH, "Database password.", GROUP, ++order,
                        Width.MEDIUM, "JDBC password")
                .define(DIALECT, Type.STRING, "", ConfigDef.ValidString.in("", DatabaseDialects.POSTGRES,
                                DatabaseDialects.MYSQL, DatabaseDialects.GENERIC), Importance.LOW,
                        "Database dialect; empty picks it from connection.url (PostgreSQL, MySQL/MariaDB, "
                                + "otherwise generic ANSI SQL).", GROUP, ++order, Width.LONG, "Dialect")
                .define(TIMEZONE, Type.STRING, "UTC", (name, value) -> {
                            try {
                                ZoneId.of((String) value);
                            } catch (DateTimeException e) {
                                throw new ConfigException(name, value, "not a time zone id (e.g. UTC, Europe/Paris)");
                            }
                        }, Importance.MEDIUM,
                        "Time zone of TIMESTAMP (without time zone) columns and of the database session.",
                        GROUP, ++order, Width.SHORT, "DB time zone")
                .define(POOL_SIZE, Type.INT, 2, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Maximum pooled connections per task.", GROUP, ++order, Width.SHORT, "Pool size")
                .define(CONNECTION_ATTEMPTS, Type.INT, 3, ConfigDef.Range.atLeast(1), Importance.LOW,
                        "Tries to reach the database when a connector or task starts, before it fails with the "
                                + "database's reason (a wrong password, host or database fails at the first).",
                        GROUP, ++order, Width.SHORT, "Connection attempts")
                .define(CONNECTION_BACKOFF_MS, Type.LONG, 3_000L, ConfigDef.Range.atLeast(0), Importance.LOW,
                        "Wait between the start-up connection attempts (Confluent's default is 10000; a shorter "
                                + "one shows a wrong port in the status within seconds).",
                        GROUP, ++order, Width.SHORT, "Connection backoff (ms)");
    }

    public static DatabaseDialect dialect(AbstractConfig config) {
        return DatabaseDialects.create(config.getString(DIALECT), config.getString(URL),
                ZoneId.of(config.getString(TIMEZONE)));
    }

    public static ConnectionPool pool(AbstractConfig config, String name, DatabaseDialect dialect) {
        return new ConnectionPool(name, config.getString(URL), config.getString(USER), config.getPassword(PASSWORD),
                dialect, config.getInt(POOL_SIZE));
    }
}
