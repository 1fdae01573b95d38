package io.sluice.s3.source;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.Closeable;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPInputStream;

/** The records of one object as byte sequences: lines, separator-delimited chunks or the whole object. */
final class ObjectRecords implements Closeable {

    private final InputStream in;
    private final byte[] separator;
    private boolean eof;

    ObjectRecords(InputStream raw, String key, String separator) throws IOException {
        InputStream buffered = new BufferedInputStream(raw, 64 * 1024);
        this.in = key.endsWith(".gz") ? new BufferedInputStream(new GZIPInputStream(buffered, 64 * 1024)) : buffered;
        this.separator = separator.getBytes(StandardCharsets.UTF_8);
    }

    /** The next record's bytes, or null at the end of the object. */
    byte[] next() throws IOException {
        if (eof) {
            return null;
        }
        if (separator.length == 0) {
            eof = true;
            return in.readAllBytes();
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(256);
        int matched = 0;
        while (true) {
            int b = in.read();
            if (b < 0) {
                eof = true;
                out.write(separator, 0, matched);
                return out.size() == 0 ? null : out.toByteArray();
            }
            if (b == (separator[matched] & 0xff)) {
                matched++;
                if (matched == separator.length) {
                    return out.toByteArray();
                }
            } else {
                out.write(separator, 0, matched);
                matched = 0;
                if (b == (separator[0] & 0xff)) {
                    matched = 1;
                    if (matched == separator.length) {
                        return out.toByteArray();
                    }
                } else {
                    out.write(b);
                }
            }
        }
    }

    @Override
    public void close() throws IOException {
        in.close();
    }
}
