package io.sluice.s3.sink;

import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The bytes of one object on their way to S3: buffered in chunks counted against the {@link BufferBudget},
 * sent as a single PUT when small, or as multipart parts of s3.part.size while the object is still written.
 * Sending happens on the task's {@link Uploader} threads, in order per object; a buffer handed over keeps
 * its budget reservation until its call ends.
 */
final class ObjectUpload extends OutputStream {

    private static final int CHUNK = 32 * 1024;

    private final S3Client s3;
    private final String bucket;
    private final String uploadingKey;
    private final int partSize;
    private final List<byte[]> chunks = new ArrayList<>();
    private int lastChunkUsed = CHUNK;
    private long buffered;
    private long reserved;
    private long total;
    private final Uploader uploader;
    private int submittedParts;
    private boolean aborted;
    private CompletableFuture<Void> tail = CompletableFuture.completedFuture(null);
    // set and read only by this object's background calls, which run one after the other
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();

    ObjectUpload(S3Client s3, Uploader uploader, String bucket, String uploadingKey, int partSize) {
        this.s3 = s3;
        this.uploader = uploader;
        this.bucket = bucket;
        this.uploadingKey = uploadingKey;
        this.partSize = partSize;
    }

    @Override
    public void write(int b) {
        write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
        while (len > 0) {
            if (lastChunkUsed == CHUNK) {
                chunks.add(new byte[CHUNK]);
                BufferBudget.reserve(CHUNK);
                reserved += CHUNK;
                lastChunkUsed = 0;
            }
            int n = Math.min(len, CHUNK - lastChunkUsed);
            System.arraycopy(b, off, chunks.get(chunks.size() - 1), lastChunkUsed, n);
            lastChunkUsed += n;
            off += n;
            len -= n;
            buffered += n;
            total += n;
        }
        if (buffered >= partSize) {
            uploadPart();
        }
    }

    /** Bytes held in memory. */
    long buffered() {
        return buffered;
    }

    /** Bytes written so far, uploaded or not. */
    long size() {
        return total;
    }

    /** True when the buffer is large enough to be sent as a non-final part, freeing its memory. */
    boolean canUploadPart() {
        return buffered >= S3SinkConfig.MIN_PART_SIZE;
    }

    /** Queues the buffer as the next part of the multipart upload (started by the first part); frees it now. */
    void uploadPart() {
        Snapshot body = detach();
        int number = ++submittedParts;
        tail = uploader.after(tail, body.reserved, () -> {
            if (uploadId == null) {
                uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(uploadingKey)).uploadId();
            }
            String id = uploadId;
            String etag = s3.uploadPart(b -> b.bucket(bucket).key(uploadingKey).uploadId(id).partNumber(number)
                    .contentLength(body.length), body.requestBody()).eTag();
            parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        });
    }

    /**
     * Queues storing everything written under key with metadata (a multipart upload is completed and moved
     * there); the returned stage completes when the object is stored.
     */
    CompletableFuture<Void> complete(String key, Map<String, String> metadata) {
        if (submittedParts == 0) {
            Snapshot body = detach();
            tail = uploader.after(tail, body.reserved, () ->
                    s3.putObject(b -> b.bucket(bucket).key(key).contentLength(body.length).metadata(metadata),
                            body.requestBody()));
            return tail;
        }
        if (buffered > 0) {
            uploadPart();
        }
        tail = uploader.after(tail, 0, () -> {
            String id = uploadId;
            s3.completeMultipartUpload(b -> b.bucket(bucket).key(uploadingKey).uploadId(id)
                    .multipartUpload(m -> m.parts(parts)));
            uploadId = null;
            // the final name carries the last offset, unknown when the upload started: copy within the store
            s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(uploadingKey).destinationBucket(bucket)
                    .destinationKey(key).metadata(metadata).metadataDirective("REPLACE"));
            s3.deleteObject(b -> b.bucket(bucket).key(uploadingKey));
        });
        return tail;
    }

    /** Drops the buffer and, after queued calls, any started multipart upload; safe to call more than once. */
    void abort() {
        releaseBuffer();
        if (submittedParts > 0 && !aborted) {
            aborted = true;
            tail = uploader.finallyAfter(tail, () -> {
                String id = uploadId;
                uploadId = null;
                if (id != null) {
                    // an abandoned upload costs storage until recovery or a lifecycle rule removes it; not data
                    s3.abortMultipartUpload(b -> b.bucket(bucket).key(uploadingKey).uploadId(id));
                }
            });
        }
    }

    /** Hands the buffer and its budget reservation over to a background call. */
    private Snapshot detach() {
        Snapshot snapshot = new Snapshot(List.copyOf(chunks), lastChunkUsed, buffered, reserved);
        chunks.clear();
        lastChunkUsed = CHUNK;
        buffered = 0;
        reserved = 0;
        return snapshot;
    }

    /** Buffered bytes on their way to S3, with the budget they hold until sent. */
    private record Snapshot(List<byte[]> chunks, int last, long length, long reserved) {
        RequestBody requestBody() {
            return RequestBody.fromContentProvider(() -> {
                List<InputStream> streams = new ArrayList<>(chunks.size());
                for (int i = 0; i < chunks.size(); i++) {
                    int len = i == chunks.size() - 1 ? last : CHUNK;
                    streams.add(new ByteArrayInputStream(chunks.get(i), 0, len));
                }
                return new SequenceInputStream(Collections.enumeration(streams));
            }, length, "application/octet-stream");
        }
    }

    private void releaseBuffer() {
        chunks.clear();
        lastChunkUsed = CHUNK;
        buffered = 0;
        BufferBudget.release(reserved);
        reserved = 0;
    }

    @Override
    public void close() {
        // the upload's owner decides between complete() and abort()
    }
}
