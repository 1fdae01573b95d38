package io.sluice.jdbc.source;

import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.TableId;
import io.sluice.jdbc.TaskThreads;
import io.sluice.jdbc.Versions;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls its tables in turn: the table due first is queried and its result set read in batches of
 * batch.max.rows until exhausted, then it waits poll.interval.ms. One connection, one open query.
 *
 * <p>Reading happens on a reader thread: after a full batch (the result set has more rows) the next
 * batch is read while the worker converts and sends this one, so the database fetch and row mapping
 * overlap the runtime's work. After a partial batch nothing is read ahead, so a poll after new rows
 * were written always queries afresh.
 */
public class JdbcSourceTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(JdbcSourceTask.class);
    private static final long MIN_RETRY_BACKOFF_MS = 1_000;
    private static final long MAX_RETRY_BACKOFF_MS = 30_000;

    private JdbcSourceConfig config;
    private volatile ConnectionPool pool;
    private Connection connection;
    private final List<TableQuerier> queriers = new ArrayList<>();
    private int pollIntervalMs;
    private volatile CountDownLatch stopped = new CountDownLatch(1);
    private int batchMaxRows;
    private ExecutorService reader;
    /** The next batch being read ahead, or null. */
    private Future<List<SourceRecord>> ahead;
    private int maxRetries;
    /** Consecutive failed reads, on the reader thread. */
    private int failuresInARow;

    @Override
    public void start(Map<String, String> props) {
        config = new JdbcSourceConfig(props);
        DatabaseDialect dialect = ConnectionKeys.dialect(config);
        ZoneId zone = ZoneId.of(config.getString(ConnectionKeys.TIMEZONE));
        pollIntervalMs = config.getInt(JdbcSourceConfig.POLL_INTERVAL_MS);
        batchMaxRows = config.getInt(JdbcSourceConfig.BATCH_MAX_ROWS);
        maxRetries = config.getInt(JdbcSourceConfig.QUERY_RETRY_ATTEMPTS);
        failuresInARow = 0;
        stopped = new CountDownLatch(1);
        queriers.clear();
        // a wrong password, host or database fails the task now, with the database's words in its trace
        ConnectionCheck.failFast(config, dialect);
        List<TableId> tables = config.query().isEmpty() ? config.taskTables() : Collections.singletonList(null);
        List<Map<String, String>> partitions = new ArrayList<>(tables.size());
        for (TableId table : tables) {
            partitions.add(OffsetKeys.partition(table, config.query()));
        }
        Map<Map<String, String>, Map<String, Object>> offsets = OffsetKeys.stored(context.offsetStorageReader(),
                partitions);
        offsets.forEach((partition, offset) -> {
            // an offset the querier could not read would be skipped, and the table read again from its first row
            String problem = OffsetChecks.shapeProblem(offset);
            if (problem != null) {
                throw new ConnectException("The stored offset " + offset + " of partition " + partition
                        + " cannot be used: " + problem + ". Stop the connector, then alter (PATCH) or reset (DELETE) "
                        + "its offsets at /connectors/" + props.getOrDefault("name", "{name}") + "/offsets");
            }
        });
        for (int i = 0; i < tables.size(); i++) {
            queriers.add(new TableQuerier(config, dialect, tables.get(i), offsets.get(partitions.get(i)), zone));
        }
        pool = ConnectionKeys.pool(config, props.getOrDefault("name", "source"), dialect);
        // the reader logs in the task's context and loads with the plugin's class loader, as the task thread does
        reader = Executors.newSingleThreadExecutor(TaskThreads.named("sluice-jdbc-reader-"
                + props.getOrDefault("name", "source")));
        ahead = null;
        // where it resumes, so a restart that reads rows again can be told from one that was never committed
        log.info("JDBC source task reading {} in {} mode from {}", config.query().isEmpty() ? config.taskTables()
                : "a query", config.mode(), offsets.isEmpty() ? "the first row" : offsets.size() <= 10
                ? "stored offsets " + offsets.values() : "the stored offsets of " + offsets.size() + " tables");
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        if (stopped.getCount() == 0) {
            return null; // a batch read ahead is dropped: its offsets were never committed
        }
        Future<List<SourceRecord>> next;
        try {
            next = ahead != null ? ahead : reader.submit(this::read);
        } catch (RejectedExecutionException stopping) {
            return null; // stop() ended the reader between two polls
        }
        ahead = null;
        List<SourceRecord> batch;
        try {
            batch = next.get();
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (cause instanceof InterruptedException ie) {
                throw ie;
            }
            if (cause instanceof RuntimeException re) {
                throw re;
            }
            if (cause instanceof Error err) {
                throw err;
            }
            throw new ConnectException("Reading rows failed: " + cause, cause);
        }
        if (batch != null && batch.size() >= batchMaxRows && stopped.getCount() > 0) {
            try {
                ahead = reader.submit(this::read);
            } catch (RejectedExecutionException stopping) {
                ahead = null;
            }
        }
        return batch;
    }

    /** One poll's worth of rows from the table due first, on the reader thread. */
    private List<SourceRecord> read() throws InterruptedException {
        while (stopped.getCount() > 0) {
            if (queriers.isEmpty()) {
                stopped.await(pollIntervalMs, TimeUnit.MILLISECONDS);
                return null;
            }
            TableQuerier next = queriers.stream().filter(TableQuerier::querying).findFirst()
                    .orElseGet(() -> queriers.stream().min(Comparator.comparingLong(TableQuerier::nextRunMillis))
                            .orElseThrow());
            long wait = next.nextRunMillis() - System.currentTimeMillis();
            if (wait > 0) {
                // returning lets the worker commit offsets and notice pauses while we wait
                stopped.await(Math.min(wait, 1000), TimeUnit.MILLISECONDS);
                return null;
            }
            try {
                List<SourceRecord> records = next.poll(connection(), pollIntervalMs);
                failuresInARow = 0;
                if (!records.isEmpty()) {
                    return records;
                }
            } catch (SQLException e) {
                discardConnection();
                retryLaterOrFail(next, e);
            }
        }
        return null;
    }

    /**
     * A database that is away (refused, lost connection, failover...) is queried again after a growing backoff,
     * from the offset of the last batch returned, up to query.retry.attempts times in a row; an error retrying
     * cannot mend (permissions, a renamed column, bad SQL...) fails the task with the database's own words.
     */
    private void retryLaterOrFail(TableQuerier querier, SQLException e) {
        String what = querier.table() == null ? "the query" : "table " + querier.table();
        String reason = DatabaseFailure.reason(e);
        if (querier.table() != null && isUndefinedTable(e)) {
            // listed when the task was configured, gone now: the connector's table monitor reconfigures the tasks
            log.warn("Table {} no longer exists ({}); waiting for the connector to notice", querier.table(), reason);
            querier.retryAt(System.currentTimeMillis() + MAX_RETRY_BACKOFF_MS);
            return;
        }
        if (DatabaseFailure.of(e) != DatabaseFailure.TRANSIENT) {
            throw new ConnectException("Reading " + what + " failed: " + reason, e);
        }
        failuresInARow++;
        if (maxRetries >= 0 && failuresInARow > maxRetries) {
            throw new ConnectException("Reading " + what + " failed " + failuresInARow + " times in a row ("
                    + JdbcSourceConfig.QUERY_RETRY_ATTEMPTS + "=" + maxRetries + "): " + reason, e);
        }
        long backoff = Math.min(MAX_RETRY_BACKOFF_MS, MIN_RETRY_BACKOFF_MS << Math.min(failuresInARow - 1, 10));
        log.warn("Reading {} failed ({}); retrying in {} ms (attempt {})", what, reason, backoff, failuresInARow);
        querier.retryAt(System.currentTimeMillis() + backoff);
    }

    private static boolean isUndefinedTable(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SQLException sql && ("42P01".equals(sql.getSQLState())
                    || "42S02".equals(sql.getSQLState()))) {
                return true;
            }
        }
        return false;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            ConnectionPool p = pool;
            if (p == null) {
                throw new SQLException("task is stopping");
            }
            connection = p.connection();
        }
        return connection;
    }

    private void discardConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                log.debug("Closing a failed connection: {}", e.getMessage());
            }
            connection = null;
        }
    }

    /**
     * Wakes a waiting poll and closes the pool; a query still running on the task thread then fails
     * with a closed connection, which the worker ignores for a stopping task.
     */
    @Override
    public void stop() {
        stopped.countDown();
        ConnectionPool p = pool;
        pool = null;
        if (p != null) {
            p.close();
        }
        if (reader != null) {
            reader.shutdownNow();
        }
    }

    @Override
    public String version() {
        return Versions.VERSION;
    }

    Collection<TableQuerier> queriers() {
        return queriers;
    }
}
