package io.sluice.jdbc.sink;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.ColumnDefinition;
import io.sluice.jdbc.dialect.SinkColumn;
import io.sluice.jdbc.dialect.TableDefinition;
import io.sluice.jdbc.dialect.JsonDecimal;
import io.sluice.jdbc.dialect.Utf8Text;
import io.sluice.jdbc.sink.JdbcSinkConfig.PrimaryKeyMode;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
    /** The plans of the last write and delete: a topic's records mostly repeat their members. */
    private SchemalessPlan lastWrite;
    private SchemalessPlan lastDelete;
    /** Member names of JSON text read here, on the writer thread (keys, and values not read on the task thread). */
    private final JsonObjectReader.NameCache names = new JsonObjectReader.NameCache();
    private final JsonObjectReader.NameCache keyNames = new JsonObjectReader.NameCache();

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
        boolean delete = row.kind() == SinkRow.Kind.DELETE;
        JsonMembers value = delete ? JsonMembers.EMPTY : valueMembers(row, table);
        JsonMembers key = keyObject(record);
        SchemalessPlan plan = delete ? lastDelete : lastWrite;
        if (plan == null || !plan.fits(table, key, value)) {
            plan = plan(connection, row, table, key, value, describedAgain);
        }
        return new SinkRow(row.table(), plan.shape(), values(plan, row.table(), record, key, value),
                row.kind(), record);
    }

    /**
     * The plan for rows with these members: the key columns by pk.mode, then the value's members (fields.whitelist
     * applied), each typed by its column, or by the value when the table has no such column (such a plan is used
     * for this row alone: auto.create or auto.evolve is about to change the table).
     */
    private SchemalessPlan plan(Connection connection, SinkRow row, TableDefinition table, JsonMembers key,
                                JsonMembers value, Set<TableId> describedAgain) throws SQLException {
        SinkRecord record = row.record();
        LinkedHashMap<String, Integer> columns = new LinkedHashMap<>();
        keyColumns(record, key, value, table, columns);
        int keyCount = columns.size();
        for (int i = 0; i < value.size(); i++) {
            String name = value.name(i);
            if (!columns.containsKey(name) && (whitelist.isEmpty() || whitelist.contains(name))) {
                columns.put(name, value.lastIndexOf(name));
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
        int[] sources = new int[columns.size()];
        List<Object> shapeKey = new ArrayList<>(2 * columns.size() + 2);
        shapeKey.add(row.table());
        shapeKey.add(keyCount);
        boolean typedByTable = table != null;
        int i = 0;
        for (Map.Entry<String, Integer> column : columns.entrySet()) {
            boolean isKey = i < keyCount;
            sources[i] = column.getValue();
            Schema existing = table == null ? null : columnType(table, column.getKey(), isKey);
            typedByTable &= existing != null;
            schemas[i] = existing != null ? existing
                    : SchemalessColumns.inferred(source(sources[i], record, key, value), isKey);
            shapeKey.add(column.getKey());
            shapeKey.add(schemas[i]);
            i++;
        }
        RowShape shape = shapes.get(shapeKey);
        if (shape == null) {
            shape = newShape(columns.keySet(), keyCount, schemas);
            if (shapes.size() > 1000) {
                shapes.clear();
            }
            shapes.put(shapeKey, shape);
        }
        SchemalessPlan plan = new SchemalessPlan(table, key == null ? null : key.names(), value.names(), shape,
                schemas, sources);
        if (typedByTable) {
            if (row.kind() == SinkRow.Kind.DELETE) {
                lastDelete = plan;
            } else {
                lastWrite = plan;
            }
        }
        return plan;
    }

    /** The row's values in its shape's order, each converted to its column's type. */
    private Object[] values(SchemalessPlan plan, TableId table, SinkRecord record, JsonMembers key,
                            JsonMembers value) {
        Schema[] schemas = plan.schemas();
        int[] sources = plan.sources();
        List<SinkColumn> columns = plan.shape().columns();
        int keyCount = plan.shape().keyCount();
        Object[] values = new Object[schemas.length];
        for (int i = 0; i < schemas.length; i++) {
            Object v = source(sources[i], record, key, value);
            if (i < keyCount) {
                if (v == null) {
                    throw new ConnectException("The " + (sources[i] >= 0 ? "value" : "key") + " of "
                            + describe(record) + " has no value for key column \"" + columns.get(i).name() + "\"");
                }
                if (v instanceof Utf8Text text) {
                    v = text.toString(); // a key equals the same key from a map or struct: a batch folds by it
                }
            }
            try {
                values[i] = SchemalessColumns.convert(v, schemas[i], zone);
                if (i < keyCount && values[i] instanceof JsonDecimal d) {
                    values[i] = d.doubleValue(); // a key equals the same key from a map or struct
                }
            } catch (IllegalArgumentException | java.time.DateTimeException e) {
                String name = columns.get(i).name();
                throw new ConnectException(describe(record) + " does not fit table " + table + ": column \"" + name + "\" (" + typeOf(plan.table(), name, schemas[i]) + ") was given "
                        + (e instanceof java.time.DateTimeException ? "text that is not an ISO 8601 date or time"
                        : e.getMessage().startsWith("a ") || e.getMessage().startsWith("text") ? e.getMessage()
                        : "a " + SchemalessColumns.kind(v) + " it cannot hold"));
            }
        }
        return values;
    }

    private static Object source(int source, SinkRecord record, JsonMembers key, JsonMembers value) {
        return switch (source) {
            case SchemalessPlan.TOPIC -> record.topic();
            case SchemalessPlan.PARTITION -> (long) record.kafkaPartition();
            case SchemalessPlan.OFFSET -> record.kafkaOffset();
            case SchemalessPlan.PRIMITIVE_KEY -> record.key();
            default -> source <= SchemalessPlan.KEY_MEMBER ? key.value(SchemalessPlan.KEY_MEMBER - source)
                    : value.value(source);
        };
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

    private static RowShape newShape(Set<String> names, int keyCount, Schema[] schemas) {
        List<SinkColumn> list = new ArrayList<>(schemas.length);
        int i = 0;
        for (String name : names) {
            list.add(new SinkColumn(name, schemas[i], i < keyCount));
            i++;
        }
        return new RowShape(List.copyOf(list), keyCount, new Field[schemas.length], true, false);
    }

    /** The key columns, in key order, by pk.mode, each with where its value comes from. */
    private void keyColumns(SinkRecord record, JsonMembers key, JsonMembers value, TableDefinition table,
                            Map<String, Integer> columns) {
        switch (pkMode) {
            case NONE -> { }
            case KAFKA -> {
                List<String> names = pkFields.isEmpty() ? KAFKA_PK_DEFAULT : pkFields;
                columns.put(names.get(0), SchemalessPlan.TOPIC);
                columns.put(names.get(1), SchemalessPlan.PARTITION);
                columns.put(names.get(2), SchemalessPlan.OFFSET);
            }
            case RECORD_KEY -> {
                if (key != null) {
                    pick(record, key, pkFields.isEmpty() ? keyOrder(key, table) : pkFields, "key", columns);
                } else {
                    if (pkFields.size() > 1) {
                        throw new ConnectException("pk.mode=record_key with a primitive key takes one pk.fields name");
                    }
                    columns.put(pkFields.isEmpty() ? "__connect_key" : pkFields.get(0), SchemalessPlan.PRIMITIVE_KEY);
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
    private static List<String> keyOrder(JsonMembers members, TableDefinition table) {
        Set<String> names = new LinkedHashSet<>(Arrays.asList(members.names()));
        if (table != null && table.primaryKey().size() == names.size() && names.containsAll(table.primaryKey())) {
            return table.primaryKey();
        }
        return List.copyOf(names);
    }

    /** Key columns read from the key's (where "key") or the value's members, by name. */
    private static void pick(SinkRecord record, JsonMembers members, List<String> names, String where,
                             Map<String, Integer> columns) {
        if (names.isEmpty()) {
            throw new ConnectException("pk.mode=record_key but the key of " + describe(record) + " has no members");
        }
        for (String name : names) {
            int at = members.lastIndexOf(name);
            if (at < 0 || members.value(at) == null) {
                throw new ConnectException("The " + where + " of " + describe(record) + " has no value for key "
                        + "column \"" + name + "\"");
            }
            columns.put(name, where.equals("key") ? SchemalessPlan.KEY_MEMBER - at : at);
        }
    }

    /** The key's members when pk.mode=record_key reads an object key (a map, struct or JSON object text), else null. */
    private JsonMembers keyObject(SinkRecord record) {
        if (pkMode != PrimaryKeyMode.RECORD_KEY) {
            return null;
        }
        Object key = record.key();
        if (key == null) {
            throw new ConnectException("pk.mode=record_key but " + describe(record) + " has a null key");
        }
        byte[] original = OriginalJson.deferred(key) ? OriginalJson.keyBytes(record) : null;
        if (original != null) {
            return readObject(record, original, "key", keyNames);
        }
        return key instanceof Map<?, ?> || key instanceof Struct || isJsonObjectText(key)
                ? members(record, key, "key", keyNames) : null;
    }

    /** Whether a String or byte[] key or value is the text of a JSON object (a '{' after any leading space). */
    static boolean isJsonObjectText(Object v) {
        return v instanceof String s && s.stripLeading().startsWith("{")
                || v instanceof byte[] b && b.length > 0 && (b[0] == '{' || b[0] == ' ' || b[0] == '\n');
    }

    /**
     * The value's members: as read on the task thread when it is JSON text ({@link #readText}); read here from the
     * record's original bytes when the runtime's JsonConverter checked them and left the map unmade; the payload's
     * for a JsonConverter envelope, unless the table has columns "schema" and "payload" for the envelope itself.
     */
    private JsonMembers valueMembers(SinkRow row, TableDefinition table) {
        JsonMembers parsed = row.parsed();
        if (parsed == null) {
            SinkRecord record = row.record();
            byte[] original = OriginalJson.deferred(record.value()) ? OriginalJson.bytes(record) : null;
            parsed = original != null ? readObject(record, original, "value", names)
                    : members(record, record.value(), "value", names);
        }
        if (parsed.envelope() && table != null && table.columns().containsKey("payload")
                && table.columns().containsKey("schema")) {
            return members(row.record(), row.record().value(), "value", null);
        }
        return parsed;
    }

    /**
     * A value that is JSON text read into members (a JsonConverter envelope's payload flagged as such), with the
     * names of the thread's cache; throws naming the record when it is not a JSON object.
     */
    static JsonMembers readText(SinkRecord record, JsonObjectReader.NameCache names) {
        return members(record, record.value(), "value", names);
    }

    /**
     * The members of a JsonConverter (schemas.enable=false) key or value read from its original bytes: a plain
     * object, as the converter's map would have it, never an envelope's payload; throws naming the record when it is
     * not one.
     */
    private static JsonMembers readObject(SinkRecord record, byte[] json, String where, JsonObjectReader.NameCache names) {
        try {
            return JsonObjectReader.read(json, names);
        } catch (DataException e) {
            throw notAnObject(record, where, e);
        }
    }

    /**
     * A JSON object's members, from a Map, a Struct, or its JSON text (a value's text may be an envelope: with a
     * name cache, its payload's members are given, flagged; without one, the text is read as a plain object).
     */
    private static JsonMembers members(SinkRecord record, Object v, String where, JsonObjectReader.NameCache names) {
        try {
            if (v instanceof Map<?, ?> map) {
                for (Object name : map.keySet()) {
                    if (!(name instanceof String)) {
                        throw new ConnectException("The " + where + " of " + describe(record)
                                + " is a map with non-string keys; only JSON objects name columns");
                    }
                }
                return JsonMembers.of(map);
            }
            if (v instanceof Struct struct) {
                return JsonMembers.of(struct);
            }
            byte[] text = v instanceof String s ? s.getBytes(StandardCharsets.UTF_8) : v instanceof byte[] b ? b
                    : v instanceof ByteBuffer buffer ? bytes(buffer) : null;
            if (text != null) {
                return where.equals("value") && names != null ? JsonObjectReader.readValue(text, names)
                        : JsonObjectReader.read(text, names);
            }
        } catch (DataException e) {
            throw notAnObject(record, where, e);
        }
        throw new ConnectException("The " + where + " of " + describe(record) + " is a "
                + SchemalessColumns.kind(v) + ", not a JSON object");
    }

    private static ConnectException notAnObject(SinkRecord record, String where, DataException e) {
        return new ConnectException("The " + where + " of " + describe(record) + " is not a JSON object: "
                + e.getMessage());
    }

    private static byte[] bytes(ByteBuffer buffer) {
        ByteBuffer copy = buffer.duplicate();
        byte[] b = new byte[copy.remaining()];
        copy.get(b);
        return b;
    }

    private static String typeOf(TableDefinition table, String column, Schema schema) {
        ColumnDefinition existing = table == null ? null : table.columns().get(column);
        return existing != null ? existing.typeName() : schema.type().getName();
    }

    private static String describe(SinkRecord record) {
        return "record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }
}
