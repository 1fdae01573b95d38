package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.sluice.jdbc.testing.PostgresDatabase;
import io.sluice.jdbc.testing.RecordingConnectorContext;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Two connectors configured with one slot.name (the second created while the first was stopped, which validation
 * cannot see): resetting the second one's offsets must not drop the slot the first one reads from.
 */
class CdcSharedSlotIT {

    @RegisterExtension
    static final PostgresDatabase db = new PostgresDatabase("cdcsharedslot");

    private static Map<String, String> config(String name) {
        Map<String, String> config = new HashMap<>();
        config.put("name", name);
        config.put("connection.url", db.url());
        config.put("topic.prefix", name);
        config.put("table.include.list", "public.shared_items");
        config.put("slot.name", "shared_slot");
        config.put("publication.name", "shared_pub");
        return config;
    }

    @Test
    void resettingTheOffsetsOfASecondConnectorOnTheSameSlotLeavesTheFirstOnesSlot() {
        db.execute("CREATE TABLE shared_items (id bigint PRIMARY KEY)",
                "CREATE PUBLICATION shared_pub FOR TABLE shared_items",
                "SELECT pg_create_logical_replication_slot('shared_slot', 'pgoutput')");
        PostgresCdcConnector owner = new PostgresCdcConnector();
        owner.initialize(new RecordingConnectorContext());
        owner.start(config("shared-owner"));
        try {
            Map<Map<String, ?>, Map<String, ?>> reset = new HashMap<>();
            reset.put(Map.of("server", "shared-copy"), null);
            assertTrue(new PostgresCdcConnector().alterOffsets(config("shared-copy"), reset));
            assertEquals(1L, db.scalar("SELECT count(*) FROM pg_replication_slots WHERE slot_name = 'shared_slot'"),
                    "the owner's slot is kept");
            assertEquals(1L, db.scalar("SELECT count(*) FROM pg_publication WHERE pubname = 'shared_pub'"),
                    "and its publication");
        } finally {
            owner.stop();
            db.execute("SELECT pg_drop_replication_slot(slot_name) FROM pg_replication_slots "
                    + "WHERE slot_name = 'shared_slot'"); // gone already when the reset dropped it: the failure says so
        }
    }
}
