package io.sluice.jdbc.cdc;

import io.sluice.jdbc.ConfigProblem;
import io.sluice.jdbc.ConnectionCheck;
import io.sluice.jdbc.ConnectionKeys;
import io.sluice.jdbc.TaskThreads;
import io.sluice.jdbc.Versions;
import io.sluice.jdbc.dialect.DatabaseDialect;
import java.sql.Connection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The capture task: a capture thread snapshots and streams into a bounded queue that poll drains. Every record
 * Kafka acknowledges is noted (commitRecord); when the worker commits (commit), the position up to which every
 * record was acknowledged is confirmed to the slot, so the server keeps the WAL that anything unacknowledged needs.
 */
public class PostgresCdcTask extends SourceTask {
    private static final Logger log = LoggerFactory.getLogger(PostgresCdcTask.class);
    private static final long STOP_WAIT_MS = 10_000;

    private RecordQueue queue;
    private AckTracker tracker;
    private Capture capture;
    private Thread thread;
    private SlotMonitor monitor;
    private long pollMs;
    private boolean dropSlotOnStop;

    @Override
    public void start(Map<String, String> props) {
        CdcConfig config = new CdcConfig(props);
        ConfigProblem.throwFirst(config.problems());
        DatabaseDialect dialect = ConnectionKeys.dialect(config);
        // a wrong password, host or database fails the task now, with the database's words in its trace
        String database = ConnectionCheck.atStart(config, dialect, Connection::getCatalog);
        pollMs = config.getLong(CdcConfig.POLL_INTERVAL_MS);
        dropSlotOnStop = config.getBoolean(CdcConfig.DROP_ON_STOP);
        queue = new RecordQueue(config.getInt(CdcConfig.MAX_QUEUE_SIZE), config.getInt(CdcConfig.MAX_BATCH_SIZE));
        tracker = new AckTracker();
        CdcMetrics metrics = new CdcMetrics();
        metrics.register(context.pluginMetrics());
        CdcSessions sessions = new CdcSessions(config, dialect);
        EventRecords events = new EventRecords(config, database,
                new SchemaNames("avro".equalsIgnoreCase(config.getString(CdcConfig.NAME_ADJUSTMENT))));
        TableSchemas schemas = new TableSchemas(config, new PgTypes(), events);
        CdcOffsets.Stored stored = CdcOffsets.read(context.offsetStorageReader().offset(events.partition()));
        String name = props.getOrDefault("name", "cdc");
        capture = new Capture(config, sessions, schemas, events, queue, tracker, metrics, stored, name);
        monitor = new SlotMonitor(config, sessions, name);
        thread = TaskThreads.named("sluice-cdc-" + name).newThread(() -> {
            try {
                capture.run();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            } catch (Throwable t) {
                if (!queue.closed()) {
                    log.error("Change data capture failed: {}", t.getMessage());
                }
                queue.fail(t instanceof ConnectException ? t : new ConnectException(
                        "Change data capture failed: " + t.getMessage(), t));
            }
        });
        thread.start();
        log.info("PostgreSQL CDC task started: slot {}, publication {}, snapshot.mode={}, output.format={}",
                config.slotName(), config.publicationName(), config.snapshotMode().name().toLowerCase(),
                config.outputFormat().name().toLowerCase());
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        return queue.poll(pollMs);
    }

    @Override
    public void commitRecord(SourceRecord record, RecordMetadata metadata) {
        tracker.acknowledged(record.sourceOffset());
    }

    @Override
    public void commit() {
        Capture c = capture;
        if (c != null) {
            c.confirm(tracker.confirmable());
        }
    }

    @Override
    public void stop() {
        if (capture != null) {
            capture.stop();
        }
        if (queue != null) {
            queue.close();
        }
        if (monitor != null) {
            monitor.close();
        }
        if (thread != null) {
            try {
                thread.join(STOP_WAIT_MS);
                if (thread.isAlive()) {
                    thread.interrupt();
                    thread.join(TimeUnit.SECONDS.toMillis(5));
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (dropSlotOnStop && capture != null && (thread == null || !thread.isAlive())) {
            capture.dropSlotAfterStop();
        }
    }

    @Override
    public String version() {
        return Versions.VERSION;
    }
}
