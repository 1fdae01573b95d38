package io.sluice.jdbc.cdc;

import io.sluice.jdbc.Versions;
import io.sluice.jdbc.cdc.CdcConfig.OutputFormat;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.SchemaBuilder;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.header.ConnectHeaders;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Turns changes into source records in the configured shape: Debezium's envelope ({@code before}, {@code after},
 * {@code source}, {@code transaction}, {@code op}, {@code ts_ms}) or the flat row with the operation in the
 * {@code __op} header; plus tombstones, truncates, heartbeats and transaction metadata, with Debezium's topics and
 * schema names.
 */
final class EventRecords {
    /** The header naming the operation of a flat record, as ExtractNewRecordState's add.headers=op names it. */
    static final String OP_HEADER = "__op";

    static final Schema TRANSACTION_BLOCK = SchemaBuilder.struct().optional().name("event.block").version(1)
            .field("id", Schema.STRING_SCHEMA).field("total_order", Schema.INT64_SCHEMA)
            .field("data_collection_order", Schema.INT64_SCHEMA).build();

    private static final Schema SNAPSHOT_ENUM = SchemaBuilder.string().name("io.debezium.data.Enum").version(1)
            .parameter("allowed", "true,first,first_in_data_collection,last_in_data_collection,last,false,incremental")
            .defaultValue("false").optional().build();

    private final OutputFormat format;
    private final boolean tombstones;
    private final String serverName;
    private final String database;
    private final Map<String, String> partition;
    private final Schema sourceSchema;
    private final String heartbeatTopic;
    private final Schema heartbeatKeySchema;
    private final Schema heartbeatValueSchema;
    private final String transactionTopic;
    private final Schema transactionKeySchema;
    private final Schema transactionValueSchema;
    private final Schema collectionCountSchema;

    EventRecords(CdcConfig config, String database, SchemaNames names) {
        this.format = config.outputFormat();
        this.tombstones = config.getBoolean(CdcConfig.TOMBSTONES);
        this.serverName = config.topicPrefix();
        this.database = database;
        this.partition = CdcOffsets.partition(serverName);
        this.sourceSchema = SchemaBuilder.struct().name("io.debezium.connector.postgresql.Source").version(1)
                .field("version", Schema.STRING_SCHEMA).field("connector", Schema.STRING_SCHEMA)
                .field("name", Schema.STRING_SCHEMA).field("ts_ms", Schema.INT64_SCHEMA)
                .field("snapshot", SNAPSHOT_ENUM).field("db", Schema.STRING_SCHEMA)
                .field("sequence", Schema.OPTIONAL_STRING_SCHEMA).field("ts_us", Schema.OPTIONAL_INT64_SCHEMA)
                .field("ts_ns", Schema.OPTIONAL_INT64_SCHEMA).field("schema", Schema.STRING_SCHEMA)
                .field("table", Schema.STRING_SCHEMA).field("txId", Schema.OPTIONAL_INT64_SCHEMA)
                .field("lsn", Schema.OPTIONAL_INT64_SCHEMA).field("xmin", Schema.OPTIONAL_INT64_SCHEMA)
                .field("origin", Schema.OPTIONAL_STRING_SCHEMA).field("origin_lsn", Schema.OPTIONAL_INT64_SCHEMA)
                .build();
        String delimiter = config.getString(CdcConfig.TOPIC_DELIMITER);
        this.heartbeatTopic = SchemaNames.topic(delimiter, config.getString(CdcConfig.HEARTBEAT_TOPIC_PREFIX),
                serverName);
        this.heartbeatKeySchema = SchemaBuilder.struct().name(names.adjust("io.debezium.connector.common.ServerNameKey"))
                .version(1).field("serverName", Schema.STRING_SCHEMA).build();
        this.heartbeatValueSchema = SchemaBuilder.struct().name(names.adjust("io.debezium.connector.common.Heartbeat"))
                .version(1).field("ts_ms", Schema.INT64_SCHEMA).build();
        this.transactionTopic = SchemaNames.topic(delimiter, serverName, config.getString(CdcConfig.TRANSACTION_TOPIC));
        this.transactionKeySchema = SchemaBuilder.struct()
                .name(names.adjust("io.debezium.connector.common.TransactionMetadataKey")).version(1)
                .field("id", Schema.STRING_SCHEMA).build();
        this.collectionCountSchema = SchemaBuilder.struct().optional().name("event.collection").version(1)
                .field("data_collection", Schema.STRING_SCHEMA).field("event_count", Schema.INT64_SCHEMA).build();
        this.transactionValueSchema = SchemaBuilder.struct()
                .name(names.adjust("io.debezium.connector.common.TransactionMetadataValue")).version(1)
                .field("status", Schema.STRING_SCHEMA).field("id", Schema.STRING_SCHEMA)
                .field("event_count", Schema.OPTIONAL_INT64_SCHEMA)
                .field("data_collections", SchemaBuilder.array(collectionCountSchema).optional().build())
                .field("ts_ms", Schema.INT64_SCHEMA).build();
    }

    Schema sourceSchema() {
        return sourceSchema;
    }

    Map<String, String> partition() {
        return partition;
    }

    boolean flat() {
        return format == OutputFormat.FLAT;
    }

    /**
     * A source block: snapshot marker (null while streaming), the commit time (or read time in a snapshot) in
     * microseconds, the transaction id, the change's LSN and the last commit's LSN (Debezium's sequence).
     */
    Struct source(TableSchema table, String snapshot, long micros, Long txId, Long lsn, Long lastCommitLsn) {
        Struct s = new CheckedStruct(sourceSchema).put("version", Versions.VERSION).put("connector", "postgresql")
                .put("name", serverName).put("ts_ms", Math.floorDiv(micros, 1000L)).put("db", database)
                .put("ts_us", micros).put("ts_ns", micros * 1000L)
                .put("schema", table.table().schema()).put("table", table.table().table());
        if (snapshot != null) {
            s.put("snapshot", snapshot);
        }
        if (lsn != null) {
            s.put("sequence", "[" + quoted(lastCommitLsn) + "," + quoted(lsn) + "]");
            s.put("lsn", lsn);
        }
        if (txId != null) {
            s.put("txId", txId);
        }
        return s;
    }

    private static String quoted(Long lsn) {
        return lsn == null ? "null" : "\"" + lsn + "\"";
    }

    /** A change: op is c, u, d or r; before and after are value structs or null; tx is a transaction block or null. */
    SourceRecord change(TableSchema table, String op, Struct before, Struct after, Struct source, Struct tx,
                        Map<String, ?> offset) {
        Struct row = after != null ? after : before;
        Struct key = table.key(row);
        if (format == OutputFormat.FLAT) {
            ConnectHeaders headers = new ConnectHeaders();
            headers.addString(OP_HEADER, op);
            return new SourceRecord(partition, offset, table.topic(), null, table.keySchema(), key, row.schema(), row,
                    null, headers);
        }
        Struct envelope = table.envelope(before, after, source, tx, op, System.currentTimeMillis());
        return new SourceRecord(partition, offset, table.topic(), null, table.keySchema(), key,
                table.envelopeSchema(), envelope);
    }

    /** The tombstone after a delete, when tombstones.on.delete is on; null otherwise. */
    SourceRecord tombstone(TableSchema table, Struct before, Map<String, ?> offset) {
        if (!tombstones || table.keySchema() == null) {
            return null;
        }
        return new SourceRecord(partition, offset, table.topic(), null, table.keySchema(), table.key(before), null,
                null);
    }

    /**
     * A truncate: Debezium's envelope with op t and neither before nor after, keyless; both shapes carry the
     * {@code __op: t} header, so a pipeline can route it past ExtractNewRecordState (which drops truncates) to a
     * sink that applies it.
     */
    SourceRecord truncate(TableSchema table, Struct source, Map<String, ?> offset) {
        ConnectHeaders headers = new ConnectHeaders();
        headers.addString(OP_HEADER, "t");
        if (format == OutputFormat.FLAT) {
            return new SourceRecord(partition, offset, table.topic(), null, null, null, null, null, null, headers);
        }
        Struct envelope = table.envelope(null, null, source, null, "t", System.currentTimeMillis());
        return new SourceRecord(partition, offset, table.topic(), null, null, null, table.envelopeSchema(), envelope,
                null, headers);
    }

    SourceRecord heartbeat(Map<String, ?> offset) {
        return new SourceRecord(partition, offset, heartbeatTopic, null, heartbeatKeySchema,
                new Struct(heartbeatKeySchema).put("serverName", serverName), heartbeatValueSchema,
                new Struct(heartbeatValueSchema).put("ts_ms", System.currentTimeMillis()));
    }

    Struct transactionBlock(String id, long totalOrder, long collectionOrder) {
        return new Struct(TRANSACTION_BLOCK).put("id", id).put("total_order", totalOrder)
                .put("data_collection_order", collectionOrder);
    }

    SourceRecord transactionBegin(String id, long commitMicros, Map<String, ?> offset) {
        Struct value = new Struct(transactionValueSchema).put("status", "BEGIN").put("id", id)
                .put("ts_ms", Math.floorDiv(commitMicros, 1000L));
        return new SourceRecord(partition, offset, transactionTopic, null, transactionKeySchema,
                new Struct(transactionKeySchema).put("id", id), transactionValueSchema, value);
    }

    SourceRecord transactionEnd(String id, long commitMicros, Map<String, Long> countsByTable, Map<String, ?> offset) {
        List<Struct> collections = new ArrayList<>();
        long total = 0;
        for (Map.Entry<String, Long> e : countsByTable.entrySet()) {
            collections.add(new Struct(collectionCountSchema).put("data_collection", e.getKey())
                    .put("event_count", e.getValue()));
            total += e.getValue();
        }
        Struct value = new Struct(transactionValueSchema).put("status", "END").put("id", id).put("event_count", total)
                .put("data_collections", collections).put("ts_ms", Math.floorDiv(commitMicros, 1000L));
        return new SourceRecord(partition, offset, transactionTopic, null, transactionKeySchema,
                new Struct(transactionKeySchema).put("id", id), transactionValueSchema, value);
    }
}
