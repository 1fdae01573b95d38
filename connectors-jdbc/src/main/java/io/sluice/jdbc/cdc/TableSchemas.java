package io.sluice.jdbc.cdc;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.cdc.ColumnTypes.ColumnType;
import io.sluice.jdbc.cdc.PgTypes.PgType;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds and keeps the schemas of captured tables: from the catalog for the snapshot, from relation messages while
 * streaming (the relation message gives the columns as the stream sees them; the catalog adds NOT NULL, the key and
 * enum labels). A table whose columns did not change keeps its schema objects, so converters recognise them.
 */
final class TableSchemas {
    private static final Logger log = LoggerFactory.getLogger(TableSchemas.class);

    /** How long a relation's lookup waits for its transaction to become visible (a moment, unless the server stalls). */
    private static final long VISIBILITY_WAIT_MS = 10_000;

    private final CdcConfig config;
    private final CdcTableFilter filter;
    private final ColumnTypes columnTypes;
    private final PgTypes types;
    private final SchemaNames names;
    private final EventRecords events;
    /** Schemas by the description they were built from, so an unchanged table gets the same objects back. */
    private final Map<Description, TableSchema> built = new ConcurrentHashMap<>();
    /** Relations of the stream by OID; null values (absent keys) for relations not captured. */
    private final Map<Integer, TableSchema> byRelation = new HashMap<>();
    private final Map<Integer, Boolean> ignored = new HashMap<>();
    /** Columns (schema.table.column) whose schemas carry their source type, as Debezium's option says. */
    private final List<java.util.regex.Pattern> propagateSourceType;
    /** The stream's latest schema of each table. */
    private final Map<TableId, TableSchema> byTable = new ConcurrentHashMap<>();
    /** Read from the stream though not captured: its rows are signals, never emitted. */
    private final TableId signalTable;
    /** Tables warned about for having no key, once each (snapshot threads build schemas in parallel). */
    private final java.util.Set<TableId> keyless = ConcurrentHashMap.newKeySet();

    private record Description(TableId table, List<TableSchema.Column> columns, List<String> key,
                               List<List<String>> enumLabels) {
    }

    TableSchemas(CdcConfig config, PgTypes types, EventRecords events) {
        this.config = config;
        this.filter = config.tableFilter();
        this.columnTypes = new ColumnTypes(config);
        this.types = types;
        this.names = new SchemaNames(config.getString(CdcConfig.NAME_ADJUSTMENT).equalsIgnoreCase("avro"));
        this.events = events;
        String signal = config.getString(CdcConfig.SIGNAL_TABLE).trim();
        this.signalTable = signal.isEmpty() ? null : TableId.parse(signal);
        this.propagateSourceType = config.getList(CdcConfig.PROPAGATE_SOURCE_TYPE).stream().map(String::trim)
                .filter(p -> !p.isEmpty()).map(java.util.regex.Pattern::compile).toList();
    }

    SchemaNames names() {
        return names;
    }

    boolean captures(TableId table) {
        return filter.accepts(table);
    }

    /** The schema of a table as the catalog describes it (in the caller's snapshot, when there is one). */
    TableSchema of(Connection connection, Catalog.TableInfo info) throws SQLException {
        return build(connection, info.id(), info.columns(), info.keyColumns());
    }

    private TableSchema build(Connection connection, TableId table, List<TableSchema.Column> columns,
                              List<String> key) throws SQLException {
        List<ColumnType> mapped = new ArrayList<>(columns.size());
        List<List<String>> labels = new ArrayList<>(columns.size());
        for (TableSchema.Column column : columns) {
            PgType type = types.resolve(connection, column.typeOid());
            PgType element = type.isArray() ? types.resolve(connection, type.elementOid()) : null;
            int typmod = column.typeModifier() < 0 && type.oid() != column.typeOid() ? type.baseTypeModifier()
                    : column.typeModifier();
            ColumnType mapping = columnTypes.of(type, typmod, element);
            String qualified = table.schema() + "." + table.table() + "." + column.name();
            if (propagateSourceType.stream().anyMatch(p -> p.matcher(qualified).matches())) {
                mapping = ColumnTypes.withParameters(mapping, ColumnTypes.sourceTypeParameters(type, typmod));
            }
            mapped.add(mapping);
            labels.add(element != null ? element.enumLabels() : type.enumLabels());
        }
        if (key.isEmpty() && !table.equals(signalTable) && keyless.add(table)) {
            // validation refuses this for flat output; a table created or altered since reaches here unchecked
            log.warn("Table {} has no primary key: its records have no key (as Debezium's) and its deletes no "
                    + "tombstone, so a keyed consumer such as a replica (the JDBC sink with pk.mode=record_key) "
                    + "cannot apply them. Add a primary key, or leave the table out", table);
        }
        Description description = new Description(table, List.copyOf(columns), List.copyOf(key), labels);
        return built.computeIfAbsent(description, d -> new TableSchema(table,
                SchemaNames.topic(config.getString(CdcConfig.TOPIC_DELIMITER), config.topicPrefix(), table.schema(),
                        table.table()), columns, mapped, key, names, events.sourceSchema(),
                config.getString(CdcConfig.UNAVAILABLE_PLACEHOLDER)));
    }

    /**
     * A relation message of the transaction xid: the stream's description of a table from now on. Its columns and,
     * unless the table has REPLICA IDENTITY FULL or NOTHING, its key come from the message (the columns it flags are
     * the primary key or replica identity index as of that transaction); NOT NULL, defaults and the key of a FULL
     * table from the catalog once the transaction is visible there (columns the catalog no longer knows are
     * nullable). Enum labels are read again, since a relation message may follow ALTER TYPE ... ADD VALUE.
     */
    void relation(Connection catalog, PgOutput.Relation relation, long xid) throws SQLException {
        TableId table = new TableId(relation.schema(), relation.table());
        if (!filter.accepts(table) && !table.equals(signalTable)) {
            byRelation.remove(relation.oid());
            ignored.put(relation.oid(), Boolean.TRUE);
            return;
        }
        ignored.remove(relation.oid());
        for (PgOutput.RelationColumn c : relation.columns()) {
            PgType type = types.resolve(catalog, c.typeOid());
            PgType element = type.isArray() ? types.resolve(catalog, type.elementOid()) : type;
            if (element.typtype() == 'e') {
                types.reload(catalog); // labels may have been added (ALTER TYPE ... ADD VALUE)
                break;
            }
        }
        Catalog.awaitVisible(catalog, xid, System.currentTimeMillis() + VISIBILITY_WAIT_MS);
        Catalog.TableInfo info = Catalog.describe(catalog, relation.oid());
        Map<String, TableSchema.Column> described = new HashMap<>();
        List<String> key = new ArrayList<>();
        if (info != null) {
            info.columns().forEach(c -> described.put(c.name(), c));
            key.addAll(info.keyColumns());
        }
        if (relation.replicaIdentity() == 'd' || relation.replicaIdentity() == 'i') {
            key = streamKey(relation, key);
        }
        List<TableSchema.Column> columns = new ArrayList<>(relation.columns().size());
        List<String> names = new ArrayList<>();
        for (PgOutput.RelationColumn c : relation.columns()) {
            TableSchema.Column catalogs = described.get(c.name());
            columns.add(new TableSchema.Column(c.name(), c.typeOid(), c.typeModifier(),
                    catalogs != null && catalogs.notNull(), catalogs == null ? null : catalogs.defaultText()));
            names.add(c.name());
        }
        // a key column the stream does not have (dropped since) cannot key its records
        if (!names.containsAll(key)) {
            key.clear();
        }
        TableSchema previous = byRelation.get(relation.oid());
        TableSchema schema = build(catalog, table, columns, key);
        if (previous != null && previous != schema) {
            log.info("Table {} changed: its records carry the new schema from now on ({} columns)", table,
                    columns.size());
        }
        byRelation.put(relation.oid(), schema);
        byTable.put(table, schema);
    }

    /**
     * The key the relation message flags, in the catalog's key order when the catalog (possibly later than the
     * stream) has the same key columns, else in column order.
     */
    private static List<String> streamKey(PgOutput.Relation relation, List<String> catalogKey) {
        List<String> flagged = relation.columns().stream().filter(PgOutput.RelationColumn::identity)
                .map(PgOutput.RelationColumn::name).toList();
        boolean sameColumns = catalogKey.size() == flagged.size() && catalogKey.containsAll(flagged);
        return new ArrayList<>(sameColumns ? catalogKey : flagged);
    }

    /** The stream's latest schema of a table; null before the stream saw a change of it. */
    TableSchema current(TableId table) {
        return byTable.get(table);
    }

    /** The stream's schema of a relation; null when it is not captured. */
    TableSchema forRelation(int oid) {
        TableSchema schema = byRelation.get(oid);
        if (schema == null && !ignored.containsKey(oid)) {
            throw new IllegalStateException("A change of relation " + oid + " arrived before its relation message");
        }
        return schema;
    }

    /** Forgets the stream's relations: after a reconnect the server sends relation messages again. */
    void forgetRelations() {
        byRelation.clear();
        ignored.clear();
    }

    @Override
    public String toString() {
        return Objects.toString(byRelation.keySet());
    }
}
