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

    @Test
    void aUrlTheDriverCannotParseIsToldWithoutItsCredentials() {
        SQLException e = new SQLException(
                "Unable to parse URL jdbc:postgresql://spy:Info-Pw@127.0.0.1:notaport/shop?user=spyurl&password=LeakA_1q");
        assertEquals("Unable to parse URL jdbc:postgresql://127.0.0.1:notaport/shop?...", DatabaseFailure.reason(e));
    }

    @Test
    void aRefusedBatchIsShownAsTheDatabasesErrorWithoutTheRowsOfItsStatement() {
        java.sql.BatchUpdateException batch = new java.sql.BatchUpdateException("Batch entry 0 INSERT INTO \"orders\" "
                + "(\"id\",\"name\") VALUES (('110001'::int8), ('Secret Customer')) was aborted: ERROR: permission "
                + "denied for table orders  Call getNextException to see other errors in the batch.", "42501", 0,
                new int[0]);
        SQLException server = new SQLException("ERROR: permission denied for table orders", "42501");
        batch.setNextException(server);
        assertEquals(server, DatabaseFailure.shown(batch));

        java.sql.BatchUpdateException alone = new java.sql.BatchUpdateException("Batch entry 3 INSERT INTO \"orders\" "
                + "VALUES (('110001'::int8)) was aborted: ERROR: permission denied", "42501", 0, new int[0]);
        Throwable shown = DatabaseFailure.shown(alone);
        assertEquals("Batch entry 3 was aborted: ERROR: permission denied", shown.getMessage());
        assertEquals("42501", ((SQLException) shown).getSQLState());
        SQLException plain = new SQLException("ERROR: duplicate key");
        assertEquals(plain, DatabaseFailure.shown(plain));
    }
}
