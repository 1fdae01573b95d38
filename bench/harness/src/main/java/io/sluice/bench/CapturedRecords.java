package io.sluice.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A topic's records as a connector wrote them (key and value bytes, read back from the broker) kept in a file, so a
 * bare producer can write exactly those bytes again: the broker's ceiling for real records, which compress as the
 * connector's do, where ProducerPerformance's random letters do not. A file, not the heap: a full run's JSON snapshot
 * is 1.6 GB, the harness has 1 GB.
 */
final class CapturedRecords {

    /** One record's bytes; a null key stays null. */
    interface Each {
        void accept(byte[] key, byte[] value) throws Exception;
    }

    private static final int BUFFER = 1 << 20;

    private final Path file;
    private final long count;
    private final long bytes;

    private CapturedRecords(Path file, long count, long bytes) {
        this.file = file;
        this.count = count;
        this.bytes = bytes;
    }

    /** Reads the first {@code n} records of partition 0 of {@code topic} into {@code file}; fails with fewer. */
    static CapturedRecords capture(KafkaBroker broker, String topic, long n, Path file) throws IOException {
        long[] totals = new long[2];
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(Files.newOutputStream(file), BUFFER))) {
            broker.readBack(topic, n, (key, value) -> {
                try {
                    write(out, key);
                    write(out, value);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
                totals[0]++;
                totals[1] += (key == null ? 0 : key.length) + (value == null ? 0 : value.length);
            });
        }
        if (totals[0] < n) {
            Files.deleteIfExists(file);
            throw new IllegalStateException("read back " + totals[0] + " of " + n + " records from " + topic);
        }
        return new CapturedRecords(file, totals[0], totals[1]);
    }

    long count() {
        return count;
    }

    /** Mean bytes of key plus value, as produced (before compression). */
    double meanBytes() {
        return (double) bytes / count;
    }

    /** Calls {@code each} for every record, in the topic's order. */
    void forEach(Each each) throws Exception {
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(Files.newInputStream(file), BUFFER))) {
            for (long i = 0; i < count; i++) {
                each.accept(read(in), read(in));
            }
        }
    }

    void delete() throws IOException {
        Files.deleteIfExists(file);
    }

    private static void write(DataOutputStream out, byte[] b) throws IOException {
        out.writeInt(b == null ? -1 : b.length);
        if (b != null) {
            out.write(b);
        }
    }

    private static byte[] read(DataInputStream in) throws IOException {
        int length = in.readInt();
        if (length < 0) {
            return null;
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return b;
    }
}
