package io.sluice.jdbc.sink;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.SinkColumn;
import io.sluice.jdbc.sink.JdbcSinkConfig.PrimaryKeyMode;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.header.Header;
import org.apache.kafka.connect.sink.SinkRecord;

/**
 * Turns sink records into rows according to pk.mode, pk.fields, fields.whitelist, delete.enabled and
 * truncate.enabled. A record's {@code __op} header (a CDC source's flat rows, ExtractNewRecordState with
 * add.headers=op) says what it is: {@code d} a delete by key and {@code t} a truncate of its table, when those are
 * enabled; any other operation, or none, writes the value.
 */
final class RowExtractor {
    private static final List<String> KAFKA_PK_DEFAULT = List.of("__connect_topic", "__connect_partition",
            "__connect_offset");
    private static final String KEY_DEFAULT = "__connect_key";
    /** The operation header of CDC flat rows and of Debezium's ExtractNewRecordState with add.headers=op. */
    static final String OP_HEADER = "__op";

    private final PrimaryKeyMode pkMode;
    private final List<String> pkFields;
    private final Set<String> whitelist;
    private final boolean deleteEnabled;
    private final boolean truncateEnabled;
    private final String tableFormat;
    private final Map<ShapeKey, RowShape> shapes = new HashMap<>();
    /** The last shape used: records of one topic share their schemas, so this spares even the cache lookup. */
    private ShapeKey lastKey;
    private RowShape lastShape;
    /** table.name.format resolved per topic: parsing it per record was a tenth of the task thread's time. */
    private final Map<String, TableId> tables = new HashMap<>();
    /** Member names of the JSON text values read on the task thread. */
    private final JsonObjectReader.NameCache names = new JsonObjectReader.NameCache();

    /** Schemas compared by identity: converters hand out the same schema object for the same schema. */
    private record ShapeKey(Schema keySchema, Schema valueSchema) {
        @Override
        public boolean equals(Object o) {
            return o instanceof ShapeKey k && k.keySchema == keySchema && k.valueSchema == valueSchema;
        }

        @Override
        public int hashCode() {
            return 31 * System.identityHashCode(keySchema) + System.identityHashCode(valueSchema);
        }
    }

    RowExtractor(JdbcSinkConfig config) {
        this.pkMode = config.pkMode();
        this.pkFields = config.pkFields();
        this.whitelist = new HashSet<>(config.fieldsWhitelist());
        this.deleteEnabled = config.getBoolean(JdbcSinkConfig.DELETE_ENABLED);
        this.truncateEnabled = config.getBoolean(JdbcSinkConfig.TRUNCATE_ENABLED);
        this.tableFormat = config.getString(JdbcSinkConfig.TABLE_NAME_FORMAT);
    }

    TableId table(SinkRecord record) {
        TableId table = tables.get(record.topic());
        if (table == null) {
            table = TableId.parse(tableFormat.replace("${topic}", record.topic()));
            if (tables.size() > 1000) {
                tables.clear();
            }
            tables.put(record.topic(), table);
        }
        return table;
    }

    /** The row for this record, or null if it is a tombstone (or a truncate) to skip. */
    SinkRow extract(SinkRecord record) {
        TableId table = table(record);
        String op = operation(record);
        if (op != null && op.equals("t")) {
            return truncateEnabled ? new SinkRow(table, TRUNCATE_SHAPE, new Object[0], SinkRow.Kind.TRUNCATE, record)
                    : null;
        }
        if (record.value() == null || deleteEnabled && "d".equals(op)) {
            if (!deleteEnabled) {
                return null;
            }
            if (schemalessKey(record) || jsonObjectTextKey(record)) {
                // typed from the table as the key of a schemaless upsert is, so it deletes the row that one wrote
                return SinkRow.schemaless(table, SinkRow.Kind.DELETE, record);
            }
            RowShape shape = shape(record.keySchema(), null, record);
            return new SinkRow(table, shape, keyValues(record, shape, new Object[shape.keyCount()]),
                    SinkRow.Kind.DELETE, record);
        }
        if (schemalessValue(record) || schemalessKey(record) && record.value() instanceof Struct) {
            // JSON text is read here, on the task thread, so a malformed value is reported with its record. A map
            // (JsonConverter's, or the runtime's checked object whose bytes are read unconverted) is read on the
            // writer thread: the converter already refused whatever is not a JSON object, and the task thread,
            // which also runs the consumer and that check, is the one that bounds the rate
            Object v = record.value();
            return v instanceof Map<?, ?> || v instanceof Struct ? SinkRow.schemaless(table, SinkRow.Kind.WRITE, record)
                    : SinkRow.schemaless(table, record, SchemalessRows.readText(record, names));
        }
        if (record.valueSchema() == null || record.valueSchema().type() != Schema.Type.STRUCT
                || !(record.value() instanceof Struct)) {
            throw new ConnectException("The JDBC sink needs record values that are structs (a converter with "
                    + "schemas), JSON objects (JsonConverter with schemas.enable=false) or the text of JSON objects "
                    + "(StringConverter, ByteArrayConverter); " + describe(record) + " has a "
                    + SchemalessColumns.kind(record.value()) + " with "
                    + (record.valueSchema() == null ? "no schema" : "a " + record.valueSchema().type() + " schema"));
        }
        RowShape shape = shape(record.keySchema(), record.valueSchema(), record);
        Object[] values = keyValues(record, shape, new Object[shape.columns().size()]);
        Struct value = (Struct) record.value();
        Field[] fields = shape.fields();
        for (int i = shape.keyCount(); i < values.length; i++) {
            values[i] = read(value, fields[i]);
        }
        return new SinkRow(table, shape, values, SinkRow.Kind.WRITE, record);
    }

    /** A value without a Connect schema (a JSON object as a Map), or the text of one (a STRING or BYTES value). */
    private static boolean schemalessValue(SinkRecord record) {
        Object v = record.value();
        Schema schema = record.valueSchema();
        if (schema == null) {
            return v instanceof Map<?, ?> || v instanceof String || v instanceof byte[] || v instanceof ByteBuffer;
        }
        return schema.name() == null && (schema.type() == Schema.Type.STRING && v instanceof String
                || schema.type() == Schema.Type.BYTES && (v instanceof byte[] || v instanceof ByteBuffer));
    }

    /** A key without a Connect schema (JsonConverter with schemas.enable=false) that pk.mode=record_key reads. */
    private boolean schemalessKey(SinkRecord record) {
        return pkMode == PrimaryKeyMode.RECORD_KEY && record.keySchema() == null && record.key() != null;
    }

    /**
     * A key that is the text of a JSON object (StringConverter, ByteArrayConverter) that pk.mode=record_key reads:
     * a schemaless value's upsert reads its members as the key columns, so its tombstone must too.
     */
    private boolean jsonObjectTextKey(SinkRecord record) {
        Schema schema = record.keySchema();
        return pkMode == PrimaryKeyMode.RECORD_KEY && schema != null && schema.name() == null
                && (schema.type() == Schema.Type.STRING || schema.type() == Schema.Type.BYTES)
                && SchemalessRows.isJsonObjectText(record.key());
    }

    private static final RowShape TRUNCATE_SHAPE = new RowShape(List.of(), 0, new Field[0], false, false);

    /** The {@code __op} header's value (c, r, u, d, t), or null when the record has none. */
    static String operation(SinkRecord record) {
        Header header = record.headers().lastWithName(OP_HEADER);
        if (header == null || header.value() == null) {
            return null;
        }
        Object v = header.value();
        return v instanceof byte[] b ? new String(b, java.nio.charset.StandardCharsets.UTF_8) : v.toString();
    }

    /** The field's value by index when the struct has the schema the shape was built from, else by name. */
    private static Object read(Struct struct, Field field) {
        List<Field> own = struct.schema().fields();
        return field.index() < own.size() && own.get(field.index()) == field ? struct.get(field)
                : struct.get(field.name());
    }

    private Object[] keyValues(SinkRecord record, RowShape shape, Object[] values) {
        switch (pkMode) {
            case KAFKA -> {
                values[0] = record.topic();
                values[1] = record.kafkaPartition();
                values[2] = record.kafkaOffset();
            }
            case RECORD_KEY -> {
                if (record.key() == null) {
                    throw new ConnectException("pk.mode=record_key but " + describe(record) + " has a null key");
                }
                if (record.key() instanceof Struct key) {
                    for (int i = 0; i < shape.keyCount(); i++) {
                        values[i] = read(key, shape.fields()[i]);
                    }
                } else {
                    values[0] = record.key();
                }
            }
            case RECORD_VALUE -> {
                Struct value = (Struct) record.value();
                for (int i = 0; i < shape.keyCount(); i++) {
                    values[i] = read(value, shape.fields()[i]);
                }
            }
            case NONE -> {
            }
        }
        return values;
    }

    private RowShape shape(Schema keySchema, Schema valueSchema, SinkRecord record) {
        ShapeKey last = lastKey;
        if (last != null && last.keySchema == keySchema && last.valueSchema == valueSchema) {
            return lastShape;
        }
        ShapeKey cacheKey = new ShapeKey(keySchema, valueSchema);
        RowShape shape = shapes.get(cacheKey);
        if (shape == null) {
            shape = buildShape(keySchema, valueSchema, record);
            if (shapes.size() > 1000) {
                shapes.clear();
            }
            shapes.put(cacheKey, shape);
        }
        lastKey = cacheKey;
        lastShape = shape;
        return shape;
    }

    private RowShape buildShape(Schema keySchema, Schema valueSchema, SinkRecord record) {
        List<SinkColumn> keys = new ArrayList<>();
        switch (pkMode) {
            case KAFKA -> {
                List<String> names = pkFields.isEmpty() ? KAFKA_PK_DEFAULT : pkFields;
                keys.add(new SinkColumn(names.get(0), Schema.STRING_SCHEMA, true));
                keys.add(new SinkColumn(names.get(1), Schema.INT32_SCHEMA, true));
                keys.add(new SinkColumn(names.get(2), Schema.INT64_SCHEMA, true));
            }
            case RECORD_KEY -> {
                if (record.key() == null) {
                    throw new ConnectException("pk.mode=record_key but " + describe(record) + " has a null key: give "
                            + "records a key where they are produced (e.g. the ValueToKey transform on the source) or "
                            + "take the key from the value with pk.mode=record_value");
                }
                if (keySchema == null) {
                    throw new ConnectException("pk.mode=record_key needs a key schema; " + describe(record)
                            + " has a key without one (enable schemas in the key converter, e.g. JsonConverter "
                            + "with key.converter.schemas.enable=true)");
                }
                if (keySchema.type() == Schema.Type.STRUCT) {
                    keys.addAll(structKeys(keySchema, "key", record));
                } else if (keySchema.type().isPrimitive()) {
                    if (pkFields.size() > 1) {
                        throw new ConnectException("pk.mode=record_key with a primitive key takes one pk.fields name");
                    }
                    keys.add(new SinkColumn(pkFields.isEmpty() ? KEY_DEFAULT : pkFields.get(0), keySchema, true));
                } else {
                    throw new ConnectException("Unsupported key schema type " + keySchema.type() + " in "
                            + describe(record));
                }
            }
            case RECORD_VALUE -> keys.addAll(structKeys(valueSchema, "value", record));
            case NONE -> {
            }
        }
        List<SinkColumn> columns = new ArrayList<>(keys);
        if (valueSchema != null) {
            Set<String> keyNames = new LinkedHashSet<>();
            keys.forEach(k -> keyNames.add(k.name()));
            for (Field f : valueSchema.fields()) {
                if (!keyNames.contains(f.name()) && (whitelist.isEmpty() || whitelist.contains(f.name()))) {
                    columns.add(new SinkColumn(f.name(), f.schema(), false));
                }
            }
        }
        Field[] fields = new Field[columns.size()];
        for (int i = 0; i < fields.length; i++) {
            String name = columns.get(i).name();
            boolean fromKeyStruct = i < keys.size() && pkMode == PrimaryKeyMode.RECORD_KEY
                    && keySchema.type() == Schema.Type.STRUCT;
            boolean fromValueStruct = i >= keys.size() || pkMode == PrimaryKeyMode.RECORD_VALUE;
            if (fromKeyStruct) {
                fields[i] = keySchema.field(name);
            } else if (fromValueStruct && valueSchema != null) {
                fields[i] = valueSchema.field(name);
            }
        }
        return new RowShape(List.copyOf(columns), keys.size(), fields, false, operation(record) != null);
    }

    private List<SinkColumn> structKeys(Schema schema, String where, SinkRecord record) {
        if (schema == null || schema.type() != Schema.Type.STRUCT) {
            throw new ConnectException("pk.mode needs a STRUCT " + where + " in " + describe(record));
        }
        List<SinkColumn> keys = new ArrayList<>();
        if (pkFields.isEmpty()) {
            schema.fields().forEach(f -> keys.add(new SinkColumn(f.name(), f.schema(), true)));
        } else {
            for (String name : pkFields) {
                Field f = schema.field(name);
                if (f == null) {
                    throw new ConnectException("pk.fields names '" + name + "' but the " + where + " of "
                            + describe(record) + " has no such field");
                }
                keys.add(new SinkColumn(f.name(), f.schema(), true));
            }
        }
        return keys;
    }

    private static String describe(SinkRecord record) {
        return "record " + record.topic() + "-" + record.kafkaPartition() + "@" + record.kafkaOffset();
    }
}
