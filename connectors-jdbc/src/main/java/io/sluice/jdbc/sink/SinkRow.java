package io.sluice.jdbc.sink;

import io.sluice.jdbc.TableId;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * One record turned into a row: its table, shape, values in shape order; or a delete by key, or a truncate. A
 * schemaless record's row has no shape until {@link SchemalessRows} gave it the table's columns, on the writer thread;
 * {@code parsed} holds its value's members when its JSON text was read already, on the task thread.
 */
record SinkRow(TableId table, RowShape shape, Object[] values, Kind kind, SinkRecord record, JsonMembers parsed) {

    SinkRow(TableId table, RowShape shape, Object[] values, Kind kind, SinkRecord record) {
        this(table, shape, values, kind, record, null);
    }

    /** A schemaless record's write or delete, typed later from its table's columns. */
    static SinkRow schemaless(TableId table, Kind kind, SinkRecord record) {
        return new SinkRow(table, null, null, kind, record, null);
    }

    /** A schemaless write whose value's JSON text was read into members already. */
    static SinkRow schemaless(TableId table, SinkRecord record, JsonMembers parsed) {
        return new SinkRow(table, null, null, Kind.WRITE, record, parsed);
    }

    boolean schemaless() {
        return shape == null;
    }

    /** What the row does to its table. */
    enum Kind { WRITE, DELETE, TRUNCATE }

    boolean delete() {
        return kind == Kind.DELETE;
    }

    boolean truncate() {
        return kind == Kind.TRUNCATE;
    }

    /** The key, comparable for equality (bytes compared by content): the value itself for a one-column key. */
    Object key() {
        if (shape.keyCount() == 1) {
            Object v = values[0];
            return v instanceof byte[] b ? ByteBuffer.wrap(b) : v;
        }
        List<Object> key = new ArrayList<>(shape.keyCount());
        for (int i = 0; i < shape.keyCount(); i++) {
            Object v = values[i];
            key.add(v instanceof byte[] b ? ByteBuffer.wrap(b) : v);
        }
        return key;
    }

    String describeRecord() {
        return "record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }
}
