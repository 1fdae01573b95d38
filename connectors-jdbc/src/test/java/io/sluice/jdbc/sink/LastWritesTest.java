package io.sluice.jdbc.sink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.sluice.jdbc.dialect.SinkColumn;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.junit.jupiter.api.Test;

/** What a batch of keyed writes and deletes folds to: the last write per key unless deleted after it, deletes first. */
class LastWritesTest {
    private static final RowShape KEYED = new RowShape(List.of(new SinkColumn("id", Schema.INT64_SCHEMA, true),
            new SinkColumn("v", Schema.INT64_SCHEMA, false)), 1, new Field[2], false, false);

    private static SinkRow row(long key, long value, boolean delete) {
        return new SinkRow(null, KEYED, new Object[] {key, value}, delete ? SinkRow.Kind.DELETE : SinkRow.Kind.WRITE,
                null);
    }

    @Test
    void aKeyWrittenTwiceKeepsItsLastWriteAtThatWritesPlaceAndADeleteAfterAWriteDropsIt() {
        List<SinkRow> rows = List.of(row(1, 10, false), row(2, 20, false), row(1, 11, false), row(3, 30, false),
                row(3, 0, true), row(2, 0, true), row(2, 21, false), row(3, 0, true));
        List<SinkRow> deletes = new ArrayList<>();
        List<SinkRow> writes = new LastWrites().fold(rows, deletes);
        assertEquals(List.of(rows.get(2), rows.get(6)), writes);
        assertEquals(List.of(rows.get(4), rows.get(5)), deletes, "each deleted key's first delete, in row order");
    }

    @Test
    void foldsAsALinkedMapOfLastWritesWouldForAnyMixOfWritesAndDeletesAcrossBatchesOfEverySize() {
        Random random = new Random(7);
        LastWrites lastWrites = new LastWrites(); // reused: its table must not carry one batch into the next
        for (int batch = 0; batch < 500; batch++) {
            int n = random.nextInt(batch % 50 == 0 ? 5000 : 60);
            int keys = 1 + random.nextInt(n + 1);
            List<SinkRow> rows = new ArrayList<>();
            for (int i = 0; i < n; i++) {
                rows.add(row(random.nextInt(keys), i, random.nextInt(5) == 0));
            }
            List<SinkRow> deletes = new ArrayList<>();
            List<SinkRow> writes = lastWrites.fold(rows, deletes);
            List<SinkRow> expectedDeletes = new ArrayList<>();
            assertEquals(linkedMapFold(rows, expectedDeletes), writes);
            assertEquals(expectedDeletes, deletes);
        }
    }

    /** The fold as BatchWriter did it before: a linked map, an entry moved to the end per write. */
    private static List<SinkRow> linkedMapFold(List<SinkRow> rows, List<SinkRow> deleteRows) {
        Set<Object> deletes = new HashSet<>();
        Map<Object, SinkRow> finalWrites = new LinkedHashMap<>();
        for (SinkRow row : rows) {
            Object key = row.key();
            finalWrites.remove(key);
            if (row.delete()) {
                if (deletes.add(key)) {
                    deleteRows.add(row);
                }
            } else {
                finalWrites.put(key, row);
            }
        }
        return new ArrayList<>(finalWrites.values());
    }
}
