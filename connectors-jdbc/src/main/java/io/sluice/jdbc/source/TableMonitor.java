package io.sluice.jdbc.source;

import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.TableId;
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
 * Lists the tables the connector should read, now and every table.poll.interval.ms on its own
 * named thread, and asks for a task reconfiguration when the list changes.
 */
final class TableMonitor implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(TableMonitor.class);

    private final DatabaseDialect dialect;
    private final ConnectionPool pool;
    private final JdbcSourceConfig config;
    private final TableFilter filter;
    private final ConnectorContext context;
    private final long intervalMs;
    private final CountDownLatch stop = new CountDownLatch(1);
    private volatile List<TableId> tables;
    private Thread thread;

    TableMonitor(DatabaseDialect dialect, ConnectionPool pool, JdbcSourceConfig config, ConnectorContext context) {
        this.dialect = dialect;
        this.pool = pool;
        this.config = config;
        this.filter = new TableFilter(config.includes(), config.excludes());
        this.context = context;
        this.intervalMs = config.getLong(JdbcSourceConfig.TABLE_POLL_INTERVAL_MS);
    }

    void start(String connectorName) throws SQLException {
        tables = list();
        thread = new Thread(this::run, "sluice-jdbc-tables-" + connectorName);
        thread.setDaemon(true);
        thread.start();
    }

    List<TableId> tables() {
        return tables;
    }

    private void run() {
        try {
            while (!stop.await(intervalMs, TimeUnit.MILLISECONDS)) {
                try {
                    List<TableId> now = list();
                    if (!now.equals(tables)) {
                        log.info("Tables changed from {} to {}; reconfiguring tasks", tables, now);
                        tables = now;
                        context.requestTaskReconfiguration();
                    }
                } catch (SQLException | RuntimeException e) {
                    log.warn("Could not list tables: {}", e.getMessage());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<TableId> list() throws SQLException {
        try (Connection c = pool.connection()) {
            List<TableId> all = dialect.listTables(c, config.getString(JdbcSourceConfig.SCHEMA_PATTERN),
                    config.getList(JdbcSourceConfig.TABLE_TYPES));
            c.commit();
            List<TableId> selected = new ArrayList<>();
            for (TableId t : all) {
                if (filter.accepts(t)) {
                    selected.add(t);
                }
            }
            return selected;
        }
    }

    @Override
    public void close() {
        stop.countDown();
        if (thread != null) {
            try {
                thread.join(10_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
