package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.errors.RetriableException;
import org.apache.kafka.connect.sink.ErrantRecordReporter;
import org.apache.kafka.connect.sink.SinkRecord;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a batch of rows as one transaction on a pooled connection, and decides what a failure means: a database
 * that is away is retried (max.retries, as a RetriableException); one that refuses the configuration
 * (authentication, permission, a missing table) fails the task, since every record would fail alike; what the
 * database refused in the records themselves fails the task, or with an errant record reporter, the rows are
 * written one by one and only those that do not fit are reported. Used on the writer thread, one write at a time.
 */
final class TransactionWriter {
    private static final Logger log = LoggerFactory.getLogger(TransactionWriter.class);

    private final ConnectionPool pool;
    private final BatchWriter writer;
    private final TableManager tables;
    private final DatabaseDialect dialect;
    private final ErrantRecordReporter reporter;
    private final int maxRetries;
    private volatile int retriesLeft;
    /** Filled by the task thread (records that do not convert) and the writer thread (rows the database refused). */
    private final List<Future<Void>> reports = Collections.synchronizedList(new ArrayList<>());

    TransactionWriter(ConnectionPool pool, BatchWriter writer, TableManager tables, DatabaseDialect dialect,
                      ErrantRecordReporter reporter, int maxRetries) {
        this.pool = pool;
        this.writer = writer;
        this.tables = tables;
        this.dialect = dialect;
        this.reporter = reporter;
        this.maxRetries = maxRetries;
        this.retriesLeft = maxRetries;
    }

    /** Writes and commits the rows, or throws: RetriableException to try again later, ConnectException to fail. */
    void write(List<SinkRow> rows) {
        try (Connection connection = pool.connection()) {
            boolean single = false;
            try {
                List<SinkRow> typed = writer.resolve(connection, rows);
                // one statement is a transaction of its own: autocommit saves the COMMIT round trip
                single = writer.isSingleStatement(typed);
                if (single) {
                    connection.setAutoCommit(true);
                }
                writer.write(connection, typed);
                if (single) {
                    connection.setAutoCommit(false);
                } else {
                    connection.commit();
                }
                retriesLeft = maxRetries;
                log.debug("Wrote {} rows", rows.size());
            } catch (SQLException | ConnectException e) {
                if (single) {
                    restoreTransactions(connection);
                }
                rollback(connection);
                handleFailure(connection, rows, e);
            }
        } catch (SQLException e) {
            // no connection: the database is away (retried) or refuses this configuration (the task fails now)
            if (DatabaseFailure.of(e) == DatabaseFailure.ACCESS) {
                throw ConnectionCheck.unusable(e);
            }
            retryOrFail(e, "Cannot reach the database: " + DatabaseFailure.reason(e));
        }
    }

    private void handleFailure(Connection connection, List<SinkRow> rows, Exception e) {
        DatabaseFailure kind = kindOf(e);
        if (kind == DatabaseFailure.TRANSIENT) {
            retryOrFail((SQLException) e, "Transient database error: " + dialect.describeError((SQLException) e));
        }
        if (reporter == null || kind == DatabaseFailure.ACCESS) {
            throw failure(connection, rows, e);
        }
        // find the rows that do not fit, one transaction each, and report only those
        for (SinkRow row : rows) {
            try {
                writer.write(connection, List.of(row));
                connection.commit();
            } catch (SQLException | ConnectException single) {
                rollback(connection);
                if (kindOf(single) != DatabaseFailure.DATA) {
                    handleFailure(connection, List.of(row), single);
                }
                reportOrThrow(row.record(), failure(connection, List.of(row), single));
            }
        }
    }

    private static DatabaseFailure kindOf(Exception e) {
        return e instanceof SQLException sql ? DatabaseFailure.of(sql) : DatabaseFailure.DATA;
    }

    private ConnectException failure(Connection connection, List<SinkRow> rows, Exception e) {
        if (e instanceof ConnectException ce) {
            return ce;
        }
        int batch = rows.size();
        rows = writer.failedRows(rows); // a batch spanning tables: the failure is the table's being written
        SinkRow first = rows.get(0);
        String where = rows.size() == 1 ? first.describeRecord() : rows.size() + " records from "
                + first.describeRecord();
        if (rows.size() < batch) {
            where += " (of a batch of " + batch + ")";
        }
        SQLException sql = (SQLException) e;
        String reason = dialect.describeError(sql); // the database's words, its SQLState, never the batch's rows
        if (isDataException(sql) && !reason.contains("column: ")) {
            String misfit = ColumnFit.misfit(connection, dialect, rows); // the server named no column: find it
            if (misfit != null) {
                reason += "; " + misfit;
            }
        }
        return new ConnectException("Writing " + where + " to table " + first.table() + " failed: " + reason,
                DatabaseFailure.shown(e));
    }

    /** SQLState class 22: a value the column cannot hold (overflow, too long, invalid text for the type). */
    private static boolean isDataException(SQLException e) {
        SQLException subject = e.getNextException() != null ? e.getNextException() : e;
        String state = subject.getSQLState() != null ? subject.getSQLState() : e.getSQLState();
        return state != null && state.startsWith("22");
    }

    private void retryOrFail(SQLException e, String message) {
        int left = retriesLeft--;
        if (left > 0) {
            log.warn("{}; retrying ({} retries left)", message, left - 1);
            throw new RetriableException(message, DatabaseFailure.shown(e));
        }
        throw new ConnectException(message + " (max.retries exhausted)", DatabaseFailure.shown(e));
    }

    /** A record that does not fit: to the errant record reporter when there is one, else the task's failure. */
    void reportOrThrow(SinkRecord record, ConnectException e) {
        if (reporter == null) {
            throw e;
        }
        log.warn("Reporting record {}-{}@{} as errant: {}", record.topic(), record.kafkaPartition(),
                record.kafkaOffset(), e.getMessage());
        reports.add(reporter.report(record, e));
    }

    /** Errant records must be stored before the offsets past them are committed. */
    void awaitReports() {
        List<Future<Void>> started;
        synchronized (reports) {
            started = new ArrayList<>(reports);
        }
        try {
            for (Future<Void> report : started) {
                report.get();
            }
        } catch (ExecutionException e) {
            throw new ConnectException("Reporting an errant record failed", e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConnectException("Interrupted while reporting errant records", e);
        } finally {
            reports.removeAll(started);
        }
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
}
