package io.sluice.runtime.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class OffsetRecordFormatTest {

    private final OffsetRecordFormat format = new OffsetRecordFormat();

    @Test
    void keyIsTheJsonArrayOfConnectorAndPartitionApacheWrites() {
        Map<String, Object> partition = new LinkedHashMap<>();
        partition.put("filename", "/tmp/in.txt");
        partition.put("shard", 3);

        String key = new String(format.key("file-source", partition), StandardCharsets.UTF_8);

        assertEquals("[\"file-source\",{\"filename\":\"/tmp/in.txt\",\"shard\":3}]", key);
    }

    @Test
    void valueIsTheOffsetAsAJsonObjectAndNullIsATombstone() {
        assertEquals("{\"position\":42}", new String(format.value(Map.of("position", 42L)), StandardCharsets.UTF_8));
        assertNull(format.value(null));
    }

    @Test
    void parsedKeysAndValuesCarryIntegralNumbersAsLongs() {
        byte[] key = "[\"c\",{\"p\":1}]".getBytes(StandardCharsets.UTF_8);

        OffsetRecordFormat.Key parsed = format.parseKey(key);

        assertEquals("c", parsed.connector());
        assertEquals(Map.of("p", 1L), parsed.partition());
        assertEquals(Map.of("pos", 7L), format.parseValue("{\"pos\":7}".getBytes(StandardCharsets.UTF_8)));
    }

    @Test
    void keysThatAreNotConnectorPartitionPairsAreNotOffsetKeys() {
        assertNull(format.parseKey("{\"sluice.offset.file.import\":\"/x\"}".getBytes(StandardCharsets.UTF_8)));
        assertNull(format.parseKey(format.anyKey(List.of("only-one"))));
    }
}
