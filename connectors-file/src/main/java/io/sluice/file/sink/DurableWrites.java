package io.sluice.file.sink;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/** The two crash-safe file operations of the sink: replace a small file atomically, and make a rename durable. */
final class DurableWrites {

    private DurableWrites() {
    }

    /** Writes content to a temporary file, fsyncs it and renames it over target, so target is never half written. */
    static void replace(Path target, String content) throws IOException {
        Path tmp = target.resolveSibling(target.getFileName() + ".tmp");
        try (FileChannel ch = FileChannel.open(tmp, StandardOpenOption.CREATE, StandardOpenOption.WRITE,
                StandardOpenOption.TRUNCATE_EXISTING)) {
            ByteBuffer bytes = ByteBuffer.wrap(content.getBytes(StandardCharsets.US_ASCII));
            while (bytes.hasRemaining()) {
                ch.write(bytes);
            }
            ch.force(false);
        }
        Files.move(tmp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        syncDirectory(target.getParent());
    }

    /** Renames atomically and makes the rename survive a crash. */
    static void rename(Path from, Path to) throws IOException {
        move(from, to);
        syncDirectory(to.getParent());
    }

    /** Renames atomically; durable only once the directory is synced. On failure nothing moved. */
    static void move(Path from, Path to) throws IOException {
        Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
    }

    /** fsyncs a directory, so the names created or renamed in it are durable. */
    static void syncDirectory(Path dir) throws IOException {
        try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
            ch.force(true);
        }
    }
}
