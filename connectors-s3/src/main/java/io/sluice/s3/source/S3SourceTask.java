package io.sluice.s3.source;

import io.sluice.s3.ObjectNames;
import io.sluice.s3.S3ConnectionConfig;
import io.sluice.s3.Versions;
import io.sluice.s3.source.SourceUnit.Item;
import java.io.IOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.source.SourceRecord;
import org.apache.kafka.connect.source.SourceTask;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import software.amazon.awssdk.core.ResponseInputStream;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.core.exception.SdkException;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.GetObjectResponse;
import software.amazon.awssdk.services.s3.model.NoSuchKeyException;

/**
 * Reads its units' objects in order and emits their records with offsets (object key, records read), so
 * a restarted task goes on after the last record it delivered. Lists again for new objects when done.
 */
public final class S3SourceTask extends SourceTask {

    private static final Logger log = LoggerFactory.getLogger(S3SourceTask.class);

    /** How often an object whose body broke off is opened again before the task fails. */
    static final int MAX_REREADS = 3;

    private final CountDownLatch stopped = new CountDownLatch(1);
    private final List<UnitReader> readers = new ArrayList<>();
    private S3Client s3;
    /** Says a download that waits long for bytes; from start to stop. */
    private StalledDownloads stalls;
    private S3SourceConfig config;
    private ObjectNames names;
    private CsvSettings csv;
    private Map<String, String> mapping;
    private int next;
    private volatile boolean polling;

    @Override
    public String version() {
        return Versions.VERSION;
    }

    @Override
    public void start(Map<String, String> props) {
        config = new S3SourceConfig(props);
        names = new ObjectNames(config.getString(S3ConnectionConfig.TOPICS_DIR),
                config.getInt(S3ConnectionConfig.ZERO_PAD_WIDTH));
        csv = config.csvSettings();
        mapping = config.topicMapping();
        List<SourceUnit> units = config.units().stream().map(SourceUnit::decode).toList();
        Map<Map<String, String>, Map<String, Object>> offsets = context.offsetStorageReader()
                .offsets(units.stream().map(SourceUnit::sourcePartition).toList());
        for (SourceUnit unit : units) {
            Map<String, Object> offset = offsets == null ? null : offsets.get(unit.sourcePartition());
            UnitReader reader = new UnitReader(unit);
            if (offset != null) {
                S3SourceOffsets.Stored stored = readable(unit.sourcePartition(), offset, props);
                reader.resumeKey = stored.object();
                reader.resumePosition = stored.position();
                reader.last = itemOf(unit, stored.object());
            }
            readers.add(reader);
        }
        RestoreTargets.check(context, units, mapping, config.archivePartitions());
        s3 = S3ConnectionConfig.client(config); // after the offsets, so a task failing on one leaves no client open
        stalls = new StalledDownloads(props.getOrDefault("name", "s3-source"));
        log.info("S3 source task reading {} from s3://{}", config.units(), config.getString(S3ConnectionConfig.BUCKET));
    }

    /**
     * A stored offset as the task uses it; one it cannot use (stored by an older version, or written by hand) fails
     * the task saying which and how to mend it, rather than being skipped (the unit would be read again from its
     * start) or failing on a cast.
     */
    private static S3SourceOffsets.Stored readable(Map<String, String> partition, Map<String, Object> offset,
                                                   Map<String, String> props) {
        try {
            return S3SourceOffsets.read(partition, offset);
        } catch (IllegalArgumentException e) {
            throw S3SourceOffsets.unusable(partition, offset, e.getMessage(), props.getOrDefault("name", "{name}"));
        }
    }

    private static Item itemOf(SourceUnit unit, String key) {
        if (unit.prefix() != null) {
            return new Item(key, -1, 0);
        }
        return ObjectNames.parse(key).map(o -> new Item(key, o.partition(), o.start())).orElse(new Item(key, -1, 0));
    }

    @Override
    public List<SourceRecord> poll() throws InterruptedException {
        polling = true;
        try {
            return readBatch();
        } finally {
            polling = false;
            if (stopped.getCount() == 0) {
                release();
            }
        }
    }

    private List<SourceRecord> readBatch() throws InterruptedException {
        int batch = config.getInt(S3SourceConfig.BATCH_MAX_RECORDS);
        List<SourceRecord> out = new ArrayList<>();
        try {
            for (int i = 0; i < readers.size() && out.size() < batch && stopped.getCount() > 0; i++) {
                UnitReader reader = readers.get((next + i) % readers.size());
                reader.read(out, batch);
            }
        } catch (IOException | SdkException e) {
            throw new ConnectException("Cannot read s3://" + config.getString(S3ConnectionConfig.BUCKET) + " ("
                    + e.getMessage() + "); check the bucket, credentials and store.url", e);
        }
        next = readers.isEmpty() ? 0 : (next + 1) % readers.size();
        if (out.isEmpty()) {
            // everything read: wait for the next listing (stop() ends the wait)
            stopped.await(Math.min(1000, config.getLong(S3SourceConfig.POLL_INTERVAL_MS)), TimeUnit.MILLISECONDS);
            return null;
        }
        return out;
    }

    @Override
    public void stop() {
        stopped.countDown();
        if (!polling) {
            release();
        }
    }

    /** Closes object streams and the client; the thread that sees the task stopped last does it. */
    private synchronized void release() {
        readers.forEach(UnitReader::close);
        if (s3 != null) {
            s3.close();
            s3 = null;
        }
        if (stalls != null) {
            stalls.close();
            stalls = null;
        }
    }

    /** Reads one unit: its pending objects in order, the open one record by record. */
    private final class UnitReader {
        final SourceUnit unit;
        final Deque<Item> pending = new ArrayDeque<>();
        Item last;
        String resumeKey;
        long resumePosition;
        Item current;
        ObjectReader records;
        long position;
        long nextListingMs;
        /** The object last read again after a broken read, the record it broke after, and how many times in a row. */
        String rereadKey;
        long rereadAt;
        int rereads;

        UnitReader(SourceUnit unit) {
            this.unit = unit;
        }

        void read(List<SourceRecord> out, int batch) throws IOException, InterruptedException {
            while (out.size() < batch) {
                if (records == null && !open()) {
                    return;
                }
                boolean more;
                try {
                    more = records.advance();
                } catch (IOException | SdkException e) {
                    if (readAgain(e)) {
                        continue;
                    }
                    throw brokenOff(e);
                }
                if (!more) {
                    records.close();
                    records = null;
                    last = current;
                    continue;
                }
                position++;
                if (current.key().equals(resumeKey) && position <= resumePosition) {
                    continue; // delivered before the restart
                }
                Map<String, Object> offset = Map.of(S3SourceOffsets.OBJECT, current.key(),
                        S3SourceOffsets.POSITION, position);
                String topic = unit.prefix() != null ? config.getString(S3SourceConfig.TOPIC)
                        : mapping.getOrDefault(unit.topic(), unit.topic());
                Integer partition = unit.prefix() != null ? null : current.partition();
                SourceRecord record = records.record(
                        new RecordParser.Target(topic, partition, unit.sourcePartition(), offset));
                if (record != null) {
                    out.add(record);
                }
            }
        }

        /**
         * A read that broke inside an object (the store cut the connection or reset it): the object is opened again
         * and read on after the last record taken, up to {@link #MAX_REREADS} times in a row without getting further
         * before the task fails.
         * The store's own retries cover a request, not a body broken halfway.
         */
        private boolean readAgain(Exception e) throws InterruptedException {
            if (!current.key().equals(rereadKey) || position > rereadAt) {
                // another object, or this one read further than where it broke last: a new break, counted anew
                rereadKey = current.key();
                rereads = 0;
            }
            rereadAt = position;
            if (rereads >= MAX_REREADS) {
                return false;
            }
            rereads++;
            log.warn("Reading s3://{}/{} broke after its record {} ({}); reading it again from there, attempt {} of {}",
                    config.getString(S3ConnectionConfig.BUCKET), current.key(), position, e.getMessage(), rereads,
                    MAX_REREADS);
            close();
            if (!current.key().equals(resumeKey) || position > resumePosition) {
                // not below a resume position still ahead: a GET that failed before the object's first record
                // (position 0) must not deliver again what was delivered before a restart
                resumeKey = current.key();
                resumePosition = position;
            }
            pending.addFirst(current);
            stopped.await(500L * rereads, TimeUnit.MILLISECONDS);
            return true;
        }

        /**
         * The failure once the rereads are used up: the body was cut or stalled on its way, so the message points at
         * the network path to the store rather than at the bucket or the credentials, which served the object.
         */
        private ConnectException brokenOff(Exception e) {
            String url = config.getString(S3ConnectionConfig.STORE_URL);
            return new ConnectException("Reading s3://" + config.getString(S3ConnectionConfig.BUCKET) + "/"
                    + current.key() + " broke off " + (MAX_REREADS + 1) + " times in a row after its record " + position
                    + " (" + e.getMessage() + "); the download is cut or stalled between the worker and "
                    + (url == null || url.isBlank() ? "S3" : "store.url " + url.trim())
                    + ": check the network path (proxies, load balancers, firewalls) and the store's own limits, then "
                    + "restart the task, which reads on after the last committed record", e);
        }

        /**
         * Opens the next object, listing the unit again when none is pending and it is time to. A listing is not a
         * snapshot: an object listed can be deleted before it is read, and is skipped then, said once.
         */
        private boolean open() throws IOException, InterruptedException {
            String bucket = config.getString(S3ConnectionConfig.BUCKET);
            while (true) {
                if (pending.isEmpty() && !list(bucket)) {
                    return false;
                }
                current = pending.removeFirst();
                position = 0;
                try {
                    ResponseInputStream<GetObjectResponse> body = s3.getObject(b -> b.bucket(bucket).key(current.key()));
                    Long length = body.response().contentLength();
                    records = ObjectReader.open(config.format(), new LengthCheckedStream(body,
                            length == null ? -1 : length, "s3://" + bucket + "/" + current.key(),
                                    config.getLong(S3ConnectionConfig.REQUEST_TIMEOUT_MS), stalls), current.key(),
                            separator(), csv);
                    log.debug("Reading s3://{}/{}", bucket, current.key());
                    return true;
                } catch (NoSuchKeyException gone) {
                    log.warn("s3://{}/{} was deleted after it was listed and before it was read; skipping it", bucket,
                            current.key());
                    last = current; // read as far as it goes: the next listing does not name it again
                } catch (SdkClientException unanswered) {
                    // no answer to the GET within s3.request.timeout.ms, or no connection: a download broken before
                    // its first byte, tried again as one broken later is (tryout22: a store that held one GET
                    // unanswered failed the task at once, blaming the credentials)
                    if (!readAgain(unanswered)) {
                        throw brokenOff(unanswered);
                    }
                }
            }
        }

        /** Lists the unit for objects after the last one read, if it is time to; false when none is pending. */
        private boolean list(String bucket) {
            long now = System.currentTimeMillis();
            if (now < nextListingMs) {
                return false;
            }
            nextListingMs = now + config.getLong(S3SourceConfig.POLL_INTERVAL_MS);
            for (Item item : unit.list(s3, bucket, names)) {
                int cmp = last == null ? 1 : unit.order().compare(item, last);
                if (cmp > 0 || (cmp == 0 && item.key().equals(resumeKey) && current == null)) {
                    pending.add(item);
                }
            }
            return !pending.isEmpty();
        }

        private String separator() {
            return "bytes".equals(config.format()) ? config.byteArraySeparator() : "\n";
        }

        void close() {
            if (records != null) {
                try {
                    records.close();
                } catch (IOException e) {
                    log.debug("Closing the object stream of {} failed", current, e);
                }
                records = null;
            }
        }
    }
}
