package io.sluice.jdbc;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.net.ConnectException;
import java.net.UnknownHostException;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import org.junit.jupiter.api.Test;

/** Which database errors are worth a retry, which mean the configuration cannot work, and which are a record's. */
class DatabaseFailureTest {

    /** HikariCP's timeout: its own message and the SQLState copied from the driver's error, which is its cause. */
    private static SQLException poolTimeout(SQLException driverError) {
        SQLTransientConnectionException timeout = new SQLTransientConnectionException(
                "sluice-jdbc-x - Connection is not available, request timed out after 10001ms", driverError.getSQLState(),
                driverError);
        timeout.setNextException(driverError);
        return timeout;
    }

    @Test
    void aWrongPasswordBehindThePoolsTimeoutIsAnAccessFailureInTheDatabasesWords() {
        SQLException auth = new SQLException("FATAL: password authentication failed for user \"app\"", "28P01");
        assertEquals(DatabaseFailure.ACCESS, DatabaseFailure.of(poolTimeout(auth)));
        assertEquals("FATAL: password authentication failed for user \"app\"", DatabaseFailure.reason(poolTimeout(auth)));
    }

    @Test
    void aRefusedOrLostConnectionIsTransientAndAnUnknownHostIsNot() {
        SQLException refused = new SQLException("Connection to db:5432 refused.", "08001",
                new ConnectException("Connection refused"));
        assertEquals(DatabaseFailure.TRANSIENT, DatabaseFailure.of(poolTimeout(refused)));
        assertEquals("Connection to db:5432 refused.", DatabaseFailure.reason(refused));
        SQLException unknownHost = new SQLException("The connection attempt failed.", "08001",
                new UnknownHostException("db.example.invalid"));
        assertEquals(DatabaseFailure.ACCESS, DatabaseFailure.of(unknownHost));
        assertEquals("unknown host db.example.invalid", DatabaseFailure.reason(unknownHost));
        assertEquals(DatabaseFailure.TRANSIENT, DatabaseFailure.of(new SQLTransientConnectionException("pool timeout")));
    }

    @Test
    void sqlStatesSortIntoTransientAccessAndData() {
        for (String state : new String[] {"08006", "40001", "40P01", "57P01", "57P03", "53100", "53300", "25006",
                "57014"}) {
            assertEquals(DatabaseFailure.TRANSIENT, DatabaseFailure.of(new SQLException("x", state)), state);
        }
        for (String state : new String[] {"28000", "28P01", "3D000", "3F000", "42501", "42P01", "42S02", "08004"}) {
            assertEquals(DatabaseFailure.ACCESS, DatabaseFailure.of(new SQLException("x", state)), state);
        }
        for (String state : new String[] {"23505", "23502", "22003", "42703", "0A000"}) {
            assertEquals(DatabaseFailure.DATA, DatabaseFailure.of(new SQLException("x", state)), state);
        }
    }

    @Test
    void mysqlAccessErrorsAreKnownByTheirVendorCode() {
        assertEquals(DatabaseFailure.ACCESS, DatabaseFailure.of(new SQLException("Access denied", "28000", 1045)));
        assertEquals(DatabaseFailure.ACCESS, DatabaseFailure.of(new SQLException("Unknown database", "42000", 1049)));
        assertEquals(DatabaseFailure.ACCESS, DatabaseFailure.of(new SQLException("INSERT command denied", "42000", 1142)));
        assertEquals(DatabaseFailure.DATA, DatabaseFailure.of(new SQLException("You have an error in your SQL", "42000",
                1064)));
    }
}
