package io.sluice.runtime.plugins;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.reflect.Modifier;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Finds the plugin classes in one plugin's class path: from ServiceLoader manifests
 * (META-INF/services) and by reading class-file headers, then loads only the candidates with the
 * plugin's loader to confirm them. Class headers make the scan cheap: a 39-jar plugin has tens of
 * thousands of classes, of which a handful are plugins.
 */
final class PluginScanner {

    /** A confirmed plugin class, and whether a manifest declares it for that type. */
    record Found(Class<?> pluginClass, PluginType type, boolean inManifest) {
    }

    private static final Logger log = LoggerFactory.getLogger(PluginScanner.class);
    private static final String SERVICES = "META-INF/services/";
    /** Each plugin base type's name, with the plugin types it stands for. */
    private static final Map<String, Set<PluginType>> BASE_TYPES = baseTypes();

    private final DiscoveryMode mode;
    private final ClassLoader runtimeLoader;
    private final PluginIndex index;

    /** @param index where each jar's manifests and class headers are kept between starts */
    PluginScanner(DiscoveryMode mode, ClassLoader runtimeLoader, PluginIndex index) {
        this.mode = mode;
        this.runtimeLoader = runtimeLoader;
        this.index = index;
    }

    /**
     * Scans the class path (jars or class directories) restricted to one package prefix ("" for all).
     * Classes not defined by {@code loader} itself (the runtime's own, reached by delegation) are skipped. Safe to
     * call from several threads at once.
     *
     * @throws IOException when an archive cannot be read (for instance while it is still being copied)
     */
    List<Found> scan(List<Path> classPath, String packagePrefix, ClassLoader loader) throws IOException {
        String entryPrefix = packagePrefix.replace('.', '/');
        Map<String, ClassHeader> headers = new HashMap<>();
        Map<PluginType, Set<String>> manifests = new EnumMap<>(PluginType.class);
        ClassHeader.Reader reader = new ClassHeader.Reader();
        for (Path element : classPath) {
            if (Files.isDirectory(element)) {
                readDirectory(element, entryPrefix, headers, manifests, reader);
            } else {
                addArchive(element, entryPrefix, headers, manifests, reader);
            }
        }
        Map<String, Set<PluginType>> candidates = new LinkedHashMap<>();
        if (mode.scansClasses()) {
            Map<String, Set<PluginType>> memo = new HashMap<>();
            for (ClassHeader header : headers.values()) {
                if (header.isPublicConcrete() && !reachableTypes(header.name(), headers, memo).isEmpty()) {
                    candidates.put(header.name(), EnumSet.noneOf(PluginType.class));
                }
            }
        }
        manifests.forEach((type, names) -> names.forEach(
                name -> candidates.computeIfAbsent(name, n -> EnumSet.noneOf(PluginType.class)).add(type)));
        List<Found> found = new ArrayList<>();
        for (Map.Entry<String, Set<PluginType>> candidate : candidates.entrySet()) {
            confirm(candidate.getKey(), candidate.getValue(), loader, found);
        }
        return found;
    }

    private void confirm(String className, Set<PluginType> manifestTypes, ClassLoader loader, List<Found> found) {
        Class<?> cls;
        try {
            cls = Class.forName(className, false, loader);
            if (cls.getClassLoader() != loader) {
                return;
            }
            if (!Modifier.isPublic(cls.getModifiers()) || Modifier.isAbstract(cls.getModifiers())
                    || cls.isInterface() || !Modifier.isPublic(cls.getConstructor().getModifiers())) {
                return;
            }
        } catch (ReflectiveOperationException | LinkageError | RuntimeException e) {
            // A class whose dependencies are missing, or without a public no-arg constructor, is not a usable plugin.
            log.debug("Skipping {}: {}", className, e.toString());
            return;
        }
        for (PluginType type : PluginType.values()) {
            if (type.superClass().isAssignableFrom(cls)) {
                found.add(new Found(cls, type, manifestTypes.contains(type)));
            }
        }
    }

    /**
     * The plugin types a class reaches through its super classes and interfaces. The plugin's own class
     * headers are followed first, even for API types it bundles (their hierarchy is the same as the
     * runtime's, and {@link #confirm} checks the real classes); only names the plugin lacks are looked up
     * in the runtime, which keeps thousands of bundled kafka-clients classes from being loaded.
     */
    private Set<PluginType> reachableTypes(String name, Map<String, ClassHeader> headers, Map<String, Set<PluginType>> memo) {
        if (name == null || name.startsWith("java.")) {
            return Set.of();
        }
        Set<PluginType> known = memo.get(name);
        if (known != null) {
            return known;
        }
        Set<PluginType> types = BASE_TYPES.get(name);
        if (types == null) {
            memo.put(name, Set.of());
            ClassHeader header = headers.get(name);
            types = header != null ? fromHeader(header, headers, memo) : fromRuntime(name);
        }
        memo.put(name, types);
        return types;
    }

    private Set<PluginType> fromHeader(ClassHeader header, Map<String, ClassHeader> headers,
                                       Map<String, Set<PluginType>> memo) {
        Set<PluginType> types = EnumSet.noneOf(PluginType.class);
        types.addAll(reachableTypes(header.superName(), headers, memo));
        for (String iface : header.interfaces()) {
            types.addAll(reachableTypes(iface, headers, memo));
        }
        return types;
    }

    /** The plugin types of a runtime class; none when the runtime has no such class. */
    private Set<PluginType> fromRuntime(String name) {
        try {
            Class<?> cls = Class.forName(name, false, runtimeLoader);
            Set<PluginType> types = EnumSet.noneOf(PluginType.class);
            for (PluginType type : PluginType.values()) {
                if (type.superClass().isAssignableFrom(cls)) {
                    types.add(type);
                }
            }
            return types;
        } catch (ClassNotFoundException | LinkageError e) {
            return Set.of();
        }
    }

    /** Adds one archive's manifests and class headers, from the index when the archive is unchanged since. */
    private void addArchive(Path archive, String entryPrefix, Map<String, ClassHeader> headers,
                            Map<PluginType, Set<String>> manifests, ClassHeader.Reader reader) throws IOException {
        // only whole archives are indexed: a package-restricted read (the runtime's built-ins) holds part of one
        boolean indexed = index.enabled() && entryPrefix.isEmpty();
        String key = indexed ? PluginLocations.contentSummary(archive) : null;
        PluginIndex.JarContent content = indexed ? index.jar(archive, key) : null;
        if (content == null || (mode.scansClasses() && content.headers() == null)) {
            content = readArchive(archive, entryPrefix, reader);
            if (indexed) {
                index.putJar(archive, key, content);
            }
        }
        String packagePrefix = entryPrefix.replace('/', '.');
        if (mode.readsManifests()) {
            content.manifests().forEach((type, names) -> names.stream().filter(name -> name.startsWith(packagePrefix))
                    .forEach(name -> manifests.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(name)));
        }
        if (mode.scansClasses()) {
            content.headers().forEach(header -> addHeader(header, headers));
        }
    }

    /** Reads an archive's manifests (always: they are small) and, when this mode scans classes, its class headers. */
    private PluginIndex.JarContent readArchive(Path archive, String entryPrefix, ClassHeader.Reader reader)
            throws IOException {
        Map<PluginType, Set<String>> manifests = new EnumMap<>(PluginType.class);
        try (ZipFile zip = new ZipFile(archive.toFile())) {
            for (PluginType type : PluginType.values()) {
                ZipEntry manifest = zip.getEntry(SERVICES + type.superClass().getName());
                if (manifest != null) {
                    try (InputStream in = zip.getInputStream(manifest)) {
                        readManifest(in, entryPrefix, type, manifests);
                    }
                }
            }
            if (!mode.scansClasses()) {
                return new PluginIndex.JarContent(manifests, null);
            }
            List<ClassHeader> headers = new ArrayList<>();
            var entries = zip.entries();
            while (entries.hasMoreElements()) {
                ZipEntry entry = entries.nextElement();
                String name = entry.getName();
                if (isScannableClass(name, entryPrefix)) {
                    try (InputStream in = zip.getInputStream(entry)) {
                        headers.add(reader.read(in));
                    } catch (IOException e) {
                        log.debug("Unreadable class {} in {}: {}", name, archive, e.toString());
                    }
                }
            }
            return new PluginIndex.JarContent(manifests, headers);
        }
    }

    private void readDirectory(Path root, String entryPrefix, Map<String, ClassHeader> headers,
                               Map<PluginType, Set<String>> manifests, ClassHeader.Reader reader) throws IOException {
        if (mode.readsManifests()) {
            for (PluginType type : PluginType.values()) {
                Path manifest = root.resolve(SERVICES + type.superClass().getName());
                if (Files.isRegularFile(manifest)) {
                    try (InputStream in = Files.newInputStream(manifest)) {
                        readManifest(in, entryPrefix, type, manifests);
                    }
                }
            }
        }
        Path start = entryPrefix.isEmpty() ? root : root.resolve(entryPrefix);
        if (!mode.scansClasses() || !Files.isDirectory(start)) {
            return;
        }
        try (Stream<Path> files = Files.walk(start)) {
            for (Path file : (Iterable<Path>) files::iterator) {
                String relative = root.relativize(file).toString().replace('\\', '/');
                if (isScannableClass(relative, entryPrefix)) {
                    try (InputStream in = Files.newInputStream(file)) {
                        addHeader(reader.read(in), headers);
                    } catch (IOException e) {
                        log.debug("Unreadable class {}: {}", file, e.toString());
                    }
                }
            }
        } catch (UncheckedIOException e) {
            throw e.getCause();
        }
    }

    private static Map<String, Set<PluginType>> baseTypes() {
        Map<String, Set<PluginType>> bases = new HashMap<>();
        for (PluginType type : PluginType.values()) {
            Set<PluginType> types = EnumSet.noneOf(PluginType.class);
            for (PluginType other : PluginType.values()) {
                if (other.superClass().isAssignableFrom(type.superClass())) {
                    types.add(other);
                }
            }
            bases.put(type.superClass().getName(), Set.copyOf(types));
        }
        return Map.copyOf(bases);
    }

    private static boolean isScannableClass(String entryName, String entryPrefix) {
        return entryName.endsWith(".class") && entryName.startsWith(entryPrefix)
                && !entryName.startsWith("META-INF/") && !entryName.endsWith("module-info.class")
                && !entryName.endsWith("package-info.class");
    }

    private static void addHeader(ClassHeader header, Map<String, ClassHeader> headers) {
        // The first occurrence wins, as it would on the loader's class path.
        headers.putIfAbsent(header.name(), header);
    }

    private static void readManifest(InputStream in, String entryPrefix, PluginType type,
                                     Map<PluginType, Set<String>> manifests) throws IOException {
        String packagePrefix = entryPrefix.replace('/', '.');
        BufferedReader reader = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            int comment = line.indexOf('#');
            String name = (comment >= 0 ? line.substring(0, comment) : line).trim();
            if (!name.isEmpty() && name.startsWith(packagePrefix)) {
                manifests.computeIfAbsent(type, t -> new LinkedHashSet<>()).add(name);
            }
        }
    }
}
