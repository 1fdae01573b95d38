package io.sluice.file.source;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Moves a finished file into {@code finished.path} as {@code mv} does: a rename where one file system holds both, else
 * a copy to a temporary name inside the target directory, fsynced and renamed into place there, then the original
 * deleted. A crash between any two steps leaves the original where it was (its offset says it is read to its end, so a
 * restarted task moves it again without reading it) and never a partial file under the final name.
 */
final class FinishedFileMove {

    private static final Logger log = LoggerFactory.getLogger(FinishedFileMove.class);

    /** Suffix of the copy being written; a leftover of a crash is overwritten by the next move of that file. */
    static final String COPYING_SUFFIX = ".sluice-copying";

    private FinishedFileMove() {
    }

    /** Moves {@code source} to {@code target}, replacing what is there; returns whether it had to copy. */
    static boolean move(Path source, Path target) throws IOException {
        try {
            Files.move(source, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            return false;
        } catch (AtomicMoveNotSupportedException crossDevice) {
            log.debug("{} and {} are on different file systems ({}); copying", source, target,
                    crossDevice.getMessage());
        }
        Path dir = target.toAbsolutePath().getParent();
        // a hidden name in the target directory, so the last step is a rename within one file system
        Path copy = dir.resolve("." + target.getFileName() + COPYING_SUFFIX);
        Files.copy(source, copy, StandardCopyOption.REPLACE_EXISTING);
        try (FileChannel channel = FileChannel.open(copy, StandardOpenOption.WRITE)) {
            channel.force(true);
        }
        Files.move(copy, target, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        syncDirectory(dir);
        Files.delete(source);
        return true;
    }

    /**
     * Where a finished file goes in its directory: under its own name, unless a different file holds that name there
     * (an input that reuses names: each day's {@code app.log}), then {@code name.1}, {@code name.2}... so an earlier
     * finished file is never replaced (tryout22). A file there with the same bytes is this one's own complete copy,
     * left by a crash before the original was deleted: it is the target, and the move completes.
     */
    static Path freeTarget(Path source, Path target) throws IOException {
        Path candidate = target;
        for (int n = 1; Files.exists(candidate, java.nio.file.LinkOption.NOFOLLOW_LINKS)
                && Files.mismatch(source, candidate) != -1L; n++) {
            candidate = target.resolveSibling(target.getFileName() + "." + n);
        }
        return candidate;
    }

    /** Makes the rename durable before the original goes; file systems that cannot sync a directory are let be. */
    private static void syncDirectory(Path dir) {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ)) {
            channel.force(true);
        } catch (IOException e) {
            log.debug("Cannot fsync directory {}: {}", dir, e.toString());
        }
    }
}
