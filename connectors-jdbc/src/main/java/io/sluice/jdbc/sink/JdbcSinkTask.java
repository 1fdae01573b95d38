package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.TaskThreads;
import io.sluice.jdbc.Versions;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
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
 * Buffers rows across puts and writes them in one transaction per batch.size rows, when the
 * consumer has caught up, or before offsets are committed (preCommit): offsets are committed only
 * for written rows, and a replay after a crash converges to the same table. Transient database
 * errors are retried (max.retries); records that do not fit go to the errant record reporter when
 * errors.tolerance allows it, otherwise the task fails with a message naming record, table and column.
 *
 * <p>While the consumer is behind, a full batch is written on a writer thread as the next one is
 * gathered (decoding the next records overlaps the database's work on the last ones): at most one
 * batch is in flight, batches are written in order, and preCommit waits for it. Such a batch's
 * transient errors are retried on the writer thread; a lasting failure fails the next put.
 */
public class JdbcSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(JdbcSinkTask.class);
    /** Puts smaller than this are written at once: too small to be a consumer catching up. */
    private static final int MIN_BUFFERED_PUT = 100;

    private ConnectionPool pool;
    private RowExtractor extractor;
    private TransactionWriter transactions;
    private int batchSize;
    /** Rows put but not yet written; their offsets are not committed before they are. */
    private final List<SinkRow> pending = new ArrayList<>();
    private long oldestPendingNanos;
    private long lingerNanos;
    /** Writes rows left buffered when no put comes (the consumer waits in poll): bounds their latency. */
    private ScheduledExecutorService linger;
    private BackgroundWrite background;
    private ConnectException deferredFailure;

    @Override
    public void start(Map<String, String> props) {
        JdbcSinkConfig config = new JdbcSinkConfig(props);
        ConfigProblem.throwFirst(config.problems());
        DatabaseDialect dialect = ConnectionKeys.dialect(config);
        extractor = new RowExtractor(config);
        TableManager tables = new TableManager(dialect, config.getBoolean(JdbcSinkConfig.AUTO_CREATE),
                config.getBoolean(JdbcSinkConfig.AUTO_EVOLVE));
        BatchWriter writer = new BatchWriter(dialect, tables, config.insertMode(),
                config.getInt(JdbcSinkConfig.BATCH_SIZE));
        // a wrong password, host or database fails the task now, with the database's words in its trace
        ConnectionCheck.failFast(config, dialect);
        pool = ConnectionKeys.pool(config, props.getOrDefault("name", "sink"), dialect);
        transactions = new TransactionWriter(pool, writer, tables, dialect, errantRecordReporter(),
                config.getInt(JdbcSinkConfig.MAX_RETRIES), config.getInt(JdbcSinkConfig.RETRY_BACKOFF_MS),
                context::timeout);
        batchSize = config.getInt(JdbcSinkConfig.BATCH_SIZE);
        pending.clear();
        deferredFailure = null;
        long lingerMs = config.getLong(JdbcSinkConfig.BATCH_LINGER_MS);
        lingerNanos = TimeUnit.MILLISECONDS.toNanos(lingerMs);
        linger = Executors.newSingleThreadScheduledExecutor(TaskThreads.named("sluice-jdbc-linger-"
                + props.getOrDefault("name", "sink")));
        background = new BackgroundWrite(props.getOrDefault("name", "sink"), config.getInt(JdbcSinkConfig.RETRY_BACKOFF_MS));
        long period = Math.max(10, lingerMs / 2);
        linger.scheduleWithFixedDelay(this::writeLingering, period, period, TimeUnit.MILLISECONDS);
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

    /**
     * Buffers the records' rows and writes them when a batch is full or the consumer caught up. Any failure but a
     * retriable one is final: the rows still buffered are dropped and preCommit reports no offset from then on,
     * so nothing past the failure is committed whatever the worker does next.
     */
    @Override
    public synchronized void put(Collection<SinkRecord> records) {
        if (deferredFailure != null) {
            throw deferredFailure;
        }
        try {
            buffer(records);
        } catch (RetriableException e) {
            throw e;
        } catch (ConnectException e) {
            failed(e);
            throw e;
        } catch (RuntimeException e) {
            ConnectException failure = new ConnectException("Writing records failed: " + e, e);
            failed(failure);
            throw failure;
        }
    }

    private void failed(ConnectException e) {
        deferredFailure = e;
        pending.clear();
    }

    private void buffer(Collection<SinkRecord> records) {
        int before = pending.size();
        if (before == 0) {
            oldestPendingNanos = System.nanoTime();
        }
        for (SinkRecord record : records) {
            try {
                SinkRow row = extractor.extract(record);
                if (row != null) {
                    pending.add(row);
                }
            } catch (ConnectException e) {
                transactions.reportOrThrow(record, e);
            }
        }
        // a put of a hundred records or more means the consumer has a backlog (puts vary in size with the
        // fetches that fill them): gather rows into batch.size transactions written on the writer thread; a
        // smaller or empty put means it caught up, so write now, on this thread, for latency
        boolean consumerBehind = records.size() >= MIN_BUFFERED_PUT;
        if (pending.isEmpty() || (consumerBehind && pending.size() < batchSize)) {
            return;
        }
        awaitBackground();
        if (consumerBehind) {
            writeInBackground();
            return;
        }
        try {
            writePending(true);
        } catch (RetriableException e) {
            // the worker delivers this put's records again: keep only those of earlier puts
            pending.subList(before, pending.size()).clear();
            throw e;
        }
    }

    private void writeInBackground() {
        List<SinkRow> batch = new ArrayList<>(pending);
        pending.clear();
        background.start(() -> transactions.write(batch, false));
    }

    /** Waits for the batch on the writer thread; its failure becomes the task's (thrown, and kept for later calls). */
    private void awaitBackground() {
        try {
            background.await();
        } catch (ConnectException e) {
            failed(e);
            throw e;
        }
    }

    /**
     * Writes the buffered rows, then reports the offsets handed over: every row before them is committed in the
     * database (or reported as errant) by then. A failure cannot fail the task from here, so it commits nothing:
     * a transient one keeps the rows buffered for the next put or commit to write (no rewind needed, so no row
     * is lost or doubled), a lasting one fails the task at its next put.
     */
    @Override
    public synchronized Map<TopicPartition, OffsetAndMetadata> preCommit(
            Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (deferredFailure != null) {
            return Map.of();
        }
        try {
            flush(currentOffsets);
            return currentOffsets;
        } catch (RetriableException e) {
            log.warn("Writing buffered rows before the offset commit failed; they stay buffered: {}", e.getMessage());
            return Map.of();
        } catch (ConnectException e) {
            failed(e);
            log.error("Writing buffered rows failed; the task fails at its next put: {}", e.getMessage());
            return Map.of();
        } catch (RuntimeException e) {
            failed(new ConnectException("Writing buffered rows failed: " + e, e));
            log.error("Writing buffered rows failed; the task fails at its next put", e);
            return Map.of();
        }
    }

    @Override
    public synchronized void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        awaitBackground();
        if (!pending.isEmpty()) {
            writePending(true);
        }
        transactions.awaitReports();
    }

    /** On the linger thread: rows buffered longer than batch.linger.ms are written without waiting for a put. */
    private synchronized void writeLingering() {
        if (deferredFailure != null || pending.isEmpty() || System.nanoTime() - oldestPendingNanos < lingerNanos) {
            return;
        }
        try {
            awaitBackground();
            writeInBackground();
        } catch (ConnectException e) {
            // no offset is committed for these rows from now on, and the next put fails
            failed(e);
            log.error("Writing buffered rows failed; the task fails at its next put: {}", e.getMessage());
        } catch (RuntimeException e) {
            log.error("Unexpected failure writing buffered rows", e);
            failed(new ConnectException("Writing buffered rows failed", e));
        }
    }

    /**
     * Writes every buffered row in one transaction and empties the buffer; throws with the buffer
     * intact. Off the task thread no retry backoff is asked of the worker.
     */
    private void writePending(boolean onTaskThread) {
        transactions.write(pending, onTaskThread);
        pending.clear();
    }

    @Override
    public void stop() {
        if (linger != null) {
            linger.shutdownNow();
            try {
                if (!linger.awaitTermination(30, TimeUnit.SECONDS)) {
                    log.warn("The linger thread did not end within 30 s");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            linger = null;
        }
        if (background != null) {
            // a batch in flight finishes (its offsets were never committed either way); then the pool closes
            background.close();
        }
        synchronized (this) {
            stopNow();
        }
    }

    private void stopNow() {
        if (!pending.isEmpty()) {
            log.debug("Stopping with {} unwritten rows; their offsets were not committed", pending.size());
            pending.clear();
        }
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
