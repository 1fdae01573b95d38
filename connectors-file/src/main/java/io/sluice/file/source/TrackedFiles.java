package io.sluice.file.source;

import io.sluice.file.source.FileSourceConfig.CleanupPolicy;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.OffsetStorageReader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The files one source task reads and what happened to them since the last scan: new files are opened at their
 * committed position; a truncated file is read again; a file renamed to another path that is read too (rotation
 * by rename, app.log to app.log.1) keeps its position there, since its identity is its file key; a file whose
 * path now names another file is read to its end before the new one is opened; finished files get the cleanup
 * policy once every record of theirs is committed.
 */
final class TrackedFiles {

    private static final Logger log = LoggerFactory.getLogger(TrackedFiles.class);
    private static final int MAX_PATH_HISTORIES = 1024;

    private final FileSourceConfig config;
    private final FileDiscovery discovery;
    private final OffsetStorageReader offsets;
    private final int bufferBytes;
    private final long finishedIdleNanos;
    private final CleanupPolicy cleanup;
    /** Files read under their current path. */
    private final Map<Path, TailedFile> files = new LinkedHashMap<>();
    /** Files whose path now names another file or nothing, read to their end before they are let go. */
    private final List<TailedFile> draining = new ArrayList<>();
    /** What poll reads, in order: the files, then the draining ones. */
    private final List<TailedFile> reading = new ArrayList<>();
    /** Open files by file key (by path where the file system has no keys); commitRecord reads it on the producer's thread. */
    private final Map<String, TailedFile> byKey = new ConcurrentHashMap<>();
    private final Set<Path> finished = new HashSet<>();
    /** The history of paths whose file moved away, handed to the next file read under the path. */
    private final Map<Path, String> pathHistories = new LinkedHashMap<>(16, 0.75f, false) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<Path, String> eldest) {
            return size() > MAX_PATH_HISTORIES;
        }
    };

    TrackedFiles(FileSourceConfig config, FileDiscovery discovery, OffsetStorageReader offsets) {
        this.config = config;
        this.discovery = discovery;
        this.offsets = offsets;
        this.bufferBytes = config.getInt(FileSourceConfig.READ_BUFFER_BYTES);
        this.finishedIdleNanos = TimeUnit.MILLISECONDS.toNanos(config.getLong(FileSourceConfig.FINISHED_IDLE_MS));
        this.cleanup = config.cleanupPolicy();
    }

    List<TailedFile> reading() {
        return reading;
    }

    /** The open file a record's offset and partition name: by file key whatever its path, else by path. */
    TailedFile fileOf(Map<String, ?> partition, Map<String, ?> offset) {
        Object key = offset.get(FileSourceTask.FILE_KEY);
        return key == null ? null : byKey.get(trackingId((String) key, (String) partition.get(FileSourceTask.PATH)));
    }

    private static String trackingId(String fileKey, Object path) {
        return fileKey.isEmpty() ? "path:" + path : fileKey;
    }

    /** Looks at every file and the inputs; a finished file's unterminated last line goes to tail. */
    void scan(TailedFile.LineSink tail) throws IOException {
        List<TailedFile> moved = new ArrayList<>(draining);
        draining.clear();
        for (Iterator<TailedFile> it = files.values().iterator(); it.hasNext(); ) {
            TailedFile file = it.next();
            TailedFile.Change change = file.check();
            switch (change) {
                case TRUNCATED, OVERWRITTEN -> file.startOver(change);
                case REPLACED, GONE -> {
                    it.remove();
                    moved.add(file);
                    pathHistories.put(file.path, FileHistory.append(file.history, file.fileKey, file.position(),
                            file.lineNumber()));
                }
                case NONE -> {
                    if (cleanup != CleanupPolicy.NONE && finishIfDone(file, tail)) {
                        it.remove();
                    }
                }
            }
        }
        List<Path> found = discovery.find();
        List<Path> added = new ArrayList<>();
        for (Path path : found) {
            if (!files.containsKey(path) && !finished.contains(path)) {
                added.add(path);
            }
        }
        rehomeRenamed(added, moved);
        Set<Path> drainingPaths = new HashSet<>();
        for (TailedFile file : moved) {
            if (file.fullyRead()) {
                log.info("File {} was {}; it is read to its end", file.path,
                        Files.exists(file.path) ? "replaced by a new file (rotated)" : "removed");
                close(file);
            } else {
                draining.add(file);
                drainingPaths.add(file.path);
            }
        }
        // a path whose old file is still being drained waits, so one source partition never mixes two files
        added.removeAll(drainingPaths);
        if (!added.isEmpty()) {
            open(added);
        }
        finished.retainAll(found);
        reading.clear();
        reading.addAll(files.values());
        reading.addAll(draining);
    }

    /**
     * Finds files renamed to a new path that is read too (rotation by rename): the file keeps being read at its
     * position under that path, which leaves the list of paths to open; its old path's history records it.
     */
    private void rehomeRenamed(List<Path> added, List<TailedFile> moved) throws IOException {
        for (Iterator<Path> it = added.iterator(); it.hasNext(); ) {
            Path path = it.next();
            TailedFile file;
            try {
                String key = FileIdentity.keyOf(path);
                file = key.isEmpty() ? null : byKey.get(key);
            } catch (NoSuchFileException e) {
                continue;
            }
            if (file == null) {
                continue;
            }
            if (!moved.remove(file)) {
                if (stillNamedBy(file)) {
                    continue; // a second name (hard link) of a file still read under its first one
                }
                // renamed after its check in this scan
                files.remove(file.path, file);
                pathHistories.put(file.path, FileHistory.append(file.history, file.fileKey, file.position(),
                        file.lineNumber()));
            }
            it.remove();
            log.info("File {} was renamed to {}; continuing it there at byte {} (line {})", file.path, path,
                    file.position(), file.lineNumber() + 1);
            String history = pathHistories.remove(path);
            file.moveTo(path, partitionOf(path), history == null ? "" : history);
            files.put(path, file);
        }
    }

    private static boolean stillNamedBy(TailedFile file) throws IOException {
        try {
            return file.fileKey.equals(FileIdentity.keyOf(file.path));
        } catch (NoSuchFileException e) {
            return false;
        }
    }

    private static Map<String, Object> partitionOf(Path path) {
        return Map.of(FileSourceTask.PATH, path.toString());
    }

    /**
     * Opens new paths at their committed positions. The position of a file renamed while the task was not
     * running is stored under its old path, as that path's offset or in its history: both are looked up by key.
     */
    private void open(List<Path> paths) throws IOException {
        List<Map<String, Object>> partitions = new ArrayList<>(paths.size());
        for (Path path : paths) {
            partitions.add(partitionOf(path));
        }
        Map<Map<String, Object>, Map<String, Object>> found = offsets.offsets(partitions);
        List<FileSourceOffsets.Stored> stored = new ArrayList<>(paths.size());
        Map<String, long[]> byFileKey = new HashMap<>();
        for (Map<String, Object> partition : partitions) {
            FileSourceOffsets.Stored offset = found == null ? null : readable(partition, found.get(partition));
            stored.add(offset);
            if (offset != null) {
                FileHistory.forEach(offset.history(), (k, p, l) -> remember(byFileKey, k, p, l));
                remember(byFileKey, offset.fileKey(), offset.position(), offset.line());
            }
        }
        for (int i = 0; i < paths.size(); i++) {
            Path path = paths.get(i);
            String key;
            long size;
            try {
                key = FileIdentity.keyOf(path);
                size = Files.size(path);
            } catch (NoSuchFileException e) {
                continue;
            }
            FileSourceOffsets.Stored offset = stored.get(i);
            String history = pathHistories.remove(path);
            if (history == null) {
                history = offset == null ? "" : offset.isOf(key) ? offset.history()
                        : FileHistory.append(offset.history(), offset.fileKey(), offset.position(), offset.line());
            }
            long[] at = null;
            String fingerprint = null;
            if (offset != null && offset.isOf(key)) {
                at = new long[] {offset.position(), offset.line()};
                fingerprint = offset.fingerprint();
            } else if (!key.isEmpty()) {
                at = byFileKey.get(key);
            }
            if (at != null && at[0] > size) {
                log.warn("File {} is shorter than its committed position {}; reading it from the start", path, at[0]);
                at = null;
            }
            long position = at == null ? 0 : at[0];
            long line = at == null ? 0 : at[1];
            TailedFile file = new TailedFile(path, key, partitions.get(i), position, line, bufferBytes);
            if (position > 0 && !file.resumeHead(fingerprint)) {
                file.startOver(TailedFile.Change.OVERWRITTEN);
                position = 0;
                line = 0;
            }
            file.history = history;
            file.parser = parserFor(path, position);
            files.put(path, file);
            byKey.put(trackingId(key, path), file);
            log.info("Reading {} from byte {} (line {})", path, position, line + 1);
        }
    }

    private static void remember(Map<String, long[]> byFileKey, String key, long position, long line) {
        if (key != null && !key.isEmpty()) {
            byFileKey.merge(key, new long[] {position, line}, (a, b) -> a[0] >= b[0] ? a : b);
        }
    }

    /**
     * The stored offset of a partition, or null; an offset the task cannot use (stored by an older version, or
     * written by hand) fails the task saying which and how to mend it, rather than being skipped (the file would be
     * read again from its start) or failing on a cast.
     */
    private FileSourceOffsets.Stored readable(Map<String, Object> partition, Map<String, Object> offset) {
        if (offset == null) {
            return null;
        }
        try {
            return FileSourceOffsets.read(partition, offset);
        } catch (IllegalArgumentException e) {
            throw new ConnectException("The stored offset " + offset + " of partition " + partition + " cannot be used: "
                    + e.getMessage() + ". Stop the connector, then alter (PATCH) or reset (DELETE) its offsets at "
                    + "/connectors/" + config.originalsStrings().getOrDefault("name", "{name}") + "/offsets");
        }
    }

    private LineParser parserFor(Path path, long position) throws IOException {
        LineParser parser = LineParsers.create(config);
        if (parser instanceof CsvLineParser csv && csv.needsHeader() && position > 0) {
            try (var reader = Files.newBufferedReader(path)) {
                String header = reader.readLine();
                if (header != null) {
                    csv.header(header);
                }
            }
        }
        return parser;
    }

    /** Applies the cleanup policy once the file is read, idle and every record of it is committed. */
    private boolean finishIfDone(TailedFile file, TailedFile.LineSink tail) throws IOException {
        if (!file.fullyRead() || file.idleNanos() < finishedIdleNanos) {
            return false;
        }
        if (file.readUnterminatedTail(tail)) {
            return false; // the last line had no terminator: it goes out now, the file is finished after its commit
        }
        if (file.committed.get() < file.emitted) {
            return false;
        }
        close(file);
        finished.add(file.path);
        Path dir = cleanup == CleanupPolicy.DELETE ? null : Path.of(config.getString(FileSourceConfig.FINISHED_PATH));
        try {
            if (dir == null) {
                Files.deleteIfExists(file.path);
                log.info("Deleted finished file {} after its {} records were committed", file.path, file.emitted);
            } else {
                Files.createDirectories(dir);
                Path target = FinishedFileMove.freeTarget(file.path, dir.resolve(file.fileName));
                boolean copied = FinishedFileMove.move(file.path, target);
                log.info("Moved finished file {} to {}{} after its {} records were committed", file.path, target,
                        copied ? " (copied: another file system)" : "", file.emitted);
            }
        } catch (IOException e) {
            // its offset says it was read to the end: a restarted task finishes it without reading it again
            throw new ConnectException("Cannot " + (dir == null ? "delete finished file " + file.path
                    : "move finished file " + file.path + " to " + dir) + " (every record of it is committed): "
                    + e + "; once that is mended, restart the task: the file is not read again", e);
        }
        return true;
    }

    private void close(TailedFile file) {
        byKey.remove(trackingId(file.fileKey, file.path), file);
        try {
            file.close();
        } catch (IOException e) {
            log.warn("Cannot close {}", file.path, e);
        }
    }

    void closeAll() {
        files.values().forEach(this::close);
        draining.forEach(this::close);
        files.clear();
        draining.clear();
        reading.clear();
    }
}
