package io.sluice.jdbc;

import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.Driver;
import java.sql.SQLException;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.config.AbstractConfig;
import org.apache.kafka.common.config.types.Password;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One direct connection with short timeouts, outside any pool, to learn at validation or at start whether the
 * database can be used with this configuration, and which config key is to blame when it cannot.
 */
public final class ConnectionCheck {
    private static final Logger log = LoggerFactory.getLogger(ConnectionCheck.class);
    private static final long SLOW_ATTEMPT_NANOS = TimeUnit.SECONDS.toNanos(
            ConnectionPool.CONNECT_TIMEOUT_SECONDS / 2);

    private ConnectionCheck() {
    }

    /** Opens a connection as the pool would (same driver, properties and session setup); the caller closes it. */
    public static Connection open(AbstractConfig config, DatabaseDialect dialect) throws SQLException {
        Connection connection = openBare(config, dialect, Map.of());
        try {
            String initSql = dialect.sessionInitSql();
            if (initSql != null) {
                try (var statement = connection.createStatement()) {
                    statement.execute(initSql);
                }
            }
            connection.setAutoCommit(false);
            return connection;
        } catch (SQLException e) {
            connection.close();
            throw e;
        }
    }

    /**
     * Opens a connection with the pool's driver, properties and timeouts plus extra driver properties (a
     * replication connection's), in autocommit and without the dialect's session setup; the caller closes it.
     */
    public static Connection openBare(AbstractConfig config, DatabaseDialect dialect, Map<String, String> extra)
            throws SQLException {
        String url = config.getString(ConnectionKeys.URL);
        Driver driver = ConnectionPool.driver(url, dialect);
        Properties props = new Properties();
        props.putAll(dialect.driverProperties());
        props.putAll(dialect.connectTimeoutProperties(ConnectionPool.CONNECT_TIMEOUT_SECONDS));
        props.putAll(extra);
        String user = config.getString(ConnectionKeys.USER);
        Password password = config.getPassword(ConnectionKeys.PASSWORD);
        if (user != null) {
            props.setProperty("user", user);
        }
        if (password != null) {
            props.setProperty("password", password.value());
        }
        Connection connection = driver.connect(url, props);
        if (connection == null) {
            throw new SQLException("No JDBC driver accepts this connection.url; put the database's driver in "
                    + "plugins/connectors-jdbc/", "08001");
        }
        return connection;
    }

    /** Work done on a connection of its own. */
    @FunctionalInterface
    public interface Work<T> {
        T run(Connection connection) throws SQLException;
    }

    /**
     * At a connector's or task's start: fails with the database's own reason at once when the configuration
     * cannot work (wrong password, unknown host, missing database...), and after connection.attempts tries
     * (connection.backoff.ms apart) when the database does not answer, so the status trace shows why within
     * seconds. Once started, connectors and tasks ride out a database that goes away with their own retries.
     */
    public static void failFast(AbstractConfig config, DatabaseDialect dialect) {
        atStart(config, dialect, connection -> null);
    }

    /** Runs work on a fresh connection with the start-up attempts of {@link #failFast}; its result, or the failure. */
    public static <T> T atStart(AbstractConfig config, DatabaseDialect dialect, Work<T> work) {
        int attempts = config.getInt(ConnectionKeys.CONNECTION_ATTEMPTS);
        long backoffMs = config.getLong(ConnectionKeys.CONNECTION_BACKOFF_MS);
        for (int attempt = 1; ; attempt++) {
            long began = System.nanoTime();
            try (Connection connection = open(config, dialect)) {
                T result = work.run(connection);
                connection.commit();
                return result;
            } catch (SQLException e) {
                // a refusal comes back at once and is worth another try; an attempt that used up the connect
                // timeout (a host that drops packets) gave the database its chance: trying again would keep a
                // start waiting for half a minute
                boolean timedOut = System.nanoTime() - began >= SLOW_ATTEMPT_NANOS;
                if (DatabaseFailure.of(e) != DatabaseFailure.TRANSIENT || attempt >= attempts || timedOut) {
                    throw unusable(e);
                }
                log.warn("The database does not answer ({}); attempt {} of {} in {} ms", DatabaseFailure.reason(e),
                        attempt + 1, attempts, backoffMs);
                try {
                    Thread.sleep(backoffMs);
                } catch (InterruptedException interrupted) {
                    Thread.currentThread().interrupt();
                    throw new ConnectException("Interrupted while waiting for the database", e);
                }
            }
        }
    }

    /** The failure as the connector's or task's own: the database's words first, the driver's exception as cause. */
    public static ConnectException unusable(Throwable e) {
        return new ConnectException("Cannot use the database: " + DatabaseFailure.reason(e), e);
    }

    /**
     * A failed connection as a validation error: on the key it is blamed on, in the database's words. A refused
     * password is also what PostgreSQL (with scram or md5) and MySQL answer for a user that does not exist, on
     * purpose, so that a client cannot probe for users: the message says so rather than pretending to know which.
     */
    public static ConfigProblem problem(SQLException failure, AbstractConfig config) {
        String key = keyFor(failure, config);
        String message = "Cannot connect to the database: " + DatabaseFailure.reason(failure);
        if (key.equals(ConnectionKeys.PASSWORD) && refusedPassword(failure)) {
            message += " (the database answers so both for an incorrect password and for a user that does not exist: "
                    + "check " + ConnectionKeys.USER + " too)";
        }
        return new ConfigProblem(key, message);
    }

    private static boolean refusedPassword(SQLException failure) {
        String state = innermostState(failure);
        return "28P01".equals(state) || innermostCode(failure) == 1045;
    }

    /** The config key a failed connection is blamed on: the password, the user, or the URL (host, port, database). */
    private static String keyFor(SQLException failure, AbstractConfig config) {
        String state = innermostState(failure);
        int code = innermostCode(failure);
        boolean hasPassword = config.getPassword(ConnectionKeys.PASSWORD) != null;
        boolean hasUser = config.getString(ConnectionKeys.USER) != null;
        if (DatabaseFailure.of(failure) != DatabaseFailure.ACCESS || state == null) {
            return ConnectionKeys.URL;
        }
        if (state.equals("28P01") || state.equals("08004") || code == 1045) {
            return hasPassword ? ConnectionKeys.PASSWORD : hasUser ? ConnectionKeys.USER : ConnectionKeys.URL;
        }
        if (state.startsWith("28") || state.equals("42501") || code == 1044) {
            return hasUser ? ConnectionKeys.USER : ConnectionKeys.URL;
        }
        return ConnectionKeys.URL;
    }

    private static String innermostState(SQLException failure) {
        String state = null;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getSQLState() != null) {
                state = sql.getSQLState();
            }
        }
        return state;
    }

    private static int innermostCode(SQLException failure) {
        int code = 0;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && sql.getErrorCode() != 0) {
                code = sql.getErrorCode();
            }
        }
        return code;
    }
}
