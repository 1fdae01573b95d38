package io.sluice.s3.source;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.connect.errors.ConnectException;
import org.junit.jupiter.api.Test;

/** Offsets a user alters are refused, in words saying why, when the S3 source's tasks could not use them. */
class S3SourceOffsetsTest {
    private static final Map<String, String> ORDERS_0 = Map.of("unit", "topic:orders:0");
    private static final String ORDERS_0_OBJECT = "backup/orders/partition=0/orders+0+00000000000000000040+"
            + "00000000000000000079.json.gz";

    private static Map<String, String> restoring() {
        return Map.of("s3.bucket.name", "b", "topics", "orders", "topics.dir", "backup", "format.class", "envelope");
    }

    private static Map<String, String> prefixes() {
        return Map.of("s3.bucket.name", "b", "s3.prefixes", "landing/,in/", "topic", "landing", "format.class", "json");
    }

    private static boolean alter(Map<String, String> config, Map<String, ?> partition, Map<String, ?> offset) {
        Map<Map<String, ?>, Map<String, ?>> offsets = new HashMap<>();
        offsets.put(partition, offset);
        return new S3SourceConnector().alterOffsets(config, offsets);
    }

    private static String refusal(Map<String, String> config, Map<String, ?> partition, Map<String, ?> offset) {
        return assertThrows(ConnectException.class, () -> alter(config, partition, offset)).getMessage();
    }

    @Test
    void aPositionThatIsNoNonNegativeWholeNumberIsRefusedInTheConnectorsWords() {
        assertEquals("The value for the 'position' key in the offset is expected to be a Long value (the records of "
                + "the object already delivered), not \"notanumber\"", refusal(restoring(), ORDERS_0,
                Map.of("object", ORDERS_0_OBJECT, "position", "notanumber")));
        assertTrue(refusal(restoring(), ORDERS_0, Map.of("object", ORDERS_0_OBJECT, "position", 2.5))
                .endsWith("not 2.5"));
        assertEquals("The value for the 'position' key in the offset should be a non-negative value, not -10",
                refusal(restoring(), ORDERS_0, Map.of("object", ORDERS_0_OBJECT, "position", -10)));
    }

    @Test
    void theOffsetMustNameAnObjectOfItsUnitSoTheUnitIsNotReadAgainFromItsStart() {
        assertTrue(refusal(restoring(), ORDERS_0, Map.of("position", 5L))
                .startsWith("Offset objects should either be null or contain the key 'object'"));
        assertTrue(refusal(restoring(), ORDERS_0, Map.of("object", 5L, "position", 5L)).contains("not 5"));
        assertTrue(refusal(restoring(), ORDERS_0, Map.of("object", ORDERS_0_OBJECT, "pos", 5L))
                .contains("'pos' is neither"));
        assertTrue(refusal(restoring(), ORDERS_0, Map.of("object", "backup/orders/whatever.json", "position", 5L))
                .startsWith("The object 'backup/orders/whatever.json' is not one the S3 sink wrote for partition 0"));
        assertTrue(refusal(restoring(), Map.of("unit", "topic:orders:1"), Map.of("object", ORDERS_0_OBJECT))
                .contains("for partition 1 of topic orders"));
        assertTrue(refusal(prefixes(), Map.of("unit", "prefix:in/"), Map.of("object", "landing/a.json"))
                .startsWith("The object 'landing/a.json' is not under the unit's prefix 'in/'"));
    }

    @Test
    void thePartitionMustBeAUnitTheConnectorReads() {
        assertTrue(refusal(restoring(), Map.of("path", "orders"), Map.of("object", ORDERS_0_OBJECT))
                .startsWith("Partition objects hold only the key 'unit'"));
        for (Object unit : new Object[] {"orders:0", "topic:orders:x", "topic:orders:-1", "topic::0", "topic:orders:*",
                7L}) {
            assertTrue(refusal(restoring(), Map.of("unit", unit), Map.of("object", ORDERS_0_OBJECT))
                    .startsWith("The value for the 'unit' key in the partition is expected to be"), unit.toString());
        }
        assertEquals("The unit 'topic:payments:0' is not one this connector reads (topics=[orders]), so its offset "
                + "would never be used", refusal(restoring(), Map.of("unit", "topic:payments:0"),
                Map.of("object", "backup/payments/p/payments+0+0+9.json")));
        assertTrue(refusal(prefixes(), Map.of("unit", "prefix:other/"), Map.of("object", "other/a.json"))
                .contains("(s3.prefixes=[landing/, in/])"));
    }

    @Test
    void offsetsATaskCanUseAndResetsOfAnyPartitionAreAccepted() {
        assertTrue(alter(restoring(), ORDERS_0, Map.of("object", ORDERS_0_OBJECT, "position", 12)));
        assertTrue(alter(restoring(), ORDERS_0, Map.of("object", ORDERS_0_OBJECT)), "position 0: the whole object");
        assertTrue(alter(prefixes(), Map.of("unit", "prefix:in/"), Map.of("object", "in/b.json", "position", 0L)));
        assertTrue(alter(restoring(), Map.of("unit", "anything at all"), null));
        assertTrue(alter(restoring(), Map.of("unit", "topic:orders:0"), null));
    }
}
