package io.sluice.jdbc.source;

import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.TableId;
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
import org.slf4j.MDC;

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

    @Override
    public void start(Map<String, String> props) {
        config = new JdbcSourceConfig(props);
        DatabaseDialect dialect = ConnectionKeys.dialect(config);
        ZoneId zone = ZoneId.of(config.getString(ConnectionKeys.TIMEZONE));
        pollIntervalMs = config.getInt(JdbcSourceConfig.POLL_INTERVAL_MS);
        batchMaxRows = config.getInt(JdbcSourceConfig.BATCH_MAX_ROWS);
        stopped = new CountDownLatch(1);
        queriers.clear();
        List<TableId> tables = config.query().isEmpty() ? config.taskTables() : Collections.singletonList(null);
        List<Map<String, String>> partitions = new ArrayList<>(tables.size());
        for (TableId table : tables) {
            partitions.add(OffsetKeys.partition(table, config.query()));
        }
        Map<Map<String, String>, Map<String, Object>> offsets = OffsetKeys.stored(context.offsetStorageReader(),
                partitions);
        for (int i = 0; i < tables.size(); i++) {
            queriers.add(new TableQuerier(config, dialect, tables.get(i), offsets.get(partitions.get(i)), zone));
        }
        pool = ConnectionKeys.pool(config, props.getOrDefault("name", "source"), dialect);
        reader = readerThread(props.getOrDefault("name", "source"));
        ahead = null;
        log.info("JDBC source task reading {} in {} mode", config.query().isEmpty() ? config.taskTables() : "a query",
                config.mode());
    }

    /** The reader runs in the task's logging context and with the plugin's class loader, as the task thread does. */
    private static ExecutorService readerThread(String connector) {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        ClassLoader loader = JdbcSourceTask.class.getClassLoader();
        return Executors.newSingleThreadExecutor(r -> {
            Thread t = new Thread(() -> {
                if (mdc != null) {
                    MDC.setContextMap(mdc);
                }
                r.run();
            }, "sluice-jdbc-reader-" + connector);
            t.setContextClassLoader(loader);
            t.setDaemon(true);
            return t;
        });
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
                if (!records.isEmpty()) {
                    return records;
                }
            } catch (SQLException e) {
                next.close(null);
                discardConnection();
                throw new ConnectException("Reading " + (next.table() == null ? "the query" : "table " + next.table())
                        + " failed: " + e.getMessage(), e);
            }
        }
        return null;
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
