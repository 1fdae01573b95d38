package io.sluice.runtime.worker;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.UnknownHostException;
import java.sql.SQLException;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

class FailureTraceTest {

    @Test
    void theTraceStartsWithTheRootCauseThenWhatItCausedThenTheStackTrace() {
        Exception error = new ConnectException("Could not start the connector",
                new SQLException("The connection attempt failed.\n  Detail: on host db",
                        new UnknownHostException("db.invalid")));
        String trace = FailureTrace.of(error);
        String[] lines = trace.split("\n");
        assertEquals("Root cause: java.net.UnknownHostException: db.invalid", lines[0]);
        assertEquals("  which caused java.sql.SQLException: The connection attempt failed. Detail: on host db", lines[1]);
        assertEquals("  which caused org.apache.kafka.connect.errors.ConnectException: Could not start the connector",
                lines[2]);
        assertEquals("", lines[3]);
        assertEquals("org.apache.kafka.connect.errors.ConnectException: Could not start the connector", lines[4]);
        assertTrue(trace.contains("\tat " + FailureTraceTest.class.getName()), "the full stack trace follows");
        assertTrue(trace.contains("Caused by: java.net.UnknownHostException: db.invalid"));
        assertEquals("java.net.UnknownHostException: db.invalid", FailureTrace.rootCause(error));
    }

    @Test
    void anErrorWithoutCauseIsItsStackTraceAsApacheShowsIt() {
        IllegalStateException error = new IllegalStateException("poll failed on purpose");
        String trace = FailureTrace.of(error);
        assertTrue(trace.startsWith("java.lang.IllegalStateException: poll failed on purpose\n\tat "), trace);
        assertEquals("java.lang.IllegalStateException: poll failed on purpose", FailureTrace.rootCause(error));
    }
}
