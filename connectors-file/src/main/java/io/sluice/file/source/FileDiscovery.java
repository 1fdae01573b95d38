package io.sluice.file.source;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Finds the files a task reads: one file, the files matching a glob, or the files of a directory whose
 * names match a pattern; each file belongs to exactly one task, chosen by a hash of its directory and name stem.
 */
final class FileDiscovery {

    private final Path single;
    private final Path base;
    private final PathMatcher globMatcher;
    private final int globDepth;
    private final Pattern namePattern;
    private final Path excluded;
    private final int taskIndex;
    private final int taskCount;

    FileDiscovery(FileSourceConfig config, int taskIndex, int taskCount) {
        this.taskIndex = taskIndex;
        this.taskCount = taskCount;
        String finished = config.getString(FileSourceConfig.FINISHED_PATH);
        this.excluded = finished.isEmpty() ? null : Path.of(finished).toAbsolutePath().normalize();
        String file = config.file();
        if (!file.isEmpty()) {
            Path path = Path.of(file).toAbsolutePath().normalize();
            if (isGlob(file)) {
                this.single = null;
                this.base = globBase(path);
                this.globMatcher = FileSystems.getDefault().getPathMatcher("glob:" + path);
                this.globDepth = path.toString().contains("**") ? Integer.MAX_VALUE : base.relativize(path).getNameCount();
            } else {
                this.single = path;
                this.base = null;
                this.globMatcher = null;
                this.globDepth = 0;
            }
            this.namePattern = null;
        } else {
            this.single = null;
            this.base = Path.of(config.inputPath()).toAbsolutePath().normalize();
            this.globMatcher = null;
            this.globDepth = 1;
            this.namePattern = Pattern.compile(config.getString(FileSourceConfig.INPUT_FILE_PATTERN));
        }
    }

    /** The directory the files of file (a file or glob) or inputPath are found in, absolute. */
    static Path inputDirectory(String file, String inputPath) {
        if (file.isEmpty()) {
            return Path.of(inputPath).toAbsolutePath().normalize();
        }
        Path path = Path.of(file).toAbsolutePath().normalize();
        return isGlob(file) ? globBase(path) : path.getParent();
    }

    static boolean isGlob(String file) {
        return file.indexOf('*') >= 0 || file.indexOf('?') >= 0 || file.indexOf('[') >= 0 || file.indexOf('{') >= 0;
    }

    /** Whether the inputs name a single file (then one task is all that can work). */
    boolean isSingleFile() {
        return single != null;
    }

    /** Whether the inputs name this absolute, normalized path (whichever task's share it is in). */
    boolean reads(Path path) {
        if (single != null) {
            return single.equals(path);
        }
        return matches(path) && (globMatcher != null || base.equals(path.getParent()));
    }

    /** The existing files of this task, sorted by path. */
    List<Path> find() throws IOException {
        if (single != null) {
            return Files.isRegularFile(single) && mine(single) ? List.of(single) : List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> paths = Files.walk(base, globDepth)) {
            paths.forEach(p -> {
                if (matches(p) && mine(p) && Files.isRegularFile(p)) {
                    found.add(p);
                }
            });
        } catch (NoSuchFileException e) {
            return List.of();
        } catch (UncheckedIOException e) {
            // a file or directory vanished while walking: the next scan sees the new state
            return found;
        }
        found.sort(null);
        return found;
    }

    private boolean matches(Path p) {
        if (excluded != null && p.startsWith(excluded)) {
            return false;
        }
        if (globMatcher != null) {
            return globMatcher.matches(p);
        }
        Path name = p.getFileName();
        return !p.equals(base) && name != null && !name.toString().startsWith(".")
                && namePattern.matcher(name.toString()).matches();
    }

    /**
     * Whether a file belongs to this task: by a hash of its directory and its name up to the first dot, so a log
     * and its copies rotated by rename (app.log, app.log.1, app.1.log) stay with one task, which recognises them.
     */
    private boolean mine(Path p) {
        if (taskCount <= 1) {
            return true;
        }
        String name = p.getFileName().toString();
        int dot = name.indexOf('.', 1);
        String stem = dot < 0 ? name : name.substring(0, dot);
        return Math.floorMod(Objects.hash(String.valueOf(p.getParent()), stem), taskCount) == taskIndex;
    }

    /** The deepest directory of a glob path with no glob characters. */
    private static Path globBase(Path globPath) {
        Path base = globPath.getRoot();
        for (Path part : globPath) {
            if (isGlob(part.toString())) {
                break;
            }
            base = base == null ? part : base.resolve(part);
        }
        return base;
    }
}
