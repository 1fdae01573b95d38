package io.sluice.jdbc;

import java.io.EOFException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.sql.BatchUpdateException;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What a database error means for the connector, from its SQLState (standard classes, PostgreSQL's
 * and MySQL's codes) and the exceptions in its cause chain (HikariCP hides the driver's error in
 * the cause of its own timeout):
 * <ul>
 *   <li>{@link #TRANSIENT}: the database is away or busy (connection refused or lost, failover,
 *       serialization failure, deadlock, shutdown, too many connections, disk full); worth retrying.</li>
 *   <li>{@link #ACCESS}: the configuration cannot work as it is (authentication failed, unknown host,
 *       missing database, schema or table, permission denied); retrying only delays the failure.</li>
 *   <li>{@link #DATA}: the database refused what was sent (constraint, type, value); a record's fault.</li>
 * </ul>
 */
public enum DatabaseFailure {
    TRANSIENT, ACCESS, DATA;

    /** SQLStates of ACCESS failures (exact codes; classes are matched in {@link #ofState}). */
    private static final Set<String> ACCESS_STATES = Set.of(
            "08004", // the server rejected the connection: pgjdbc says so when no password was given
            "3D000", // database does not exist
            "3F000", // schema does not exist
            "42501", // insufficient privilege
            "42P01", // undefined table (PostgreSQL)
            "42S02", // table not found (MySQL, ODBC)
            "57P04"); // database dropped
    /** MySQL/MariaDB error codes of ACCESS failures, whose SQLState (42000, 28000) is shared with other errors. */
    private static final Set<Integer> MYSQL_ACCESS_CODES = Set.of(1044, 1045, 1049, 1142, 1143, 1146, 1227);

    /** The meaning of this failure, judged by the most specific evidence anywhere in its cause chain. */
    public static DatabaseFailure of(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof UnknownHostException) {
                return ACCESS;
            }
        }
        // the innermost SQLState is the driver's own; wrappers (HikariCP's timeout) copy or lack it
        for (int i = chain.size() - 1; i >= 0; i--) {
            if (chain.get(i) instanceof SQLException sql) {
                DatabaseFailure byState = ofState(sql.getSQLState(), sql.getErrorCode());
                if (byState != null) {
                    return byState;
                }
            }
        }
        for (Throwable t : chain) {
            if (t instanceof SQLTransientException || t instanceof SQLRecoverableException
                    || t instanceof ConnectException || t instanceof NoRouteToHostException
                    || t instanceof SocketTimeoutException || t instanceof SocketException
                    || t instanceof EOFException) {
                return TRANSIENT;
            }
        }
        return DATA;
    }

    private static DatabaseFailure ofState(String state, int vendorCode) {
        if (MYSQL_ACCESS_CODES.contains(vendorCode) && state != null && !state.startsWith("08")) {
            return ACCESS;
        }
        if (state == null || state.length() != 5) {
            return null;
        }
        String s = state.toUpperCase(Locale.ROOT);
        if (ACCESS_STATES.contains(s) || s.startsWith("28")) {
            return ACCESS;
        }
        if (s.startsWith("08") || s.startsWith("53") || s.startsWith("57") || s.equals("40001")
                || s.equals("40P01") || s.equals("40003") || s.equals("25006") || s.equals("55P03")
                || s.equals("HYT00")) {
            // connection exceptions, insufficient resources (disk full, too many connections), operator
            // intervention (shutdown, recovery, statement timeout), serialization failure, deadlock, unknown
            // completion, read-only (a standby during failover), lock and query timeouts
            return TRANSIENT;
        }
        return null;
    }

    /**
     * The database's own words for this failure: the message of the innermost driver error (or
     * network error, when there is none) in the chain, e.g. {@code FATAL: password authentication failed for user "x"},
     * instead of a pool's "Connection is not available, request timed out".
     */
    public static String reason(Throwable failure) {
        List<Throwable> chain = chain(failure);
        for (Throwable t : chain) {
            if (t instanceof UnknownHostException u) {
                return "unknown host " + u.getMessage();
            }
        }
        // the driver's error says most (pgjdbc: "Connection to host:port refused. Check that the hostname and port
        // are correct..."); a bare network error only when no driver error is there
        Throwable driver = null;
        Throwable network = null;
        for (Throwable t : chain) {
            if (t.getMessage() != null && t instanceof SQLException) {
                driver = t;
            } else if (t.getMessage() != null && t instanceof java.io.IOException) {
                network = t;
            }
        }
        Throwable chosen = driver != null ? driver : network != null ? network : failure;
        String message = chosen.getMessage();
        return message == null ? chosen.getClass().getSimpleName() : withoutUrlParameters(message);
    }

    /** A JDBC URL, up to where its parameters (user, password, ...) begin. */
    private static final Pattern JDBC_URL = Pattern.compile("(jdbc:[^\\s?;'\"]*)([?;][^\\s'\"]*)?");
    /** The user:password@ of a URL's authority. */
    private static final Pattern USER_INFO = Pattern.compile("//[^/\\s@]*@");

    /**
     * The message with each JDBC URL cut before its parameters and stripped of user info: a driver quotes the URL it
     * cannot parse (pgjdbc: "Unable to parse URL jdbc:postgresql://h:x/db?user=u&password=p"), and the connector
     * must not pass on the credentials in it. The host, port and database stay, as they are what to correct.
     */
    static String withoutUrlParameters(String message) {
        if (!message.contains("jdbc:")) {
            return message;
        }
        return JDBC_URL.matcher(message).replaceAll(m -> Matcher.quoteReplacement(
                USER_INFO.matcher(m.group(1)).replaceFirst("//") + (m.group(2) == null ? "" : "?...")));
    }

    /** pgjdbc's batch message: the statement with every bound value, between "Batch entry N" and "was aborted". */
    private static final Pattern BATCH_STATEMENT = Pattern.compile("(Batch entry \\d+) .*? (was aborted)", Pattern.DOTALL);

    /**
     * The failure to attach as the cause of the connector's own exception, which the task's status trace and the
     * failure log print whole: a {@link BatchUpdateException}'s message repeats the statement with every row of
     * the batch bound into it (tens of kilobytes of table rows), so it is replaced by the database's error (the
     * batch's next exception: SQLState, server message, table), or by its own message without the statement.
     */
    public static Throwable shown(Throwable failure) {
        if (!(failure instanceof BatchUpdateException batch)) {
            return failure;
        }
        SQLException next = batch.getNextException();
        if (next != null) {
            return next;
        }
        String message = batch.getMessage() == null ? null
                : BATCH_STATEMENT.matcher(batch.getMessage()).replaceAll("$1 $2");
        return new SQLException(message, batch.getSQLState(), batch.getErrorCode());
    }

    /** The failure and its causes and chained SQLExceptions, outermost first, each once. */
    private static List<Throwable> chain(Throwable failure) {
        List<Throwable> chain = new ArrayList<>();
        Map<Throwable, Boolean> seen = new IdentityHashMap<>();
        Throwable t = failure;
        while (t != null && seen.put(t, Boolean.TRUE) == null) {
            chain.add(t);
            Throwable next = t.getCause();
            if (next == null && t instanceof SQLException sql) {
                next = sql.getNextException();
            }
            t = next;
        }
        return chain;
    }
}
