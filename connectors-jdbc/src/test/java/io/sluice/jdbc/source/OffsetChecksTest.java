package io.sluice.jdbc.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** Offsets a user alters are refused when a task could not use them; stored ones are read only when well formed. */
class OffsetChecksTest {
    private static final Map<String, String> CUSTOMERS = Map.of("protocol", "1", "table", "public.customers");

    private static Map<String, String> config(String mode, String... extra) {
        Map<String, String> config = new HashMap<>(Map.of("connection.url", "jdbc:postgresql://db/app",
                "topic.prefix", "pg-", "mode", mode, "incrementing.column.name", "id",
                "timestamp.column.name", "updated_at"));
        for (int i = 0; i < extra.length; i += 2) {
            config.put(extra[i], extra[i + 1]);
        }
        return config;
    }

    private static String refusal(Map<String, String> config, Map<String, ?> partition, Map<String, ?> offset) {
        Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
        offsets.put(partition, offset);
        return assertThrows(ConnectException.class, () -> new JdbcSourceConnector().alterOffsets(config, offsets))
                .getMessage();
    }

    @Test
    void anIncrementingValueThatIsNoWholeNumberIsRefusedInsteadOfTheTableBeingReadAgain() {
        assertEquals("The value for the 'incrementing' key in the offset is expected to be a whole number, not \"abc\" "
                + "(partition " + CUSTOMERS + ")", refusal(config("incrementing"), CUSTOMERS, Map.of("incrementing", "abc")));
        assertTrue(refusal(config("incrementing"), CUSTOMERS, Map.of("incrementing", 1.5)).contains("not 1.5"));
        assertTrue(refusal(config("incrementing"), CUSTOMERS, Map.of("id", 5L)).contains("'id' is no offset key"));
    }

    @Test
    void theOffsetMustHoldWhatTheModeReads() {
        assertTrue(refusal(config("incrementing"), CUSTOMERS, Map.of("timestamp", 5L))
                .startsWith("mode=incrementing reads from an offset with 'incrementing' and nothing else"));
        assertTrue(refusal(config("timestamp+incrementing"), CUSTOMERS, Map.of("incrementing", 5L))
                .startsWith("mode=timestamp+incrementing reads from an offset with 'timestamp' and 'incrementing'"));
        assertTrue(refusal(config("bulk"), CUSTOMERS, Map.of("incrementing", 5L)).startsWith("mode=bulk"));
        assertTrue(refusal(config("timestamp"), CUSTOMERS, Map.of("timestamp", 1_700_000_000_123L,
                "timestamp_nanos", 5L)).contains("nanoseconds within the second"));
        Map<Map<String, ?>, Map<String, ?>> fine = new HashMap<>();
        fine.put(CUSTOMERS, Map.of("timestamp", 1_700_000_000_123L, "timestamp_nanos", 123_456_789L, "incrementing", -1L));
        assertTrue(new JdbcSourceConnector().alterOffsets(config("timestamp+incrementing"), fine));
        assertTrue(new JdbcSourceConnector().alterOffsets(config("bulk"), Map.of(CUSTOMERS, Map.of())));
    }

    @Test
    void thePartitionMustBeOneATaskLooksUpAndResetsMayNameAny() {
        assertTrue(refusal(config("incrementing"), Map.of("table", "public.customers"), Map.of("incrementing", 5L))
                .startsWith("The partitions of this connector are {\"protocol\": \"1\", \"table\""));
        assertTrue(refusal(config("incrementing"), Map.of("protocol", 1L, "table", "public.customers"),
                Map.of("incrementing", 5L)).startsWith("The partitions of this connector are"));
        assertTrue(refusal(config("incrementing", "table.include.list", "public.orders"), CUSTOMERS,
                Map.of("incrementing", 5L)).startsWith("Table public.customers is not one this connector reads"));
        assertTrue(refusal(config("incrementing", "query", "SELECT * FROM customers", "topic.prefix", "q"), CUSTOMERS,
                Map.of("incrementing", 5L)).startsWith("This connector reads a query"));
        assertTrue(new JdbcSourceConnector().alterOffsets(config("incrementing", "query", "SELECT * FROM customers"),
                Map.of(Map.of("query", "SELECT * FROM customers"), Map.of("incrementing", 5L))));
        Map<Map<String, ?>, Map<String, ?>> resets = new HashMap<>();
        resets.put(Map.of("table", "old_table"), null);
        assertTrue(new JdbcSourceConnector().alterOffsets(config("incrementing"), resets));
    }

    @Test
    void aStoredOffsetIsCheckedForItsShapeOnlySinceTheModeMayHaveChanged() {
        assertNull(OffsetChecks.shapeProblem(Map.of("incrementing", 105L)));
        assertNull(OffsetChecks.shapeProblem(Map.of("timestamp", -1L, "timestamp_nanos", 999_000_000L)));
        assertTrue(OffsetChecks.shapeProblem(Map.of("incrementing", "abc")).contains("not \"abc\""));
        assertTrue(OffsetChecks.shapeProblem(Map.of("timestamp_nanos", 5L)).contains("'timestamp', which is missing"));
    }
}
