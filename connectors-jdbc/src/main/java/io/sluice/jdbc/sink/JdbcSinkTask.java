package io.sluice.jdbc.sink;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.ConnectionPool;
import io.sluice.jdbc.Versions;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
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
 * <p>The {@link RowBuffer} decides when rows are written, the {@link SinkWriter} writes them on its thread (while
 * the consumer is behind, a full batch is written as the next one is gathered, so decoding overlaps the database's
 * work) and holds the one failure state this task reads: once writing failed, nothing more is written or committed.
 */
public class JdbcSinkTask extends SinkTask {
    private static final Logger log = LoggerFactory.getLogger(JdbcSinkTask.class);

    private RowExtractor extractor;
    private RowBuffer buffer;
    private SinkWriter writer;

    @Override
    public void start(Map<String, String> props) {
        JdbcSinkConfig config = new JdbcSinkConfig(props);
        ConfigProblem.throwFirst(config.problems());
        DatabaseDialect dialect = ConnectionKeys.dialect(config);
        extractor = new RowExtractor(config);
        TableManager tables = new TableManager(dialect, config.getBoolean(JdbcSinkConfig.AUTO_CREATE),
                config.getBoolean(JdbcSinkConfig.AUTO_EVOLVE));
        BatchWriter statements = new BatchWriter(dialect, tables, config.insertMode(),
                config.getInt(JdbcSinkConfig.BATCH_SIZE),
                new SchemalessRows(config, tables, ZoneId.of(config.getString(ConnectionKeys.TIMEZONE))));
        // a wrong password, host or database fails the task now, with the database's words in its trace
        ConnectionCheck.failFast(config, dialect);
        String name = props.getOrDefault("name", "sink");
        ConnectionPool pool = ConnectionKeys.pool(config, name, dialect);
        TransactionWriter transactions = new TransactionWriter(pool, statements, tables, dialect, errantRecordReporter(),
                config.getInt(JdbcSinkConfig.MAX_RETRIES));
        long lingerMs = config.getLong(JdbcSinkConfig.BATCH_LINGER_MS);
        buffer = new RowBuffer(config.getInt(JdbcSinkConfig.BATCH_SIZE), TimeUnit.MILLISECONDS.toNanos(lingerMs));
        writer = new SinkWriter(name, pool, transactions, buffer,
                config.getInt(JdbcSinkConfig.RETRY_BACKOFF_MS), lingerMs, context::timeout);
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
    public void put(Collection<SinkRecord> records) {
        ConnectException failure = writer.failure();
        if (failure != null) {
            throw failure;
        }
        try {
            handOver(records);
        } catch (RetriableException e) {
            throw e;
        } catch (ConnectException e) {
            writer.fail(e);
            throw e;
        } catch (RuntimeException e) {
            ConnectException wrapped = new ConnectException("Writing records failed: " + e, e);
            writer.fail(wrapped);
            throw wrapped;
        }
    }

    private void handOver(Collection<SinkRecord> records) {
        List<SinkRow> rows = new ArrayList<>(records.size());
        for (SinkRecord record : records) {
            try {
                SinkRow row = extractor.extract(record);
                if (row != null) {
                    rows.add(row);
                }
            } catch (ConnectException e) {
                writer.reportOrThrow(record, e);
            }
        }
        buffer.add(rows);
        switch (buffer.decide(records.size())) {
            case KEEP -> { }
            case WRITE_BEHIND -> writer.writeBehind(buffer.take());
            case WRITE_NOW -> {
                List<SinkRow> batch = buffer.take();
                try {
                    writer.writeNow(batch);
                } catch (RetriableException e) {
                    // the worker delivers this put's records again: keep only those of earlier puts
                    buffer.putBack(batch.subList(0, Math.max(0, batch.size() - rows.size())));
                    throw e;
                }
            }
        }
    }

    /**
     * Writes the buffered rows, then reports the offsets handed over: every row before them is committed in the
     * database (or reported as errant) by then. A failure cannot fail the task from here, so it commits nothing:
     * a transient one keeps the rows buffered for the next put or commit to write (no rewind needed, so no row
     * is lost or doubled), a lasting one fails the task at its next put.
     */
    @Override
    public Map<TopicPartition, OffsetAndMetadata> preCommit(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        if (writer.failure() != null) {
            return Map.of();
        }
        try {
            flush(currentOffsets);
            return currentOffsets;
        } catch (RetriableException e) {
            log.warn("Writing buffered rows before the offset commit failed; they stay buffered: {}", e.getMessage());
            return Map.of();
        } catch (ConnectException e) {
            writer.fail(e);
            log.error("Writing buffered rows failed; the task fails at its next put: {}", e.getMessage());
            return Map.of();
        } catch (RuntimeException e) {
            writer.fail(new ConnectException("Writing buffered rows failed: " + e, e));
            log.error("Writing buffered rows failed; the task fails at its next put", e);
            return Map.of();
        }
    }

    /**
     * Writes every buffered row in one transaction, after the writes in flight (written behind or lingering) ended;
     * throws with the rows still buffered, or with the failure of a write in flight.
     */
    @Override
    public void flush(Map<TopicPartition, OffsetAndMetadata> currentOffsets) {
        writer.awaitBehind();
        List<SinkRow> batch = buffer.take();
        try {
            writer.writeNow(batch);
        } catch (RuntimeException e) {
            buffer.putBack(batch);
            throw e;
        }
        writer.awaitReports();
    }

    @Override
    public void stop() {
        if (writer != null) {
            // a batch in flight finishes (its offsets were never committed either way); then the pool closes
            writer.close();
            writer = null;
        }
        if (buffer != null && buffer.size() > 0) {
            log.debug("Stopping with {} unwritten rows; their offsets were not committed", buffer.size());
            buffer.clear();
        }
    }

    @Override
    public String version() {
        return Versions.VERSION;
    }
}
