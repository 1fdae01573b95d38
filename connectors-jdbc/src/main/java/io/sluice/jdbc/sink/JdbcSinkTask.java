package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.Versions;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTransientException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.apache.kafka.connect.sink.SinkTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes each put in one transaction. Transient database errors are retried (max.retries);
 * records that do not fit go to the errant record reporter when errors.tolerance allows it,
 * otherwise the task fails with a message naming the record, table and column.
 */
public class JdbcSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(JdbcSinkTask.class);

    private JdbcSinkConfig config;
    private DatabaseDialect dialect;
    private ConnectionPool pool;
    private TableManager tables;
    private RowExtractor extractor;
    private BatchWriter writer;
    private ErrantRecordReporter reporter;
    private int retriesLeft;

    @Override
    public void start(Map<String, String> props) {
        config = new JdbcSinkConfig(props);
        dialect = ConnectionKeys.dialect(config);
        extractor = new RowExtractor(config);
        tables = new TableManager(dialect, config.getBoolean(JdbcSinkConfig.AUTO_CREATE),
                config.getBoolean(JdbcSinkConfig.AUTO_EVOLVE));
        writer = new BatchWriter(dialect, tables, config.insertMode(), config.getInt(JdbcSinkConfig.BATCH_SIZE));
        pool = ConnectionKeys.pool(config, props.getOrDefault("name", "sink"), dialect);
        retriesLeft = config.getInt(JdbcSinkConfig.MAX_RETRIES);
        reporter = errantRecordReporter();
        log.info("JDBC sink task started ({} dialect, insert.mode={}, pk.mode={})", dialect.name(),
                config.insertMode(), config.pkMode());
    }

    private ErrantRecordReporter errantRecordReporter() {
        try {
            return context == null ? null : context.errantRecordReporter();
        } catch (NoSuchMethodError | NoClassDefFoundError | UnsupportedOperationException olderRuntime) {
            return null;
        }
    }

    @Override
    public void put(Collection<SinkRecord> records) {
        if (records.isEmpty()) {
            return;
        }
        List<SinkRow> rows = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            try {
                SinkRow row = extractor.extract(record);
                if (row != null) {
                    rows.add(row);
                }
            } catch (ConnectException e) {
                reportOrThrow(record, e);
            }
        }
        if (rows.isEmpty()) {
            return;
        }
        try (Connection connection = pool.connection()) {
            // one statement is a transaction of its own: autocommit saves the COMMIT round trip
            boolean single = writer.isSingleStatement(rows);
            try {
                if (single) {
                    connection.setAutoCommit(true);
                }
                writer.write(connection, rows);
                if (single) {
                    connection.setAutoCommit(false);
                } else {
                    connection.commit();
                }
                retriesLeft = config.getInt(JdbcSinkConfig.MAX_RETRIES);
                log.debug("Wrote {} rows", rows.size());
            } catch (SQLException | ConnectException e) {
                if (single) {
                    restoreTransactions(connection);
                }
                rollback(connection);
                handleFailure(connection, rows, e);
            }
        } catch (SQLException e) {
            retryOrFail(e, "Could not get a database connection: " + e.getMessage());
        }
    }

    private void handleFailure(Connection connection, List<SinkRow> rows, Exception e) {
        if (e instanceof SQLException sql && isTransient(sql)) {
            retryOrFail(sql, "Transient database error: " + dialect.describeError(sql));
        }
        if (reporter == null) {
            throw failure(rows, e);
        }
        // find the rows that do not fit, one transaction each, and report only those
        for (SinkRow row : rows) {
            try {
                writer.write(connection, List.of(row));
                connection.commit();
            } catch (SQLException | ConnectException single) {
                rollback(connection);
                reportOrThrow(row.record(), failure(List.of(row), single));
            }
        }
    }

    private ConnectException failure(List<SinkRow> rows, Exception e) {
        if (e instanceof ConnectException ce) {
            return ce;
        }
        SinkRow first = rows.get(0);
        String where = rows.size() == 1 ? first.describeRecord() : rows.size() + " records from "
                + first.describeRecord();
        return new ConnectException("Writing " + where + " to table " + first.table() + " failed: "
                + dialect.describeError((SQLException) e), e);
    }

    private void retryOrFail(SQLException e, String message) {
        if (retriesLeft-- > 0) {
            log.warn("{}; retrying ({} retries left)", message, retriesLeft);
            context.timeout(config.getInt(JdbcSinkConfig.RETRY_BACKOFF_MS));
            throw new RetriableException(message, e);
        }
        throw new ConnectException(message + " (max.retries exhausted)", e);
    }

    private static boolean isTransient(SQLException e) {
        String state = e.getSQLState();
        return e instanceof SQLTransientException || e instanceof SQLRecoverableException
                || (state != null && (state.startsWith("08") || state.equals("40001") || state.equals("40P01")
                || state.equals("57P01")));
    }

    private void reportOrThrow(SinkRecord record, ConnectException e) {
        if (reporter == null) {
            throw e;
        }
        log.warn("Reporting record {}-{}@{} as errant: {}", record.topic(), record.kafkaPartition(),
                record.kafkaOffset(), e.getMessage());
        reporter.report(record, e);
    }

    private static void restoreTransactions(Connection connection) {
        try {
            connection.setAutoCommit(false);
        } catch (SQLException e) {
            log.warn("Could not turn autocommit off again: {}", e.getMessage());
        }
    }

    private void rollback(Connection connection) {
        tables.forget();
        try {
            connection.rollback();
        } catch (SQLException e) {
            log.warn("Rollback failed: {}", e.getMessage());
        }
    }

    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        // every put is committed before it returns: nothing is buffered
    }

    @Override
    public void stop() {
        if (pool != null) {
            pool.close();
            pool = null;
        }
    }

    @Override
    public String version() {
        return Versions.VERSION;
    }
}
