package io.sluice.s3.testing;

import java.io.ByteArrayInputStream;
import org.apache.parquet.io.DelegatingSeekableInputStream;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.SeekableInputStream;

/** A Parquet input file over bytes in memory (an object read from the test server). */
public final class BytesInputFile implements InputFile {
    private final byte[] bytes;

    public BytesInputFile(byte[] bytes) {
        this.bytes = bytes;
    }

    @Override
    public long getLength() {
        return bytes.length;
    }

    @Override
    public SeekableInputStream newStream() {
        Seekable in = new Seekable(bytes);
        return new DelegatingSeekableInputStream(in) {
            @Override
            public long getPos() {
                return in.position();
            }

            @Override
            public void seek(long newPos) {
                in.seek((int) newPos);
            }
        };
    }

    private static final class Seekable extends ByteArrayInputStream {
        Seekable(byte[] bytes) {
            super(bytes);
        }

        int position() {
            return pos;
        }

        void seek(int p) {
            pos = p;
        }
    }
}
