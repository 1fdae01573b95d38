package io.sluice.jdbc.source;

import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.DatabaseFailure;
import io.sluice.jdbc.TableId;
import io.sluice.jdbc.TaskThreads;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.connector.ConnectorContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Lists the tables the connector should read, once at start and then every table.poll.interval.ms on its own
 * named thread, and asks for a task reconfiguration when the list changes. Each listing opens one connection
 * of its own (a pool would only hold an idle connection between listings, and would hide a wrong password
 * behind its timeout). Once started, a database that is away is tried again with a growing backoff (the last
 * list stays in force); one that refuses the configuration (password, permission) fails the connector with the
 * database's reason.
 */
final class TableMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TableMonitor.class);
    private static final long MIN_RETRY_MS = 1_000;

    private final DatabaseDialect dialect;
    private final JdbcSourceConfig config;
    private final TableFilter filter;
    private final ConnectorContext context;
    private final long intervalMs;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile List<TableId> tables = List.of();
    private Thread thread;

    TableMonitor(DatabaseDialect dialect, JdbcSourceConfig config, ConnectorContext context) {
        this.dialect = dialect;
        this.config = config;
        this.filter = new TableFilter(config.includes(), config.excludes());
        this.context = context;
        this.intervalMs = config.getLong(JdbcSourceConfig.TABLE_POLL_INTERVAL_MS);
    }

    /**
     * Lists the tables now, then keeps watching on a thread. Throws, with the database's reason, when the database
     * refuses this configuration or does not answer within the start-up attempts.
     */
    void start(String connectorName) {
        tables = ConnectionCheck.atStart(config, dialect, this::list);
        thread = TaskThreads.named("sluice-jdbc-tables-" + connectorName).newThread(this::run);
        thread.start();
    }

    List<TableId> tables() {
        return tables;
    }

    private void run() {
        long waitMs = intervalMs;
        long retryMs = 0;
        try {
            while (!stop.await(waitMs, TimeUnit.MILLISECONDS)) {
                try {
                    List<TableId> now = listNow();
                    waitMs = intervalMs;
                    retryMs = 0;
                    if (!now.equals(tables)) {
                        log.info("Tables changed from {} to {}; reconfiguring tasks", tables, now);
                        tables = now;
                        context.requestTaskReconfiguration();
                    }
                } catch (SQLException e) {
                    if (DatabaseFailure.of(e) != DatabaseFailure.TRANSIENT) {
                        log.error("Cannot list tables: {}", DatabaseFailure.reason(e));
                        context.raiseError(ConnectionCheck.unusable(e));
                        return;
                    }
                    retryMs = retryMs == 0 ? MIN_RETRY_MS : retryMs * 2;
                    waitMs = Math.min(intervalMs, retryMs);
                    log.warn("Cannot list tables ({}); trying again in {} ms", DatabaseFailure.reason(e), waitMs);
                } catch (RuntimeException e) {
                    log.warn("Could not list tables: {}", e.toString());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<TableId> listNow() throws SQLException {
        try (Connection c = ConnectionCheck.open(config, dialect)) {
            List<TableId> selected = list(c);
            c.commit();
            return selected;
        }
    }

    private List<TableId> list(Connection c) throws SQLException {
        List<TableId> all = dialect.listTables(c, config.getString(JdbcSourceConfig.SCHEMA_PATTERN),
                config.getList(JdbcSourceConfig.TABLE_TYPES));
        List<TableId> selected = new ArrayList<>();
        for (TableId t : all) {
            if (filter.accepts(t)) {
                selected.add(t);
            }
        }
        return selected;
    }

    @Override
    public void close() {
        stop.countDown();
        if (thread != null) {
            thread.interrupt();
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
