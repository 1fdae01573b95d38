package io.sluice.jdbc.cdc;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.cdc.ColumnTypes.ColumnType;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.DataException;

/**
 * A captured table as records see it: its topic, key and value schemas (Debezium's {@code <topic>.Key},
 * {@code <topic>.Value}, {@code <topic>.Envelope}), and how each column's text becomes a field value. Built from the
 * catalog at snapshot time or from a relation message while streaming, from the same column descriptions, so a
 * table's snapshot and stream records carry equal schemas.
 */
final class TableSchema {
    /**
     * A column as the catalog or a relation message describes it; defaultText is its default's text form when the
     * default is a constant (null when it has none, or one the server computes, such as now() or nextval).
     */
    record Column(String name, int typeOid, int typeModifier, boolean notNull, String defaultText) {
    }

    private final TableId table;
    private final String topic;
    private final List<Column> columns;
    private final ColumnTypes.Reader[] readers;
    private final Field[] fields;
    private final int[] keyColumns;
    private final Schema keySchema;
    private final Schema valueSchema;
    private final Schema envelopeSchema;
    private final String placeholder;
    private final Map<Long, Schema> partialSchemas = new HashMap<>();

    /**
     * @param types      each column's mapping, resolved by the caller (the catalog knows the types)
     * @param keyNames   the primary key (or replica identity index) columns, in key order; empty: records have no key
     * @param sourceSchema the source block's schema, for the envelope
     */
    TableSchema(TableId table, String topic, List<Column> columns, List<ColumnType> types, List<String> keyNames,
                SchemaNames names, Schema sourceSchema, String placeholder) {
        this.table = table;
        this.topic = topic;
        this.columns = List.copyOf(columns);
        this.placeholder = placeholder;
        SchemaBuilder value = SchemaBuilder.struct().name(names.adjust(topic + ".Value")).optional();
        for (int i = 0; i < columns.size(); i++) {
            Column c = columns.get(i);
            value.field(c.name(), fieldSchema(c, types.get(i)));
        }
        valueSchema = value.build();
        readers = new ColumnTypes.Reader[columns.size()];
        fields = new Field[columns.size()];
        for (int i = 0; i < columns.size(); i++) {
            fields[i] = valueSchema.fields().get(i);
            readers[i] = types.get(i).readerFor().apply(fields[i].schema());
        }
        keyColumns = new int[keyNames.size()];
        SchemaBuilder key = SchemaBuilder.struct().name(names.adjust(topic + ".Key"));
        for (int k = 0; k < keyNames.size(); k++) {
            int index = indexOf(keyNames.get(k));
            keyColumns[k] = index;
            key.field(keyNames.get(k), types.get(index).schema().get().build());
        }
        keySchema = keyNames.isEmpty() ? null : key.build();
        envelopeSchema = SchemaBuilder.struct().name(names.adjust(topic + ".Envelope")).version(2)
                .field("before", valueSchema).field("after", valueSchema).field("source", sourceSchema)
                .field("transaction", EventRecords.TRANSACTION_BLOCK)
                .field("op", Schema.STRING_SCHEMA).field("ts_ms", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_us", Schema.OPTIONAL_INT64_SCHEMA).field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA).build();
    }

    private int indexOf(String column) {
        for (int i = 0; i < columns.size(); i++) {
            if (columns.get(i).name().equals(column)) {
                return i;
            }
        }
        throw new IllegalArgumentException("Key column " + column + " is not a column of " + table);
    }

    TableId table() {
        return table;
    }

    String topic() {
        return topic;
    }

    List<Column> columns() {
        return columns;
    }

    Schema keySchema() {
        return keySchema;
    }

    Schema valueSchema() {
        return valueSchema;
    }

    Schema envelopeSchema() {
        return envelopeSchema;
    }

    /** Whether a row sent for this relation has the columns this schema was built from. */
    boolean fits(RowText row) {
        return row.count() == columns.size();
    }

    /**
     * The row as a value struct. An unchanged TOASTed value (not sent) is taken from {@code old} when it holds it
     * (REPLICA IDENTITY FULL), else it becomes the placeholder (strings, bytes) or null. A required column without a
     * value (only a delete's key-only old row has such) gets its type's zero, as Debezium does.
     */
    Struct value(RowText row, RowText old) {
        Struct struct = new CheckedStruct(valueSchema);
        for (int i = 0; i < readers.length; i++) {
            byte kind = row.kind(i);
            Object value;
            if (kind == RowText.TEXT) {
                value = read(row, i);
            } else if (kind == RowText.UNCHANGED_TOAST) {
                value = old != null && old.kind(i) == RowText.TEXT ? read(old, i) : placeholder(fields[i].schema());
            } else {
                value = null;
            }
            if (value == null && !fields[i].schema().isOptional()) {
                value = zero(fields[i].schema());
            }
            struct.put(fields[i], value);
        }
        return struct;
    }

    /**
     * The row as a struct of only the columns PostgreSQL sent: an unchanged TOASTed value it did not send is left
     * out (taken from old when it has it), so an upsert of the row leaves that column as it is.
     */
    Struct sentColumns(RowText row, RowText old) {
        long missing = 0;
        for (int i = 0; i < columns.size(); i++) {
            if (row.kind(i) == RowText.UNCHANGED_TOAST && (old == null || old.kind(i) != RowText.TEXT)) {
                if (i >= 64) {
                    return value(row, old); // more than 64 columns: the placeholder, as the envelope does
                }
                missing |= 1L << i;
            }
        }
        if (missing == 0) {
            return value(row, old);
        }
        Schema partial = partialSchema(missing);
        Struct struct = new CheckedStruct(partial);
        for (int i = 0; i < columns.size(); i++) {
            if ((missing & (1L << i)) == 0) {
                byte kind = row.kind(i);
                Object value = kind == RowText.TEXT ? read(row, i)
                        : kind == RowText.UNCHANGED_TOAST ? read(old, i) : null;
                struct.put(columns.get(i).name(), value);
            }
        }
        return struct;
    }

    private synchronized Schema partialSchema(long missing) {
        return partialSchemas.computeIfAbsent(missing, m -> {
            SchemaBuilder b = SchemaBuilder.struct().name(valueSchema.name()).optional();
            for (int i = 0; i < fields.length; i++) {
                if ((m & (1L << i)) == 0) {
                    b.field(fields[i].name(), fields[i].schema());
                }
            }
            return b.build();
        });
    }

    /** The record key from a value struct of this table, or null when the table has no key. */
    Struct key(Struct value) {
        if (keySchema == null) {
            return null;
        }
        Struct key = new CheckedStruct(keySchema);
        List<Field> keyFields = keySchema.fields();
        boolean whole = value.schema() == valueSchema; // else a row of only the sent columns: fields by name
        for (int k = 0; k < keyColumns.length; k++) {
            Field field = fields[keyColumns[k]];
            key.put(keyFields.get(k), whole ? value.get(field) : value.get(field.name()));
        }
        return key;
    }

    /**
     * Debezium's envelope of a change of this table: before and after are value structs (or null), source the
     * source block, tx a transaction block or null, op c, u, d, r or t; its ts_ms/ts_us/ts_ns is when it was made.
     */
    Struct envelope(Struct before, Struct after, Struct source, Struct tx, String op, long nowMillis) {
        List<Field> f = envelopeSchema.fields(); // in the order the constructor declares them
        Struct envelope = new CheckedStruct(envelopeSchema);
        if (before != null) {
            envelope.put(f.get(0), before);
        }
        if (after != null) {
            envelope.put(f.get(1), after);
        }
        envelope.put(f.get(2), source);
        if (tx != null) {
            envelope.put(f.get(3), tx);
        }
        return envelope.put(f.get(4), op).put(f.get(5), nowMillis).put(f.get(6), nowMillis * 1000L)
                .put(f.get(7), nowMillis * 1_000_000L);
    }

    /** The key columns' texts, for matching a stream row with a chunk row of an incremental snapshot. */
    List<String> keyTexts(RowText row) {
        List<String> texts = new ArrayList<>(keyColumns.length);
        for (int index : keyColumns) {
            texts.add(row.text(index));
        }
        return texts;
    }

    int[] keyColumnIndexes() {
        return keyColumns.clone();
    }

    private Object read(RowText row, int i) {
        try {
            return readers[i].read(row.bytes, row.offsets[i], row.lengths[i]);
        } catch (RuntimeException e) {
            // the column and its type, not the row's value: a trace and the log are no place for table data
            throw new DataException("Cannot read column " + columns.get(i).name() + " of " + table + " (type OID "
                    + columns.get(i).typeOid() + ", a value of " + row.lengths[i] + " bytes): " + reason(e), e);
        }
    }

    /** Why a value could not be read, without the value: the JDK's parse errors quote their input. */
    private static String reason(RuntimeException e) {
        if (e instanceof NumberFormatException || e instanceof java.time.format.DateTimeParseException) {
            return "it does not parse as the column's type";
        }
        return e.getMessage();
    }

    private Object placeholder(Schema schema) {
        return switch (schema.type()) {
            case STRING -> placeholder;
            case BYTES -> placeholder.getBytes(StandardCharsets.UTF_8);
            case ARRAY -> schema.valueSchema().type() == Schema.Type.STRING ? List.of(placeholder) : null;
            default -> null;
        };
    }

    /**
     * The column's field: optional unless NOT NULL, with the column's constant default as the schema's default, as
     * Debezium gives it (a registry's BACKWARD rule accepts a NOT NULL column added with a default only so).
     */
    private static Schema fieldSchema(Column c, ColumnTypes.ColumnType type) {
        SchemaBuilder field = c.notNull() ? type.schema().get() : type.schema().get().optional();
        if (c.defaultText() == null) {
            return field.build();
        }
        byte[] text = c.defaultText().getBytes(java.nio.charset.StandardCharsets.UTF_8);
        try {
            Object value = type.readerFor().apply(field.build()).read(text, 0, text.length);
            SchemaBuilder withDefault = c.notNull() ? type.schema().get() : type.schema().get().optional();
            return withDefault.defaultValue(value).build();
        } catch (RuntimeException unreadable) {
            return field.build(); // a constant this type's reader does not take: no default, as before
        }
    }

    /** The value Debezium puts in a required field it has no value for. */
    static Object zero(Schema schema) {
        if (org.apache.kafka.connect.data.Decimal.LOGICAL_NAME.equals(schema.name())) {
            return java.math.BigDecimal.ZERO.setScale(Integer.parseInt(schema.parameters().get("scale")));
        }
        if (schema.name() != null && schema.name().startsWith("org.apache.kafka.connect.data.")) {
            return new java.util.Date(0);
        }
        return switch (schema.type()) {
            case INT8 -> (byte) 0;
            case INT16 -> (short) 0;
            case INT32 -> 0;
            case INT64 -> 0L;
            case FLOAT32 -> 0f;
            case FLOAT64 -> 0d;
            case BOOLEAN -> false;
            case STRING -> "";
            case BYTES -> new byte[0];
            case ARRAY -> List.of();
            case STRUCT -> new Struct(schema).put("scale", 0).put("value", new byte[] {0});
            default -> null;
        };
    }
}
