package io.sluice.s3.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;

/**
 * An object's body that fails, rather than ends, when the store closes the connection before the object's
 * Content-Length bytes came: the HTTP client ends such a stream as if the object were complete, and the source took
 * the first half of each object for the whole and lost the rest (tryout19, a proxy cutting each body in half).
 * A read that waits long for its next bytes is said while it waits (see {@link StalledDownloads}).
 */
final class LengthCheckedStream extends FilterInputStream {
    private final long expected;
    private final String object;
    private final long readTimeoutMs;
    private final StalledDownloads stalls;
    private volatile long received;
    /** When the read in progress began (System.nanoTime), 0 when none is; and whether its stall was said. */
    private volatile long readingSince;
    private volatile boolean stallSaid;

    /**
     * @param expected      the object's Content-Length, or a negative number when the store did not say (nothing
     *                      checked)
     * @param object        the object as s3://bucket/key, for the messages
     * @param readTimeoutMs how long the HTTP client waits for the next bytes of the body, for the stall message
     * @param stalls        the task's watch of reads that wait long
     */
    LengthCheckedStream(InputStream body, long expected, String object, long readTimeoutMs, StalledDownloads stalls) {
        super(body);
        this.expected = expected;
        this.object = object;
        this.readTimeoutMs = readTimeoutMs;
        this.stalls = stalls;
        stalls.watch(this);
    }

    @Override
    public int read() throws IOException {
        int b;
        reading();
        try {
            b = super.read();
        } finally {
            readingSince = 0;
        }
        if (b < 0) {
            endReached();
        } else {
            received++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n;
        reading();
        try {
            n = super.read(buffer, offset, length);
        } finally {
            readingSince = 0;
        }
        if (n < 0) {
            endReached();
        } else {
            received += n;
        }
        return n;
    }

    private void reading() {
        stallSaid = false;
        readingSince = System.nanoTime();
    }

    /** Logs, once per read, a read that has waited past {@link StalledDownloads#warnAfterMs} for a byte. */
    void sayIfStalled(long nowNanos, Logger log) {
        long since = readingSince;
        if (since == 0 || stallSaid) {
            return;
        }
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(nowNanos - since);
        if (waitedMs >= StalledDownloads.warnAfterMs(readTimeoutMs)) {
            stallSaid = true;
            log.warn("Download of {} has delivered no byte for {} s ({} of {} bytes so far); waiting for the store up "
                    + "to s3.request.timeout.ms={} ms, then it is read again from the last record taken. A store or "
                    + "network path to store.url that holds connections open without sending stalls it like this",
                    object, waitedMs / 1000, received, expected < 0 ? "?" : expected, readTimeoutMs);
        }
    }

    @Override
    public void close() throws IOException {
        stalls.forget(this);
        super.close();
    }

    @Override
    public String toString() {
        return object;
    }

    @Override
    public long skip(long n) throws IOException {
        long skipped = super.skip(n);
        received += skipped;
        return skipped;
    }

    private void endReached() throws Truncated {
        if (expected >= 0 && received < expected) {
            throw new Truncated(object + " ended after " + received + " of its " + expected
                    + " bytes: the store closed the connection early");
        }
    }

    /** The body ended before its Content-Length: the connection was cut, the object is not shorter. */
    static final class Truncated extends IOException {
        Truncated(String message) {
            super(message);
        }
    }
}
