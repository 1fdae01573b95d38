package io.sluice.s3.sink;

import io.sluice.s3.S3SinkConfig;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.SequenceInputStream;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import software.amazon.awssdk.core.sync.RequestBody;
import software.amazon.awssdk.services.s3.S3Client;
import software.amazon.awssdk.services.s3.model.CompletedPart;

/**
 * The bytes of one object on their way to S3: buffered in chunks counted against the {@link BufferBudget},
 * sent as a single PUT when small, or as multipart parts of s3.part.size while the object is still written.
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
    private String uploadId;
    private final List<CompletedPart> parts = new ArrayList<>();

    ObjectUpload(S3Client s3, String bucket, String uploadingKey, int partSize) {
        this.s3 = s3;
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

    /** Sends the buffer as the next part of the multipart upload, starting the upload if needed. */
    void uploadPart() {
        if (uploadId == null) {
            uploadId = s3.createMultipartUpload(b -> b.bucket(bucket).key(uploadingKey)).uploadId();
        }
        int number = parts.size() + 1;
        String etag = s3.uploadPart(b -> b.bucket(bucket).key(uploadingKey).uploadId(uploadId).partNumber(number)
                .contentLength(buffered), body()).eTag();
        parts.add(CompletedPart.builder().partNumber(number).eTag(etag).build());
        releaseBuffer();
    }

    /** Stores everything written under key with metadata; a multipart upload is completed and moved there. */
    void complete(String key, Map<String, String> metadata) {
        if (uploadId == null) {
            s3.putObject(b -> b.bucket(bucket).key(key).contentLength(buffered).metadata(metadata), body());
            releaseBuffer();
            return;
        }
        if (buffered > 0) {
            uploadPart();
        }
        s3.completeMultipartUpload(b -> b.bucket(bucket).key(uploadingKey).uploadId(uploadId)
                .multipartUpload(m -> m.parts(parts)));
        uploadId = null;
        // the final name carries the last offset, unknown when the upload started: copy within the store
        s3.copyObject(b -> b.sourceBucket(bucket).sourceKey(uploadingKey).destinationBucket(bucket)
                .destinationKey(key).metadata(metadata).metadataDirective("REPLACE"));
        s3.deleteObject(b -> b.bucket(bucket).key(uploadingKey));
    }

    /** Drops the buffer and any started multipart upload; safe to call more than once. */
    void abort() {
        releaseBuffer();
        if (uploadId != null) {
            String id = uploadId;
            uploadId = null;
            try {
                s3.abortMultipartUpload(b -> b.bucket(bucket).key(uploadingKey).uploadId(id));
            } catch (RuntimeException e) {
                // an abandoned upload costs storage until the bucket's lifecycle rule removes it; not data
            }
        }
    }

    private RequestBody body() {
        List<byte[]> snapshot = List.copyOf(chunks);
        int last = lastChunkUsed;
        long length = buffered;
        return RequestBody.fromContentProvider(() -> {
            List<InputStream> streams = new ArrayList<>(snapshot.size());
            for (int i = 0; i < snapshot.size(); i++) {
                int len = i == snapshot.size() - 1 ? last : CHUNK;
                streams.add(new ByteArrayInputStream(snapshot.get(i), 0, len));
            }
            return new SequenceInputStream(Collections.enumeration(streams));
        }, length, "application/octet-stream");
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
