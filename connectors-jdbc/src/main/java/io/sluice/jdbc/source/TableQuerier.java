package io.sluice.jdbc.source;

import io.sluice.jdbc.TableId;
import io.sluice.jdbc.dialect.DatabaseDialect;
import io.sluice.jdbc.source.JdbcSourceConfig.Mode;
import io.sluice.jdbc.source.JdbcSourceConfig.NumericMapping;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.ResultSetMetaData;
import java.sql.SQLException;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.OffsetDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.StringJoiner;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Reads one table (or the custom query) in its mode: builds the incremental query from the last
 * offset, streams the result set with a bounded fetch size across polls, and tracks the offset.
 * Offsets have Confluent's shape and key order (see {@link OffsetKeys}).
 */
final class TableQuerier {
    private static final int MIN_FETCH_SIZE = 1000;

    private final DatabaseDialect dialect;
    private final TableId table;
    private final String query;
    private final Mode mode;
    private final String incrementingColumn;
    private final List<String> timestampColumns;
    private final long delayMs;
    private final int batchMaxRows;
    private final int fetchSize;
    private final String topic;
    private final NumericMapping numericMapping;
    private final ZoneId zone;
    private final Map<String, String> partition;

    private long lastIncrementing = -1;
    private Instant lastTimestamp;
    private long nextRunMillis;
    private PreparedStatement statement;
    private ResultSet resultSet;
    private ColumnMapper mapper;
    private int incrementingIndex;
    private int timestampIndex;
    private boolean timestampWithZone;

    TableQuerier(JdbcSourceConfig config, DatabaseDialect dialect, TableId table, Map<String, Object> storedOffset,
                 ZoneId zone) {
        this.dialect = dialect;
        this.table = table;
        this.query = table == null ? config.query() : null;
        this.mode = config.mode();
        this.incrementingColumn = config.getString(JdbcSourceConfig.INCREMENTING_COLUMN);
        this.timestampColumns = config.getList(JdbcSourceConfig.TIMESTAMP_COLUMNS);
        this.delayMs = config.getLong(JdbcSourceConfig.TIMESTAMP_DELAY_MS);
        this.batchMaxRows = config.getInt(JdbcSourceConfig.BATCH_MAX_ROWS);
        // a round trip per 100 rows (the default batch) costs more than the rows: fetch at least 1,000
        this.fetchSize = Math.max(batchMaxRows, MIN_FETCH_SIZE);
        String prefix = config.getString(JdbcSourceConfig.TOPIC_PREFIX);
        this.topic = table == null ? prefix : prefix + table.table();
        this.numericMapping = config.numericMapping();
        this.zone = zone;
        this.partition = OffsetKeys.partition(table, query);
        Long initial = config.getLong(JdbcSourceConfig.TIMESTAMP_INITIAL);
        if (initial != null) {
            lastTimestamp = initial == -1 ? Instant.now() : Instant.ofEpochMilli(initial);
        }
        Long storedIncrementing = OffsetKeys.incrementingOf(storedOffset);
        if (storedIncrementing != null) {
            lastIncrementing = storedIncrementing;
        }
        Instant storedTimestamp = OffsetKeys.timestampOf(storedOffset);
        if (storedTimestamp != null) {
            lastTimestamp = storedTimestamp;
        }
    }

    long nextRunMillis() {
        return nextRunMillis;
    }

    boolean querying() {
        return resultSet != null;
    }

    TableId table() {
        return table;
    }

    /**
     * Up to batch.max.rows records; an empty list once the current query is exhausted (it then waits a poll
     * interval). A failure ends the query and puts the offset back where the last returned batch ended, so a
     * retry reads the rows of the failed batch again instead of skipping them.
     */
    List<SourceRecord> poll(Connection connection, long pollIntervalMs) throws SQLException {
        long incrementingBefore = lastIncrementing;
        Instant timestampBefore = lastTimestamp;
        try {
            if (resultSet == null) {
                start(connection);
            }
            List<SourceRecord> records = new ArrayList<>(batchMaxRows);
            while (records.size() < batchMaxRows && resultSet.next()) {
                Struct value = mapper.read(resultSet);
                records.add(new SourceRecord(partition, advanceOffset(), topic, null, null, null, value.schema(),
                        value));
            }
            if (records.size() < batchMaxRows) {
                close(connection);
                nextRunMillis = System.currentTimeMillis() + pollIntervalMs;
            }
            return records;
        } catch (SQLException | RuntimeException e) {
            lastIncrementing = incrementingBefore;
            lastTimestamp = timestampBefore;
            close(null);
            throw e;
        }
    }

    /** After a failure: the next query no earlier than this. */
    void retryAt(long millis) {
        nextRunMillis = millis;
    }

    private void start(Connection connection) throws SQLException {
        Instant upperBound = null;
        if (mode == Mode.TIMESTAMP || mode == Mode.TIMESTAMP_INCREMENTING) {
            upperBound = dialect.currentTimestamp(connection).minusMillis(delayMs);
        }
        // the table may have been altered since the last query: a fresh statement, and a mapper from its columns
        statement = dialect.prepareQuery(connection, sql());
        // with autocommit off the driver streams rows in fetch-size chunks instead of reading the whole table
        statement.setFetchSize(fetchSize);
        int p = 1;
        Instant from = lastTimestamp == null ? Instant.EPOCH : lastTimestamp;
        switch (mode) {
            case INCREMENTING -> statement.setLong(p, lastIncrementing);
            case TIMESTAMP -> {
                statement.setObject(p++, local(from));
                statement.setObject(p, local(upperBound));
            }
            case TIMESTAMP_INCREMENTING -> {
                statement.setObject(p++, local(upperBound));
                statement.setObject(p++, local(from));
                statement.setLong(p++, lastIncrementing);
                statement.setObject(p, local(from));
            }
            case BULK -> {
            }
        }
        resultSet = statement.executeQuery();
        ResultSetMetaData meta = resultSet.getMetaData();
        mapper = new ColumnMapper(meta, table == null ? null : table.table(), numericMapping, zone);
        incrementingIndex = indexOf(meta, incrementingColumn);
        timestampIndex = timestampColumns.isEmpty() ? -1 : indexOf(meta, timestampColumns.get(0));
        timestampWithZone = timestampIndex > 0
                && meta.getColumnTypeName(timestampIndex).toLowerCase(Locale.ROOT).equals("timestamptz");
    }

    private String sql() {
        String from = table != null ? dialect.quote(table) : "(" + query + ") sluice_query";
        String base = "SELECT * FROM " + from;
        String inc = incrementingColumn.isEmpty() ? null : dialect.quote(incrementingColumn);
        String ts = timestampExpression();
        return switch (mode) {
            case BULK -> base;
            case INCREMENTING -> base + " WHERE " + inc + " > ? ORDER BY " + inc + " ASC";
            case TIMESTAMP -> base + " WHERE " + ts + " > ? AND " + ts + " < ? ORDER BY " + ts + " ASC";
            case TIMESTAMP_INCREMENTING -> base + " WHERE " + ts + " < ? AND ((" + ts + " = ? AND " + inc + " > ?) OR "
                    + ts + " > ?) ORDER BY " + ts + " ASC, " + inc + " ASC";
        };
    }

    private String timestampExpression() {
        if (timestampColumns.isEmpty()) {
            return null;
        }
        if (timestampColumns.size() == 1) {
            return dialect.quote(timestampColumns.get(0));
        }
        StringJoiner j = new StringJoiner(", ", "COALESCE(", ")");
        timestampColumns.forEach(c -> j.add(dialect.quote(c)));
        return j.toString();
    }

    /** The offset after the current row, in the canonical key order. */
    private Map<String, Object> advanceOffset() throws SQLException {
        Long incrementing = null;
        if (mode == Mode.INCREMENTING || mode == Mode.TIMESTAMP_INCREMENTING) {
            lastIncrementing = resultSet.getLong(incrementingIndex);
            incrementing = lastIncrementing;
        }
        Instant timestamp = null;
        if (mode == Mode.TIMESTAMP || mode == Mode.TIMESTAMP_INCREMENTING) {
            Instant ts = readTimestamp();
            if (ts != null) {
                lastTimestamp = ts;
            }
            timestamp = lastTimestamp;
        }
        return OffsetKeys.offset(incrementing, timestamp);
    }

    private Instant readTimestamp() throws SQLException {
        if (timestampColumns.size() > 1) {
            // the COALESCE of several columns: the first non-null one
            for (String column : timestampColumns) {
                Instant t = readTimestampAt(resultSet.findColumn(column));
                if (t != null) {
                    return t;
                }
            }
            return null;
        }
        return readTimestampAt(timestampIndex);
    }

    private Instant readTimestampAt(int index) throws SQLException {
        if (timestampWithZone || resultSet.getMetaData().getColumnTypeName(index).equalsIgnoreCase("timestamptz")) {
            OffsetDateTime t = resultSet.getObject(index, OffsetDateTime.class);
            return t == null ? null : t.toInstant();
        }
        LocalDateTime t = resultSet.getObject(index, LocalDateTime.class);
        return t == null ? null : t.atZone(zone).toInstant();
    }

    private LocalDateTime local(Instant instant) {
        return LocalDateTime.ofInstant(instant, zone);
    }


    private int indexOf(ResultSetMetaData meta, String column) throws SQLException {
        if (column == null || column.isEmpty()) {
            return -1;
        }
        for (int i = 1; i <= meta.getColumnCount(); i++) {
            if (meta.getColumnLabel(i).equals(column)) {
                return i;
            }
        }
        throw new SQLException("Column \"" + column + "\" is not in the result of " + (table != null ? table : "the query"));
    }

    /** Ends the current query and its read transaction. */
    void close(Connection connection) {
        try {
            if (resultSet != null) {
                resultSet.close();
            }
            if (statement != null) {
                statement.close();
            }
            if (connection != null && !connection.isClosed()) {
                connection.commit();
            }
        } catch (SQLException ignored) {
            // the connection is discarded by the caller on error; nothing else to release here
        } finally {
            resultSet = null;
            statement = null;
        }
    }
}
