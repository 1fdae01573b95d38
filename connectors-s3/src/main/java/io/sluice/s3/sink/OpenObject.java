package io.sluice.s3.sink;

import io.sluice.s3.format.RecordFormat;
import io.sluice.s3.format.RecordWriter;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.zip.GZIPOutputStream;
import org.apache.kafka.connect.sink.SinkRecord;

/** An object being written: its records so far, its first and last offsets, and its upload. */
final class OpenObject {

    final String path;
    final long start;
    final long openedAtMs;
    final long scheduledRotationMs;
    private final ObjectUpload upload;
    private final GZIPOutputStream gzip;
    private final RecordWriter writer;
    private long end;
    private int count;
    private Long firstTimestamp;
    /** What the format holds beyond the upload buffer (a Parquet row group), as reserved in the budget. */
    private long formatReserved;

    OpenObject(String path, long start, ObjectUpload upload, RecordFormat format, boolean gzip,
               long openedAtMs, long scheduledRotationMs) {
        this.path = path;
        this.start = start;
        this.end = start;
        this.upload = upload;
        this.openedAtMs = openedAtMs;
        this.scheduledRotationMs = scheduledRotationMs;
        try {
            this.gzip = gzip ? new GZIPOutputStream(upload, 64 * 1024) : null;
            OutputStream target = this.gzip != null ? this.gzip : upload;
            this.writer = format.open(target);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Whether record fits this object's format (same schema); if not, the object is completed first. */
    boolean accepts(SinkRecord record) {
        return writer.accepts(record);
    }

    void append(SinkRecord record, Long timestamp) throws IOException {
        writer.write(record);
        long held = writer.bufferedBytes();
        if (held != formatReserved) {
            BufferBudget.reserve(held - formatReserved);
            formatReserved = held;
        }
        end = record.kafkaOffset();
        if (count++ == 0) {
            firstTimestamp = timestamp;
        }
    }

    int count() {
        return count;
    }

    long end() {
        return end;
    }

    Long firstTimestamp() {
        return firstTimestamp;
    }

    long buffered() {
        return upload.buffered() + formatReserved;
    }

    long size() {
        return upload.size();
    }

    /** Frees memory without ending the object (sends a multipart part) if the buffer is big enough. */
    boolean tryUploadPart() {
        if (!upload.canUploadPart()) {
            return false;
        }
        upload.uploadPart();
        return true;
    }

    /** Finishes the format and compression and queues storing the object under key; the stage says when stored. */
    CompletableFuture<Void> complete(String key, Map<String, String> metadata) throws IOException {
        writer.finish();
        releaseFormat();
        if (gzip != null) {
            gzip.finish();
            gzip.close(); // ends the Deflater's native memory; the upload ignores close
        }
        return upload.complete(key, metadata);
    }

    private void releaseFormat() {
        BufferBudget.release(formatReserved);
        formatReserved = 0;
    }

    void abort() {
        writer.abort();
        releaseFormat();
        if (gzip != null) {
            try {
                gzip.close();
            } catch (IOException e) {
                // closing an in-memory stream cannot fail in a way that matters: it is dropped
            }
        }
        upload.abort();
    }
}
