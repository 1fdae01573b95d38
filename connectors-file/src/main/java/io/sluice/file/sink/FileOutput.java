package io.sluice.file.sink;

import java.io.Closeable;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/** An append-only file behind a large buffer: writes stay in memory until flush, fsync only on force. */
final class FileOutput implements Closeable {

    private final FileChannel channel;
    private final byte[] buf;
    private int used;
    private long size;

    /** Opens path for appending after its first `keep` bytes (anything beyond is cut off). */
    FileOutput(Path path, long keep, int bufferBytes) throws IOException {
        channel = FileChannel.open(path, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
        if (channel.size() > keep) {
            channel.truncate(keep);
        }
        channel.position(keep);
        size = keep;
        buf = new byte[bufferBytes];
    }

    /** Bytes written, buffered ones included. */
    long size() {
        return size;
    }

    void write(int b) throws IOException {
        if (used == buf.length) {
            flush();
        }
        buf[used++] = (byte) b;
        size++;
    }

    void write(byte[] bytes, int off, int len) throws IOException {
        if (len > buf.length - used) {
            flush();
            if (len > buf.length) {
                writeFully(ByteBuffer.wrap(bytes, off, len));
                size += len;
                return;
            }
        }
        System.arraycopy(bytes, off, buf, used, len);
        used += len;
        size += len;
    }

    void write(byte[] bytes) throws IOException {
        write(bytes, 0, bytes.length);
    }

    /** Hands buffered bytes to the operating system. */
    void flush() throws IOException {
        if (used > 0) {
            writeFully(ByteBuffer.wrap(buf, 0, used));
            used = 0;
        }
    }

    /** Flushes, then makes everything written durable. */
    void force() throws IOException {
        flush();
        channel.force(false);
    }

    private void writeFully(ByteBuffer bb) throws IOException {
        while (bb.hasRemaining()) {
            channel.write(bb);
        }
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }
}
