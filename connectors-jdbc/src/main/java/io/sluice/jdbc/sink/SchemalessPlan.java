package io.sluice.jdbc.sink;

import io.sluice.jdbc.dialect.TableDefinition;
import org.apache.kafka.connect.data.Schema;

/**
 * How rows whose key and value have the same member names, in the same order, fill a table as described once: the
 * row shape, each column's type and where its value comes from. Made when a record's names first differ from the
 * last ones; each row after that is only its values converted, with no map, name lookup or shape search.
 *
 * @param table the definition the types came from: a plan is reused only while the table manager holds that one
 * @param keyNames the key's member names (null when the key is not an object: primitive, or not read)
 * @param valueNames the value's member names
 * @param sources per column, a value member's position (0 and up) or {@link #KEY_MEMBER} minus a key member's
 *                position, or one of the other constants
 */
record SchemalessPlan(TableDefinition table, String[] keyNames, String[] valueNames, RowShape shape,
                      Schema[] schemas, int[] sources) {
    static final int TOPIC = -1;
    static final int PARTITION = -2;
    static final int OFFSET = -3;
    static final int PRIMITIVE_KEY = -4;
    static final int KEY_MEMBER = -10;

    /** Whether rows with these members take this plan. */
    boolean fits(TableDefinition current, JsonMembers key, JsonMembers value) {
        return current == table && value.hasNames(valueNames)
                && (keyNames == null ? key == null : key != null && key.hasNames(keyNames));
    }
}
