package io.sluice.jdbc.cdc;

import io.sluice.jdbc.TableId;
import java.net.URLDecoder;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.connect.data.Struct;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Debezium's incremental snapshot (the DBLog watermark algorithm) driven by its signal table: a row
 * {@code ('id', 'execute-snapshot', '{"data-collections": ["schema.table"]}')} makes the stream read the tables in
 * key-ordered chunks while it goes on. Each chunk is read between a window-open and a window-close row written to
 * the signal table; a change the stream sees inside the window to a key of the chunk wins over the chunk's row (the
 * row is dropped), and what remains is emitted ({@code op: r}, snapshot {@code incremental}) when the close row
 * arrives. Progress (tables left, last key) rides in the offsets, so a restart goes on from the last emitted chunk.
 */
final class IncrementalSnapshot {
    private static final Logger log = LoggerFactory.getLogger(IncrementalSnapshot.class);
    private static final Pattern COLLECTIONS = Pattern.compile("\"data-collections\"\\s*:\\s*\\[([^\\]]*)\\]");
    private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");
    /** The id of the signal a connector writes for tables added to its publication: its slot's hash, then random. */
    private static final Pattern ADDED_TABLES_ID = Pattern.compile("sluice-added-([0-9a-f]{8})-[0-9a-f]{20}");

    private final TableId signalTable;
    private final String slotHash;
    private final TableSchemas schemas;
    private final EventRecords events;
    private final CdcSessions sessions;
    private final int chunkSize;
    private final Deque<TableId> tables = new ArrayDeque<>();
    private List<String> lastKey;
    private String state;

    private String chunkId;
    private boolean windowOpen;
    private TableSchema chunkTable;
    private Map<List<String>, RowText> chunk;
    private boolean chunkWasFull;
    private Connection connection;

    IncrementalSnapshot(CdcConfig config, TableSchemas schemas, EventRecords events, CdcSessions sessions,
                        String storedState) {
        this.signalTable = TableId.parse(config.getString(CdcConfig.SIGNAL_TABLE));
        this.slotHash = slotHash(config.slotName());
        this.schemas = schemas;
        this.events = events;
        this.sessions = sessions;
        this.chunkSize = config.getInt(CdcConfig.CHUNK_SIZE);
        restore(storedState);
    }

    /**
     * The id for this connector's own execute-snapshot signal for tables added to its publication: 42 characters,
     * the id column of Debezium's documented signal table (VARCHAR(42)). It names the connector's slot, so another
     * connector sharing the signal table leaves it alone (tryout17: a second connector re-snapshotted the table).
     */
    static String addedTablesSignalId(String slotName) {
        String random = UUID.randomUUID().toString().replace("-", "").substring(0, 20);
        return "sluice-added-" + slotHash(slotName) + "-" + random;
    }

    private static String slotHash(String slotName) {
        return String.format("%08x", slotName.hashCode());
    }

    /** Whether a signal is another connector's own added-tables signal (any other signal is for every reader). */
    private boolean anotherConnectorsOwn(String id) {
        Matcher m = id == null ? null : ADDED_TABLES_ID.matcher(id);
        return m != null && m.matches() && !m.group(1).equals(slotHash);
    }

    TableId signalTable() {
        return signalTable;
    }

    boolean isSignalTable(TableSchema table) {
        return table.table().equals(signalTable);
    }

    /** Progress for the offsets; null when no incremental snapshot is running. */
    String state() {
        return state;
    }

    /** A row inserted into a captured table: true when it was the signal table's (never emitted). */
    boolean signal(TableSchema table, RowText row, ChangeEvents stream) {
        if (!isSignalTable(table)) {
            return false;
        }
        String id = column(table, row, "id");
        String type = column(table, row, "type");
        String data = column(table, row, "data");
        if (type == null) {
            return true;
        }
        switch (type) {
            case "execute-snapshot" -> {
                if (anotherConnectorsOwn(id)) {
                    log.debug("Signal {} is another connector's, for the tables added to its publication", id);
                } else {
                    execute(id, data);
                }
            }
            case "stop-snapshot" -> {
                log.info("Incremental snapshot stopped by signal {}", id);
                tables.clear();
                lastKey = null;
                chunk = null;
                windowOpen = false;
                updateState();
            }
            case "snapshot-window-open" -> windowOpen = chunkId != null && (chunkId + "-open").equals(id);
            case "snapshot-window-close" -> {
                if (chunkId != null && (chunkId + "-close").equals(id)) {
                    closeWindow(stream);
                }
            }
            default -> log.warn("Unknown signal type '{}' (id {}) in {}", type, id, signalTable);
        }
        return true;
    }

    private void execute(String id, String data) {
        List<TableId> requested = new ArrayList<>();
        Matcher m = data == null ? null : COLLECTIONS.matcher(data);
        if (m != null && m.find()) {
            Matcher q = QUOTED.matcher(m.group(1));
            while (q.find()) {
                requested.add(TableId.parse(q.group(1).replace("\\\"", "\"")));
            }
        }
        if (requested.isEmpty()) {
            log.warn("Signal {} asks for an incremental snapshot of no table (data: {})", id, data);
            return;
        }
        for (TableId table : requested) {
            if (!schemas.captures(table) || tables.contains(table)) {
                log.warn("Incremental snapshot of {} ignored: it is not captured, or already queued", table);
            } else {
                tables.addLast(table);
            }
        }
        log.info("Incremental snapshot requested by signal {}: {}", id, tables);
        updateState();
    }

    /** A change of a captured row: inside an open window it replaces the chunk's row of the same key. */
    void changed(TableSchema table, RowText row) {
        if (windowOpen && chunk != null && table.table().equals(chunkTable.table()) && table.fits(row)) {
            chunk.remove(table.keyTexts(row));
        }
    }

    /** Between transactions, on the stream thread: reads the next chunk when one is due. */
    void readChunkIfDue() throws SQLException {
        if (chunk != null || tables.isEmpty()) {
            return;
        }
        TableId table = tables.peekFirst();
        TableSchema schema = schemas.current(table);
        if (schema == null) {
            // no change of it streamed yet: the stream has no relation for it; the catalog's description serves
            try (Connection c = sessions.plain()) {
                Catalog.TableInfo info = Catalog.describe(c, table);
                if (info == null || info.keyColumns().isEmpty()) {
                    log.warn("Incremental snapshot of {} skipped: it {}", table, info == null ? "no longer exists"
                            : "has no primary key");
                    tables.pollFirst();
                    lastKey = null;
                    updateState();
                    return;
                }
                schema = schemas.of(c, info);
            }
        }
        chunkId = UUID.randomUUID().toString();
        chunkTable = schema;
        Connection c = connection();
        try (Statement s = c.createStatement()) {
            s.execute(marker(chunkId + "-open", "snapshot-window-open"));
            chunk = readChunk(c, schema);
            s.execute(marker(chunkId + "-close", "snapshot-window-close"));
        } catch (SQLException e) {
            chunk = null;
            chunkId = null;
            closeConnection();
            throw e;
        }
    }

    private Map<List<String>, RowText> readChunk(Connection c, TableSchema schema) throws SQLException {
        int[] keys = schema.keyColumnIndexes();
        StringJoiner columns = new StringJoiner(", ");
        schema.columns().forEach(col -> columns.add(quote(col.name())));
        StringJoiner keyList = new StringJoiner(", ");
        StringJoiner keyValues = new StringJoiner(", ");
        for (int i = 0; i < keys.length; i++) {
            keyList.add(quote(schema.columns().get(keys[i]).name()));
            if (lastKey != null) {
                keyValues.add("'" + lastKey.get(i).replace("'", "''") + "'");
            }
        }
        String where = lastKey == null ? "" : " WHERE (" + keyList + ") > (" + keyValues + ")";
        String sql = "COPY (SELECT " + columns + " FROM " + schema.table().quotedText() + where + " ORDER BY "
                + keyList + " LIMIT " + chunkSize + ") TO STDOUT";
        CopyOut copy = c.unwrap(PGConnection.class).getCopyAPI().copyOut(sql);
        Map<List<String>, RowText> rows = new LinkedHashMap<>();
        byte[] line;
        chunkLastRead = null;
        while ((line = copy.readFromCopy()) != null) {
            RowText row = new RowText();
            CopyLine.split(line, line.length, row, schema.columns().size());
            chunkLastRead = schema.keyTexts(row);
            rows.put(chunkLastRead, row);
        }
        chunkWasFull = rows.size() >= chunkSize;
        return rows;
    }

    private void closeWindow(ChangeEvents stream) {
        if (chunk == null) {
            return;
        }
        TableSchema current = schemas.current(chunkTable.table());
        TableSchema schema = current != null ? current : chunkTable;
        List<RowText> rows = new ArrayList<>(chunk.values());
        advance(chunkLastRead);
        long micros = System.currentTimeMillis() * 1000L;
        for (RowText row : rows) {
            if (!schema.fits(row)) {
                continue; // the table changed since the chunk was read; its rows come again with the next chunk
            }
            Struct source = events.flat() ? null : stream.source(schema, "incremental", micros);
            Struct value = events.flat() ? schema.sentColumns(row, null) : schema.value(row, null);
            stream.emit(events.change(schema, "r", null, value, source, null, stream.offset(stream.currentSeq())));
        }
        windowOpen = false;
        chunk = null;
        chunkId = null;
    }

    /** The last key the chunk read (rows the stream replaced inside the window count as read). */
    private List<String> chunkLastRead;

    private void advance(List<String> readUpTo) {
        if (!chunkWasFull) {
            log.info("Incremental snapshot of {} done", tables.peekFirst());
            tables.pollFirst();
            lastKey = null;
        } else {
            lastKey = readUpTo;
        }
        updateState();
    }

    private static String column(TableSchema table, RowText row, String name) {
        List<TableSchema.Column> columns = table.columns();
        for (int i = 0; i < columns.size() && i < row.count(); i++) {
            if (columns.get(i).name().equalsIgnoreCase(name)) {
                return row.text(i);
            }
        }
        return null;
    }

    private String marker(String id, String type) {
        return "INSERT INTO " + signalTable.quotedText() + " (id, type, data) VALUES ('" + id + "', '" + type
                + "', NULL)";
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            connection = sessions.plain();
        }
        return connection;
    }

    void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing the incremental snapshot's connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    private void updateState() {
        if (tables.isEmpty()) {
            state = null;
            return;
        }
        StringJoiner out = new StringJoiner(",");
        for (TableId t : tables) {
            out.add(encode(t.quotedText()));
        }
        StringJoiner key = new StringJoiner(",");
        if (lastKey != null) {
            lastKey.forEach(k -> key.add(encode(k)));
        }
        state = out + ";" + key;
    }

    private void restore(String stored) {
        if (stored == null || stored.isEmpty()) {
            return;
        }
        String[] parts = stored.split(";", -1);
        for (String t : parts[0].split(",")) {
            if (!t.isEmpty()) {
                tables.addLast(TableId.parse(decode(t)));
            }
        }
        if (parts.length > 1 && !parts[1].isEmpty()) {
            lastKey = Arrays.stream(parts[1].split(",", -1)).map(IncrementalSnapshot::decode).toList();
        }
        updateState();
        log.info("Resuming the incremental snapshot of {} after key {}", tables, lastKey);
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }

    private static String decode(String s) {
        return URLDecoder.decode(s, StandardCharsets.UTF_8);
    }
}
