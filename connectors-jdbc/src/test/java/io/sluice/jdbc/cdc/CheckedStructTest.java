package io.sluice.jdbc.cdc;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;
import org.junit.jupiter.api.Test;

/** The snapshot's structs validate as Connect's do: the same values refused, the field named, nothing skipped. */
class CheckedStructTest {
    private static final Schema ROW = SchemaBuilder.struct().name("row").optional()
            .field("id", Schema.INT64_SCHEMA).field("name", Schema.OPTIONAL_STRING_SCHEMA).build();
    private static final Schema ENVELOPE = SchemaBuilder.struct().name("envelope")
            .field("after", ROW).field("op", Schema.STRING_SCHEMA).build();

    @Test
    void aValueOfTheWrongTypeIsRefusedNamingItsField() {
        DataException e = assertThrows(DataException.class, () -> new CheckedStruct(ROW).put("id", "seven"));
        assertTrue(e.getMessage().contains("\"id\""), e.getMessage());
        assertThrows(DataException.class, () -> new CheckedStruct(ROW).put("id", null), "a required field");
    }

    @Test
    void aRowMissingARequiredValueIsRefusedWhenPutIntoItsEnvelopeAsConnectRefusesIt() {
        Struct row = new CheckedStruct(ROW).put("name", "no id");
        DataException e = assertThrows(DataException.class, () -> new CheckedStruct(ENVELOPE).put("after", row));
        assertTrue(e.getMessage().contains("\"id\""), e.getMessage());
        assertThrows(DataException.class, () -> new Struct(ENVELOPE).put("after", row), "Connect's own struct too");
    }

    @Test
    void valuesPutAreReadBackAndCompareAsAPlainStructs() {
        Struct row = new CheckedStruct(ROW).put("id", 1L);
        Struct envelope = new CheckedStruct(ENVELOPE).put("after", row).put("op", "r");
        row.put("name", "x");
        envelope.validate();
        Struct plainRow = new Struct(ROW).put("id", 1L).put("name", "x");
        assertEquals(row, plainRow, "values are Connect's: equal to a plain struct's, read back the same");
        assertEquals("x", row.getString("name"));
        assertEquals(1L, row.getInt64("id"));
    }
}
