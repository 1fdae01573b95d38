package io.sluice.jdbc.sink;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.ColumnDefinition;
import io.sluice.jdbc.dialect.SinkColumn;
import io.sluice.jdbc.dialect.TableDefinition;
import io.sluice.jdbc.sink.JdbcSinkConfig.PrimaryKeyMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.DataException;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Gives schemaless rows their table's columns, on the writer thread where the table is known: a record's members
 * (a JsonConverter Map, or the JSON object text of a StringConverter or ByteArrayConverter value) name the columns
 * they fill, each value is converted to its column's type ({@link SchemalessColumns}), and the row takes a shape as
 * a struct's would, so the same COPY, upsert, update and delete paths write it. A member without a column is the
 * same error as a struct field without one (auto.evolve adds it, typed by its value; auto.create makes the table
 * from the first record's members). Keys by pk.mode: record_key reads a JSON object key's members (pk.fields picks
 * some) or a primitive key into pk.fields' one column; record_value reads pk.fields from the value, or the table's
 * primary key when pk.fields is empty.
 */
final class SchemalessRows {
    private static final List<String> KAFKA_PK_DEFAULT = List.of("__connect_topic", "__connect_partition",
            "__connect_offset");

    private final PrimaryKeyMode pkMode;
    private final List<String> pkFields;
    private final Set<String> whitelist;
    private final TableManager tables;
    private final ZoneId zone;
    /** Shapes by table and columns, so a run of records with the same members shares one (segments, isReady). */
    private final Map<List<Object>, RowShape> shapes = new HashMap<>();
    /** The column types of the table last described, by name, key columns apart: built once, not per row. */
    private TableDefinition typedTable;
    private final Map<String, Schema> valueTypes = new HashMap<>();
    private final Map<String, Schema> keyTypes = new HashMap<>();

    SchemalessRows(JdbcSinkConfig config, TableManager tables, ZoneId zone) {
        this.pkMode = config.pkMode();
        this.pkFields = config.pkFields();
        this.whitelist = Set.copyOf(config.fieldsWhitelist());
        this.tables = tables;
        this.zone = zone;
    }

    /** The rows with every schemaless one typed; the same list when there is none. */
    List<SinkRow> resolve(Connection connection, List<SinkRow> rows) throws SQLException {
        boolean any = false;
        for (SinkRow row : rows) {
            if (row.schemaless()) {
                any = true;
                break;
            }
        }
        if (!any) {
            return rows;
        }
        List<SinkRow> typed = new ArrayList<>(rows.size());
        Set<TableId> describedAgain = new HashSet<>();
        for (SinkRow row : rows) {
            typed.add(row.schemaless() ? resolve(connection, row, describedAgain) : row);
        }
        return typed;
    }

    private SinkRow resolve(Connection connection, SinkRow row, Set<TableId> describedAgain) throws SQLException {
        SinkRecord record = row.record();
        TableDefinition table = tables.definition(connection, row.table()).orElse(null);
        Map<String, Object> value = row.kind() == SinkRow.Kind.DELETE ? Map.of() : valueMembers(record, table);
        LinkedHashMap<String, Object> columns = new LinkedHashMap<>();
        keyMembers(record, value, table, columns);
        int keyCount = columns.size();
        for (Map.Entry<String, Object> member : value.entrySet()) {
            String name = member.getKey();
            if (!columns.containsKey(name) && (whitelist.isEmpty() || whitelist.contains(name))) {
                columns.put(name, member.getValue());
            }
        }
        if (row.kind() == SinkRow.Kind.WRITE && columns.size() == keyCount && keyCount == 0) {
            throw new ConnectException(describe(record) + " has no members to write");
        }
        if (table != null && !describedAgain.contains(row.table()) && !table.columns().keySet()
                .containsAll(columns.keySet())) {
            // a member the table had no column for when it was described: someone may have added it since
            describedAgain.add(row.table());
            table = tables.describeAgain(connection, row.table()).orElse(null);
        }
        Schema[] schemas = new Schema[columns.size()];
        List<Object> shapeKey = new ArrayList<>(2 * columns.size() + 2);
        shapeKey.add(row.table());
        shapeKey.add(keyCount);
        int i = 0;
        for (Map.Entry<String, Object> column : columns.entrySet()) {
            boolean key = i < keyCount;
            Schema existing = table == null ? null : columnType(table, column.getKey(), key);
            schemas[i] = existing != null ? existing : SchemalessColumns.inferred(column.getValue(), key);
            shapeKey.add(column.getKey());
            shapeKey.add(schemas[i]);
            i++;
        }
        RowShape shape = shapes.get(shapeKey);
        if (shape == null) {
            shape = newShape(columns, keyCount, schemas);
            if (shapes.size() > 1000) {
                shapes.clear();
            }
            shapes.put(shapeKey, shape);
        }
        Object[] values = new Object[schemas.length];
        i = 0;
        for (Map.Entry<String, Object> column : columns.entrySet()) {
            try {
                values[i] = SchemalessColumns.convert(column.getValue(), schemas[i], zone);
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                throw new ConnectException(describe(record) + " does not fit table " + row.table() + ": column \""
                        + column.getKey() + "\" (" + typeOf(table, column.getKey(), schemas[i]) + ") was given "
                        + (e instanceof java.time.DateTimeException ? "text that is not an ISO 8601 date or time"
                        : e.getMessage().startsWith("a ") || e.getMessage().startsWith("text") ? e.getMessage()
                        : "a " + SchemalessColumns.kind(column.getValue()) + " it cannot hold"));
            }
            i++;
        }
        return new SinkRow(row.table(), shape, values, row.kind(), record);
    }

    /** The Connect type of the table's column, or null when it has no such column. */
    private Schema columnType(TableDefinition table, String name, boolean key) {
        if (table != typedTable) {
            typedTable = table;
            valueTypes.clear();
            keyTypes.clear();
        }
        Map<String, Schema> types = key ? keyTypes : valueTypes;
        Schema type = types.get(name);
        if (type == null) {
            ColumnDefinition column = table.columns().get(name);
            if (column == null) {
                return null;
            }
            type = SchemalessColumns.schemaOf(column, key);
            types.put(name, type);
        }
        return type;
    }

    private static RowShape newShape(Map<String, Object> columns, int keyCount, Schema[] schemas) {
        List<SinkColumn> list = new ArrayList<>(schemas.length);
        int i = 0;
        for (String name : columns.keySet()) {
            list.add(new SinkColumn(name, schemas[i], i < keyCount));
            i++;
        }
        return new RowShape(List.copyOf(list), keyCount, new Field[schemas.length], true);
    }

    /** The key columns and their values, in key order, by pk.mode. */
    private void keyMembers(SinkRecord record, Map<String, Object> value, TableDefinition table,
                            Map<String, Object> columns) {
        switch (pkMode) {
            case NONE -> { }
            case KAFKA -> {
                List<String> names = pkFields.isEmpty() ? KAFKA_PK_DEFAULT : pkFields;
                columns.put(names.get(0), record.topic());
                columns.put(names.get(1), (long) record.kafkaPartition());
                columns.put(names.get(2), record.kafkaOffset());
            }
            case RECORD_KEY -> {
                Object key = record.key();
                if (key == null) {
                    throw new ConnectException("pk.mode=record_key but " + describe(record) + " has a null key");
                }
                if (key instanceof Map<?, ?> || key instanceof Struct || isJsonObjectText(key)) {
                    Map<String, Object> members = members(record, key, "key");
                    pick(record, members, pkFields.isEmpty() ? keyOrder(members, table) : pkFields, "key", columns);
                } else {
                    if (pkFields.size() > 1) {
                        throw new ConnectException("pk.mode=record_key with a primitive key takes one pk.fields name");
                    }
                    columns.put(pkFields.isEmpty() ? "__connect_key" : pkFields.get(0), key);
                }
            }
            case RECORD_VALUE -> {
                List<String> names = pkFields;
                if (names.isEmpty()) {
                    if (table == null || table.primaryKey().isEmpty()) {
                        throw new ConnectException("pk.mode=record_value with schemaless values needs pk.fields, or "
                                + "a table with a primary key to take the key columns from (" + describe(record) + ")");
                    }
                    names = table.primaryKey();
                }
                pick(record, value, names, "value", columns);
            }
        }
    }

    /**
     * A key object's members in the table's primary key order when they are that key: rows keyed {"a":1,"b":2} and
     * {"b":2,"a":1} are the same row, so a batch folds their writes and deletes by one key.
     */
    private static List<String> keyOrder(Map<String, Object> members, TableDefinition table) {
        if (table != null && table.primaryKey().size() == members.size()
                && members.keySet().containsAll(table.primaryKey())) {
            return table.primaryKey();
        }
        return List.copyOf(members.keySet());
    }

    private static void pick(SinkRecord record, Map<String, Object> members, List<String> names, String where,
                             Map<String, Object> columns) {
        if (names.isEmpty()) {
            throw new ConnectException("pk.mode=record_key but the key of " + describe(record) + " has no members");
        }
        for (String name : names) {
            if (!members.containsKey(name) || members.get(name) == null) {
                throw new ConnectException("The " + where + " of " + describe(record) + " has no value for key "
                        + "column \"" + name + "\"");
            }
            columns.put(name, members.get(name));
        }
    }

    /** Whether a String or byte[] key or value is the text of a JSON object (a '{' after any leading space). */
    static boolean isJsonObjectText(Object v) {
        return v instanceof String s && s.stripLeading().startsWith("{")
                || v instanceof byte[] b && b.length > 0 && (b[0] == '{' || b[0] == ' ' || b[0] == '\n');
    }

    /**
     * The value's members; JSON text that is a JsonConverter envelope (schemas.enable=true JSON read raw, through
     * ByteArrayConverter or StringConverter) gives its payload's, unless the table has columns "schema" and
     * "payload" for the envelope itself.
     */
    private static Map<String, Object> valueMembers(SinkRecord record, TableDefinition table) {
        Object v = record.value();
        if (v instanceof String s) {
            v = s.getBytes(StandardCharsets.UTF_8);
        }
        if (v instanceof byte[] text && (table == null || !table.columns().containsKey("payload")
                || !table.columns().containsKey("schema"))) {
            Map<String, Object> payload = JsonObjectReader.readEnvelopePayload(text);
            if (payload != null) {
                return payload;
            }
        }
        return members(record, v, "value");
    }

    /** A JSON object's members by name, from a Map, a Struct, or its JSON text. */
    @SuppressWarnings("unchecked")
    private static Map<String, Object> members(SinkRecord record, Object v, String where) {
        try {
            if (v instanceof Map<?, ?> map) {
                for (Object name : map.keySet()) {
                    if (!(name instanceof String)) {
                        throw new ConnectException("The " + where + " of " + describe(record)
                                + " is a map with non-string keys; only JSON objects name columns");
                    }
                }
                return (Map<String, Object>) map;
            }
            if (v instanceof Struct struct) {
                Map<String, Object> members = new LinkedHashMap<>();
                for (Field f : struct.schema().fields()) {
                    members.put(f.name(), struct.get(f));
                }
                return members;
            }
            if (v instanceof String s) {
                return JsonObjectReader.read(s);
            }
            if (v instanceof byte[] b) {
                return JsonObjectReader.read(b);
            }
            if (v instanceof ByteBuffer buffer) {
                ByteBuffer copy = buffer.duplicate();
                byte[] b = new byte[copy.remaining()];
                copy.get(b);
                return JsonObjectReader.read(b);
            }
        } catch (DataException e) {
            throw new ConnectException("The " + where + " of " + describe(record) + " is not a JSON object: "
                    + e.getMessage());
        }
        throw new ConnectException("The " + where + " of " + describe(record) + " is a "
                + SchemalessColumns.kind(v) + ", not a JSON object");
    }

    private static String typeOf(TableDefinition table, String column, Schema schema) {
        ColumnDefinition existing = table == null ? null : table.columns().get(column);
        return existing != null ? existing.typeName() : schema.type().getName();
    }

    private static String describe(SinkRecord record) {
        return "record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }
}
