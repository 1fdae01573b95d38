package io.sluice.runtime.plugins;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.charset.StandardCharsets;
import java.nio.file.AtomicMoveNotSupportedException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.FileTime;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.HexFormat;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin index on disk: what a scan found in each plugin location (its plugin classes, kinds and versions) and in
 * each jar (its manifests and class headers), keyed by the sizes, modification and status change times of their files. A start with
 * unchanged plugins registers them from here without opening their jars; a changed, added or removed jar is the only
 * one read again (the location's classes are then confirmed with a new loader, as in a first scan).
 *
 * <p>Every entry is one small text file written to a temporary name and renamed into place, so workers sharing the
 * directory, or a worker killed mid-write, never leave a half-written entry under a real name; an entry that cannot be
 * parsed is ignored and written again. An index directory that cannot be written only costs speed: plugins are scanned
 * at every start, as without an index.
 */
final class PluginIndex {

    /** A plugin class as indexed: enough to list and resolve it without loading it. */
    record Indexed(String className, PluginType type, boolean inManifest, String version) {
    }

    /** What one jar holds for the scanner: its ServiceLoader manifests, and its class headers (null when not read). */
    record JarContent(Map<PluginType, Set<String>> manifests, List<ClassHeader> headers) {
    }

    /** No index: every location is scanned. */
    static final PluginIndex NONE = new PluginIndex(null);

    private static final Logger log = LoggerFactory.getLogger(PluginIndex.class);
    /** Raised whenever the files' layout or the scanner's rules change, so older entries are read as stale. */
    private static final String FORMAT = "sluice-plugin-index 1";
    private static final String END = "end";
    private static final Duration ABANDONED_TEMP_AGE = Duration.ofMinutes(10);

    private final Path dir;
    private final String runtime = runtimeFingerprint();
    private final AtomicBoolean warnedUnwritable = new AtomicBoolean();

    private PluginIndex(Path dir) {
        this.dir = dir;
    }

    /** The index kept in a directory (created on first write); {@link #NONE} for null. */
    static PluginIndex in(Path dir) {
        return dir == null ? NONE : new PluginIndex(dir.toAbsolutePath().normalize());
    }

    boolean enabled() {
        return dir != null;
    }

    /**
     * The plugins indexed for a location whose files are as summarized (by {@link PluginLocations#contentSummary}),
     * scanned in the given mode by this runtime; null when there is no such entry.
     */
    List<Indexed> plugins(Path location, String summary, DiscoveryMode mode) {
        List<String> body = read("locations", location, mode.name() + " " + runtime + " " + summary);
        if (body == null) {
            return null;
        }
        try {
            List<Indexed> plugins = new ArrayList<>(body.size());
            for (String line : body) {
                String[] f = line.split("\t", -1);
                plugins.add(new Indexed(f[0], PluginType.valueOf(f[1]), "1".equals(f[2]), unescape(f[3])));
            }
            return plugins;
        } catch (RuntimeException e) {
            log.info("Plugin index entry of {} is damaged ({}); scanning it again", location, e.toString());
            return null;
        }
    }

    void putPlugins(Path location, String summary, DiscoveryMode mode, List<Indexed> plugins) {
        List<String> body = new ArrayList<>(plugins.size());
        for (Indexed p : plugins) {
            body.add(p.className() + "\t" + p.type().name() + "\t" + (p.inManifest() ? "1" : "0") + "\t" + escape(p.version()));
        }
        write("locations", location, mode.name() + " " + runtime + " " + summary, body);
    }

    /** A jar's content as indexed under the given key (its size, modification and status change time); null when there is none. */
    JarContent jar(Path jar, String key) {
        List<String> body = read("jars", jar, key);
        if (body == null) {
            return null;
        }
        try {
            Map<PluginType, Set<String>> manifests = new EnumMap<>(PluginType.class);
            List<ClassHeader> headers = null;
            for (String line : body) {
                String[] f = line.split("\t", -1);
                switch (f[0]) {
                    case "s" -> manifests.computeIfAbsent(PluginType.valueOf(f[1]), t -> new LinkedHashSet<>()).add(f[2]);
                    case "classes" -> headers = new ArrayList<>();
                    case "c" -> headers.add(new ClassHeader(f[1], Integer.parseInt(f[2]), f[3].isEmpty() ? null : f[3],
                            f[4].isEmpty() ? List.of() : Arrays.asList(f[4].split(","))));
                    default -> throw new IllegalArgumentException("unknown line " + f[0]);
                }
            }
            return new JarContent(manifests, headers);
        } catch (RuntimeException e) {
            log.info("Plugin index entry of {} is damaged ({}); reading the jar again", jar, e.toString());
            return null;
        }
    }

    void putJar(Path jar, String key, JarContent content) {
        List<String> body = new ArrayList<>();
        content.manifests().forEach((type, names) -> names.forEach(name -> body.add("s\t" + type.name() + "\t" + name)));
        if (content.headers() != null) {
            body.add("classes");
            for (ClassHeader h : content.headers()) {
                body.add("c\t" + h.name() + "\t" + h.access() + "\t" + (h.superName() == null ? "" : h.superName()) + "\t"
                        + String.join(",", h.interfaces()));
            }
        }
        write("jars", jar, key, body);
    }

    /** Removes the entries of locations and jars that no longer exist, and temporary files of writers that died. */
    void prune() {
        if (dir == null) {
            return;
        }
        for (String kind : List.of("locations", "jars")) {
            Path kindDir = dir.resolve(kind);
            if (!Files.isDirectory(kindDir)) {
                continue;
            }
            try (Stream<Path> files = Files.list(kindDir)) {
                for (Path file : (Iterable<Path>) files::iterator) {
                    if (isGone(file)) {
                        Files.deleteIfExists(file);
                    }
                }
            } catch (IOException | UncheckedIOException e) {
                log.debug("Could not prune the plugin index {}: {}", kindDir, e.toString());
            }
        }
    }

    private boolean isGone(Path file) throws IOException {
        if (file.getFileName().toString().endsWith(".tmp")) {
            return Files.getLastModifiedTime(file).toInstant().isBefore(Instant.now().minus(ABANDONED_TEMP_AGE));
        }
        try (BufferedReader in = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            in.readLine();
            String path = in.readLine();
            return path == null || !path.startsWith("path ") || !Files.exists(Path.of(unescape(path.substring(5))));
        } catch (NoSuchFileException e) {
            return false;
        } catch (RuntimeException e) {
            return true; // damaged beyond reading its path: nothing can use it
        }
    }

    /** The body of an entry when its header matches; null when it is missing, stale or damaged. */
    private List<String> read(String kind, Path subject, String key) {
        if (dir == null) {
            return null;
        }
        Path file = file(kind, subject);
        List<String> lines;
        try {
            lines = Files.readAllLines(file, StandardCharsets.UTF_8);
        } catch (NoSuchFileException e) {
            return null;
        } catch (IOException | UncheckedIOException e) {
            log.info("Plugin index entry {} is unreadable ({}); scanning {} again", file, e.toString(), subject);
            return null;
        }
        if (lines.size() < 4 || !FORMAT.equals(lines.get(0)) || !lines.get(1).equals("path " + escape(subject.toString()))
                || !lines.get(2).equals("key " + escape(key)) || !END.equals(lines.get(lines.size() - 1))) {
            log.debug("Plugin index entry {} is stale or damaged", file);
            return null;
        }
        return lines.subList(3, lines.size() - 1);
    }

    private void write(String kind, Path subject, String key, List<String> body) {
        if (dir == null) {
            return;
        }
        Path file = file(kind, subject);
        Path temp = file.resolveSibling(file.getFileName() + "." + ThreadLocalRandom.current().nextLong(Long.MAX_VALUE) + ".tmp");
        try {
            Files.createDirectories(file.getParent());
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8)) {
                out.write(FORMAT + "\npath " + escape(subject.toString()) + "\nkey " + escape(key) + "\n");
                for (String line : body) {
                    out.write(line);
                    out.write('\n');
                }
                out.write(END + "\n");
            }
            try {
                Files.move(temp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
            } catch (AtomicMoveNotSupportedException e) {
                Files.move(temp, file, StandardCopyOption.REPLACE_EXISTING);
            }
        } catch (IOException | UncheckedIOException e) {
            try {
                Files.deleteIfExists(temp);
            } catch (IOException ignored) {
                // the directory refuses writes; nothing was left behind then
            }
            if (warnedUnwritable.compareAndSet(false, true)) {
                log.warn("Cannot write the plugin index in {} ({}): plugins are scanned again at every start, which is "
                        + "slower; make the directory writable or set plugin.index.dir", dir, e.toString());
            }
        }
    }

    private Path file(String kind, Path subject) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(subject.toString().getBytes(StandardCharsets.UTF_8));
            return dir.resolve(kind).resolve(HexFormat.of().formatHex(hash, 0, 16) + ".idx");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java runtime has SHA-256", e);
        }
    }

    /** The runtime's own code (its jar's size and time): another build may find other plugin types or versions. */
    private static String runtimeFingerprint() {
        try {
            Path code = Path.of(PluginIndex.class.getProtectionDomain().getCodeSource().getLocation().toURI());
            FileTime time = Files.getLastModifiedTime(code);
            return Files.size(code) + "@" + time.toMillis();
        } catch (Exception e) {
            return "unknown";
        }
    }

    private static String escape(String value) {
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r");
    }

    private static String unescape(String value) {
        StringBuilder out = new StringBuilder(value.length());
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '\\' && i + 1 < value.length()) {
                char next = value.charAt(++i);
                out.append(switch (next) {
                    case 't' -> '\t';
                    case 'n' -> '\n';
                    case 'r' -> '\r';
                    default -> next;
                });
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }
}
