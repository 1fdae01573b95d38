package io.sluice.file.source;

import java.io.Closeable;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.zip.CRC32C;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One file being read line by line from a byte position, with large positional reads into a reused
 * buffer: lines are handed out as slices of that buffer, and the position after each line is its offset.
 * Only complete lines (ending in \n) are handed out, so a line still being written is read once finished.
 *
 * <p>The buffer is sized by need: it starts at {@link #INITIAL_BUFFER} bytes, doubles while reads fill it (up to
 * read.buffer.bytes, or beyond for a longer line), and shrinks back once the file is read to its end. A
 * thousand files tailed at their end then hold 8 KiB each, not a thousand times read.buffer.bytes.
 *
 * <p>The file's first bytes read ({@link #HEAD_BYTES} at most) are its fingerprint, kept in each line's offset: a
 * file truncated and written again in place (logrotate's copytruncate) may have grown past the read position
 * before it is looked at, and only its first bytes then tell that it is no longer the content that was read.
 */
final class TailedFile implements Closeable {

    /** Receives each line read: its bytes (no terminator), the position after it and its 1-based number. */
    interface LineSink {
        void line(TailedFile file, byte[] buf, int off, int len, long nextPosition, long lineNumber);
    }

    private static final Logger log = LoggerFactory.getLogger(TailedFile.class);

    /** The most bytes of a file's start its fingerprint covers. */
    static final int HEAD_BYTES = 1024;
    /** The buffer of a file with nothing to read. */
    static final int INITIAL_BUFFER = 8 * 1024;
    private static final VarHandle LONGS = MethodHandles.byteArrayViewVarHandle(long[].class, ByteOrder.LITTLE_ENDIAN);
    private static final long NEWLINES = 0x0A0A0A0A0A0A0A0AL;

    /** What a check of the path found. */
    enum Change { NONE, TRUNCATED, OVERWRITTEN, REPLACED, GONE }

    /** Where the file is read from now; changes when the file is renamed to another path that is read too. */
    Path path;
    final String fileKey;
    /** The source partition of its records: the path it is read under. */
    Map<String, Object> partition;
    String fileName;
    /** The files this path named before, with the position each was read to (see FileHistory). */
    String history = "";
    /** Records handed out; only the task thread touches it. */
    long emitted;
    /** The line parser of this file (CSV parsers keep the file's header). */
    LineParser parser;
    /** Lines read with U+FFFD in place of invalid bytes (encoding.errors=replace); only the task thread touches it. */
    long replacedLines;
    final AtomicLong committed = new AtomicLong();
    private final FileChannel channel;
    /** The most bytes one read asks for (read.buffer.bytes), unless a longer line needs more. */
    private final int readBytes;
    private byte[] buf;
    private boolean lastReadFull;
    private int start;
    private int limit;
    private int scanFrom;
    private long position;
    private long readPosition;
    private long lineNumber;
    private boolean atEnd;
    private long lastProgressNanos = System.nanoTime();
    /** The hash of the file's first headLength bytes, headLength = min(position, HEAD_BYTES). */
    private final CRC32C head = new CRC32C();
    private int headLength;
    /** headLength and the hash as the offset holds them; "" before a byte is read. */
    private String fingerprint = "";

    TailedFile(Path path, String fileKey, Map<String, Object> partition, long position, long lineNumber,
               int bufferBytes) throws IOException {
        this.path = path;
        this.fileKey = fileKey;
        this.partition = partition;
        this.fileName = path.getFileName().toString();
        this.channel = FileChannel.open(path, StandardOpenOption.READ);
        this.readBytes = bufferBytes;
        this.buf = new byte[Math.min(bufferBytes, INITIAL_BUFFER)];
        this.position = position;
        this.readPosition = position;
        this.lineNumber = lineNumber;
    }

    /** Continues reading under another path (the file was renamed to it) and that path's source partition. */
    void moveTo(Path newPath, Map<String, Object> newPartition, String newHistory) {
        path = newPath;
        partition = newPartition;
        fileName = newPath.getFileName().toString();
        history = newHistory;
    }

    long position() {
        return position;
    }

    long lineNumber() {
        return lineNumber;
    }

    /** The bytes its buffer holds now (the memory the file costs while open). */
    int bufferSize() {
        return buf.length;
    }

    /** True when the last read found no more data. */
    boolean atEnd() {
        return atEnd;
    }

    long idleNanos() {
        return System.nanoTime() - lastProgressNanos;
    }

    /** Reads up to max complete lines into sink; returns how many. */
    int read(int max, LineSink sink) throws IOException {
        int n = 0;
        byte[] b = buf;
        while (n < max) {
            int nl = indexOfNewline(b, scanFrom, limit);
            if (nl < 0) {
                scanFrom = limit;
                if (!fill()) {
                    break;
                }
                b = buf;
                continue;
            }
            int end = nl > start && b[nl - 1] == '\r' ? nl - 1 : nl;
            long next = position + (nl + 1 - start);
            if (position < HEAD_BYTES) {
                addHead(b, start, nl + 1 - start);
            }
            lineNumber++;
            sink.line(this, b, start, end - start, next, lineNumber);
            position = next;
            start = nl + 1;
            scanFrom = start;
            n++;
        }
        if (n > 0) {
            lastProgressNanos = System.nanoTime();
        }
        return n;
    }

    /**
     * The index of the first '\n' in b[from, to), or -1: eight bytes at a time (the zero-byte test of "Bit
     * Twiddling Hacks" on the bytes xor '\n'), since finding line ends is most of the reading cost.
     */
    static int indexOfNewline(byte[] b, int from, int to) {
        int i = from;
        for (; i + Long.BYTES <= to; i += Long.BYTES) {
            long x = (long) LONGS.get(b, i) ^ NEWLINES;
            long found = (x - 0x0101010101010101L) & ~x & 0x8080808080808080L;
            if (found != 0) {
                // the lowest flagged byte is a true match: false positives only occur above a match
                return i + (Long.numberOfTrailingZeros(found) >>> 3);
            }
        }
        for (; i < to; i++) {
            if (b[i] == '\n') {
                return i;
            }
        }
        return -1;
    }

    /** Hands out a last line that has no terminator (used when a file is finished); returns whether there was one. */
    boolean readUnterminatedTail(LineSink sink) throws IOException {
        while (fill()) {
            // read everything left
        }
        if (limit == start) {
            return false;
        }
        long next = position + (limit - start);
        if (position < HEAD_BYTES) {
            addHead(buf, start, limit - start);
        }
        lineNumber++;
        sink.line(this, buf, start, limit - start, next, lineNumber);
        position = next;
        start = limit;
        scanFrom = limit;
        return true;
    }

    /** Moves unread bytes to the buffer start (growing it for a line longer than the buffer), then reads more. */
    private boolean fill() throws IOException {
        if (start > 0) {
            int remaining = limit - start;
            System.arraycopy(buf, start, buf, 0, remaining);
            scanFrom -= start;
            limit = remaining;
            start = 0;
        }
        if (limit == buf.length || (lastReadFull && buf.length < readBytes)) {
            // a line longer than the buffer, or a file with more to read than the last read took
            buf = java.util.Arrays.copyOf(buf, limit == buf.length ? buf.length * 2 : Math.min(readBytes, buf.length * 2));
        }
        // a file read to its end that has grown may have been rewritten in place past the old position meanwhile
        boolean resumed = atEnd && headLength > 0;
        int free = buf.length - limit;
        int read = channel.read(ByteBuffer.wrap(buf, limit, free), readPosition);
        if (read <= 0) {
            return nothingMore();
        }
        if (resumed && headChanged()) {
            startOver(Change.OVERWRITTEN); // what was just read is dropped: the next fill reads from the start
            return true;
        }
        atEnd = false;
        lastReadFull = read == free;
        limit += read;
        readPosition += read;
        return true;
    }

    private boolean nothingMore() {
        atEnd = true;
        lastReadFull = false;
        if (start == limit && buf.length > INITIAL_BUFFER) {
            buf = new byte[INITIAL_BUFFER]; // read to its end: an idle file keeps a small buffer
            start = 0;
            limit = 0;
            scanFrom = 0;
        }
        return false;
    }

    /** Adds the part of bytes [off, off + len), which begin at position, that lies in the file's first HEAD_BYTES. */
    private void addHead(byte[] b, int off, int len) {
        int n = (int) Math.min(len, HEAD_BYTES - position);
        head.update(b, off, n);
        headLength += n;
        fingerprint = headLength + ":" + Long.toHexString(head.getValue());
    }

    /** The fingerprint of the bytes read up to the position: their count and hash, as a line's offset holds it. */
    String fingerprint() {
        return fingerprint;
    }

    /**
     * Takes the fingerprint of the bytes before the position (this file was opened there), from the file; false when
     * the file's start is not what stored (a fingerprint kept in an offset; null for an offset without one, written
     * by an older version or by hand) says, or the file is shorter than the position.
     */
    boolean resumeHead(String stored) throws IOException {
        int n = (int) Math.min(position, HEAD_BYTES);
        byte[] bytes = readHead(n);
        if (bytes == null) {
            return false;
        }
        head.reset();
        headLength = 0;
        long at = position;
        position = 0; // addHead counts from the file's start
        addHead(bytes, 0, n);
        position = at;
        return stored == null || stored.equals(fingerprint);
    }

    /** Whether the file's first headLength bytes are not those read (a file truncated and written again). */
    private boolean headChanged() throws IOException {
        if (headLength == 0) {
            return false;
        }
        byte[] bytes = readHead(headLength);
        if (bytes == null) {
            return true;
        }
        CRC32C now = new CRC32C();
        now.update(bytes, 0, headLength);
        return now.getValue() != head.getValue();
    }

    /** The file's first n bytes, or null when it has fewer. */
    private byte[] readHead(int n) throws IOException {
        byte[] bytes = new byte[n];
        ByteBuffer into = ByteBuffer.wrap(bytes);
        while (into.hasRemaining()) {
            if (channel.read(into, into.position()) <= 0) {
                return null;
            }
        }
        return bytes;
    }

    /**
     * Compares the path with the open file: truncated below the read position, rewritten in place (its first bytes
     * differ from those read), replaced by another file, gone.
     */
    Change check() throws IOException {
        String currentKey;
        try {
            currentKey = FileIdentity.keyOf(path);
        } catch (NoSuchFileException e) {
            return Change.GONE;
        }
        if (!currentKey.equals(fileKey)) {
            return Change.REPLACED;
        }
        return channel.size() < readPosition ? Change.TRUNCATED : headChanged() ? Change.OVERWRITTEN : Change.NONE;
    }

    /** Reads the file again from its start after a truncation or a rewrite in place, saying why. */
    void startOver(Change change) {
        if (change == Change.TRUNCATED) {
            log.warn("File {} was truncated; reading it again from the start", path);
        } else {
            log.info("File {} no longer begins with the {} bytes read from it (truncated and written again in place, "
                    + "e.g. by logrotate's copytruncate); reading it again from the start instead of at byte {}",
                    path, headLength, position);
        }
        rewind();
    }

    /** Starts again from the first byte. */
    void rewind() {
        start = 0;
        limit = 0;
        scanFrom = 0;
        position = 0;
        readPosition = 0;
        lineNumber = 0;
        atEnd = false;
        head.reset();
        headLength = 0;
        fingerprint = "";
        if (parser != null) {
            parser.fileStartsOver();
        }
    }

    /** True when everything read so far has been read to the file's current end. */
    boolean fullyRead() throws IOException {
        return atEnd && channel.size() == readPosition;
    }

    @Override
    public void close() throws IOException {
        channel.close();
    }

    @Override
    public String toString() {
        return path.toString();
    }
}
