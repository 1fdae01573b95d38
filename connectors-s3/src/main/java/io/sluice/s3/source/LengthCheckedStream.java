package io.sluice.s3.source;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * An object's body that fails, rather than ends, when the store closes the connection before the object's
 * Content-Length bytes came: the HTTP client ends such a stream as if the object were complete, and the source took
 * the first half of each object for the whole and lost the rest (tryout19, a proxy cutting each body in half).
 */
final class LengthCheckedStream extends FilterInputStream {
    private final long expected;
    private final String object;
    private long received;

    /**
     * @param expected the object's Content-Length, or a negative number when the store did not say (nothing checked)
     * @param object   the object as s3://bucket/key, for the message
     */
    LengthCheckedStream(InputStream body, long expected, String object) {
        super(body);
        this.expected = expected;
        this.object = object;
    }

    @Override
    public int read() throws IOException {
        int b = super.read();
        if (b < 0) {
            endReached();
        } else {
            received++;
        }
        return b;
    }

    @Override
    public int read(byte[] buffer, int offset, int length) throws IOException {
        int n = super.read(buffer, offset, length);
        if (n < 0) {
            endReached();
        } else {
            received += n;
        }
        return n;
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
