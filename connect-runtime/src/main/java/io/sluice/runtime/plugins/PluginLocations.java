package io.sluice.runtime.plugins;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitOption;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns plugin.path entries into plugin locations, as Apache does: each child of an entry directory
 * is one plugin (a sub-directory with all its jars and classes, or a single jar); an entry that is
 * itself a jar, or a class directory (top-level .class files or a META-INF folder), is one plugin.
 */
final class PluginLocations {

    private static final Logger log = LoggerFactory.getLogger(PluginLocations.class);
    private static final int MAX_DEPTH = 16;

    private PluginLocations() {
    }

    /**
     * Warns, once at start, about plugin.path entries that can hold no plugin: a missing entry is most often a typo
     * (Apache logs it as an error and ignores it; here it is watched, so plugins copied there later are loaded).
     */
    static void warnAboutMissingEntries(List<Path> pluginPath) {
        for (Path entry : pluginPath) {
            Path abs = entry.toAbsolutePath().normalize();
            if (!Files.exists(abs)) {
                log.warn("plugin.path entry {} does not exist: no plugins are loaded from it until it is created "
                        + "(the worker watches it)", abs);
            } else if (!Files.isDirectory(abs) && !isArchive(abs)) {
                log.warn("plugin.path entry {} is neither a directory nor a jar or zip: no plugins are loaded from it", abs);
            }
        }
    }

    /** The plugin locations currently on the plugin path, in a stable order. */
    static List<Path> of(List<Path> pluginPath) {
        List<Path> locations = new ArrayList<>();
        for (Path entry : pluginPath) {
            Path abs = entry.toAbsolutePath().normalize();
            if (isArchive(abs) && Files.isRegularFile(abs)) {
                locations.add(abs);
            } else if (Files.isDirectory(abs)) {
                if (isClassRoot(abs)) {
                    locations.add(abs);
                    continue;
                }
                try (Stream<Path> children = Files.list(abs)) {
                    children.filter(PluginLocations::isPluginCandidate).sorted().forEach(locations::add);
                } catch (IOException | UncheckedIOException e) {
                    log.warn("Could not list plugin path entry {}: {}", abs, e.toString());
                }
            } else {
                log.debug("Plugin path entry {} does not exist or is not a directory or jar; ignoring it", abs);
            }
        }
        return locations;
    }

    /** The class path of one plugin: every jar under it, or the location itself when it holds only classes. */
    static List<Path> classPath(Path location) throws IOException {
        if (isArchive(location)) {
            return List.of(location);
        }
        TreeSet<Path> archives = new TreeSet<>();
        boolean hasClasses = false;
        try (Stream<Path> files = Files.walk(location, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                if (isArchive(file) && Files.isRegularFile(file)) {
                    archives.add(file);
                } else if (file.toString().endsWith(".class")) {
                    hasClasses = true;
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        if (hasClasses && archives.isEmpty()) {
            return List.of(location);
        }
        if (hasClasses) {
            log.warn("Plugin {} holds both jars and loose class files; only the jars are used", location);
        }
        return List.copyOf(archives);
    }

    /**
     * A cheap summary of a location's content (names, sizes, modification times) that changes whenever a
     * file is added, removed or still being written.
     */
    static String fingerprint(Path location) throws IOException {
        String summary = contentSummary(location);
        return summary.length() + "#" + summary.hashCode();
    }

    /**
     * A file's size, modification time and, where the file system has one, its status change time (ctime): a jar
     * copied over another with the same size and a preserved mtime (cp -p, rsync, tar) still changes its ctime, which
     * no tool can set, so the index never serves the old jar's plugins for the new one.
     */
    private static String stamp(Path file, BasicFileAttributes attrs) {
        String stamp = attrs.size() + "@" + attrs.lastModifiedTime().to(TimeUnit.NANOSECONDS);
        try {
            Object ctime = Files.getAttribute(file, "unix:ctime");
            if (ctime instanceof FileTime changed) {
                stamp += "/" + changed.to(TimeUnit.NANOSECONDS);
            }
        } catch (UnsupportedOperationException | IllegalArgumentException | IOException e) {
            // no unix view (another platform): size and mtime alone, as documented
        }
        return stamp;
    }

    /**
     * Every file under a location with its size and times (the location's own for a jar): what the plugin
     * index keys a location's plugins on, so that any change to its files scans it again.
     */
    static String contentSummary(Path location) throws IOException {
        if (!Files.isDirectory(location)) {
            return stamp(location, Files.readAttributes(location, BasicFileAttributes.class));
        }
        StringBuilder summary = new StringBuilder();
        try (Stream<Path> files = Files.walk(location, MAX_DEPTH, FileVisitOption.FOLLOW_LINKS)) {
            for (Path file : (Iterable<Path>) files.sorted()::iterator) {
                BasicFileAttributes attrs = Files.readAttributes(file, BasicFileAttributes.class);
                if (attrs.isRegularFile()) {
                    summary.append(location.relativize(file)).append(':').append(stamp(file, attrs)).append(';');
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
        return summary.toString();
    }

    static boolean isArchive(Path path) {
        String name = path.getFileName() == null ? "" : path.getFileName().toString().toLowerCase(Locale.ROOT);
        return name.endsWith(".jar") || name.endsWith(".zip");
    }

    private static boolean isPluginCandidate(Path child) {
        String name = child.getFileName().toString();
        // Hidden files are typically editors' or copy tools' temporaries.
        return !name.startsWith(".") && (Files.isDirectory(child) || isArchive(child));
    }

    private static boolean isClassRoot(Path dir) {
        if (Files.isDirectory(dir.resolve("META-INF"))) {
            return true;
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.anyMatch(child -> child.toString().endsWith(".class"));
        } catch (IOException | UncheckedIOException e) {
            return false;
        }
    }
}
