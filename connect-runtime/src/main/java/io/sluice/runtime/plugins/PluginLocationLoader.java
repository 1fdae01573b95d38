package io.sluice.runtime.plugins;

import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URL;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.connect.errors.ConnectException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns one plugin location into registry entries with a class loader of its own: from the plugin index when the
 * location's files are unchanged since they were indexed (no jar is opened, no class loaded until a plugin is used), by
 * scanning its jars otherwise (and indexing what was found). Also registers the runtime's own plugins. Safe to call
 * from several threads at once: locations are loaded side by side at start-up.
 */
final class PluginLocationLoader {

    /** A loaded location: its entries, with the loader they share (null when the location holds no plugin). */
    record Loaded(List<PluginRegistry.Entry> entries, PluginClassLoader loader, boolean fromIndex) {
    }

    private static final Logger log = LoggerFactory.getLogger(PluginLocationLoader.class);
    private static final Map<String, String> APACHE_NAMES = BuiltinPlugins.apacheNames();

    private final DiscoveryMode mode;
    private final ClassLoader runtimeLoader;
    private final PluginIndex index;
    private final PluginScanner scanner;

    PluginLocationLoader(DiscoveryMode mode, ClassLoader runtimeLoader, PluginIndex index) {
        this.mode = mode;
        this.runtimeLoader = runtimeLoader;
        this.index = index;
        this.scanner = new PluginScanner(mode, runtimeLoader, index);
    }

    /**
     * Loads a location with a fresh loader.
     *
     * @throws ConnectException in hybrid_fail mode, when a plugin class has no ServiceLoader manifest
     * @throws IOException      when the location cannot be read (for instance while a jar is still being copied)
     */
    Loaded load(Path location, boolean atStartup) throws IOException {
        // summarized before reading: a file changed during the scan gives the next start another key, so it scans again
        String summary = PluginLocations.contentSummary(location);
        List<Path> classPath = PluginLocations.classPath(location);
        PluginClassLoader loader = new PluginClassLoader(location, urls(classPath), runtimeLoader);
        try {
            List<PluginIndex.Indexed> plugins = index.plugins(location, summary, mode);
            boolean fromIndex = plugins != null;
            Map<String, Class<?>> loaded = new HashMap<>();
            if (!fromIndex) {
                plugins = new ArrayList<>();
                Map<Class<?>, String> versions = new HashMap<>();
                for (PluginScanner.Found found : scanner.scan(classPath, "", loader)) {
                    Class<?> cls = found.pluginClass();
                    // asked once per class: a class that is two kinds of plugin is instantiated once
                    String version = versions.computeIfAbsent(cls, PluginVersions::versionOf);
                    plugins.add(new PluginIndex.Indexed(cls.getName(), found.type(), found.inManifest(), version));
                    loaded.put(cls.getName(), cls);
                }
                index.putPlugins(location, summary, mode, plugins);
            }
            checkManifests(location, plugins, atStartup);
            List<PluginRegistry.Entry> entries = new ArrayList<>(plugins.size());
            for (PluginIndex.Indexed plugin : plugins) {
                PluginDesc desc = new PluginDesc(plugin.className(), plugin.type(), plugin.version(), location.toString());
                entries.add(new PluginRegistry.Entry(desc, loader, plugin.className(), loaded.get(plugin.className())));
            }
            if (entries.isEmpty()) {
                loader.close();
                loader = null;
            }
            return new Loaded(entries, loader, fromIndex);
        } catch (IOException | RuntimeException | LinkageError e) {
            loader.close();
            throw e;
        }
    }

    /** The runtime's own plugins (its converters, transformations, predicates, config providers), under Apache's names. */
    List<PluginRegistry.Entry> builtins() {
        List<PluginRegistry.Entry> entries = new ArrayList<>();
        Map<Class<?>, String> versions = new HashMap<>();
        PluginScanner builtinScanner = new PluginScanner(DiscoveryMode.ONLY_SCAN, runtimeLoader, PluginIndex.NONE);
        for (BuiltinPlugins.Source source : BuiltinPlugins.SOURCES) {
            Path codeSource = source.codeSource();
            if (codeSource == null) {
                log.warn("Cannot locate the runtime's {} plugins", source.packageName());
                continue;
            }
            try {
                for (PluginScanner.Found found : builtinScanner.scan(List.of(codeSource), source.packageName(),
                        runtimeLoader)) {
                    Class<?> cls = found.pluginClass();
                    String version = versions.computeIfAbsent(cls, PluginVersions::versionOf);
                    String name = APACHE_NAMES.getOrDefault(cls.getName(), cls.getName());
                    PluginDesc desc = new PluginDesc(name, found.type(), version, PluginRegistry.CLASSPATH);
                    entries.add(new PluginRegistry.Entry(desc, cls));
                }
            } catch (IOException e) {
                log.warn("Cannot scan the runtime's {} plugins in {}: {}", source.packageName(), codeSource, e.toString());
            }
        }
        return entries;
    }

    private void checkManifests(Path location, List<PluginIndex.Indexed> found, boolean atStartup) {
        if (mode != DiscoveryMode.HYBRID_WARN && mode != DiscoveryMode.HYBRID_FAIL) {
            return;
        }
        Set<String> missing = found.stream().filter(f -> !f.inManifest())
                .map(f -> f.className() + " (" + f.type().restName() + ")")
                .collect(Collectors.toCollection(java.util.TreeSet::new));
        if (missing.isEmpty()) {
            return;
        }
        String message = "Plugin " + location + " has no ServiceLoader manifest (META-INF/services) for "
                + missing + "; these will be invisible with plugin.discovery=service_load";
        if (mode == DiscoveryMode.HYBRID_FAIL) {
            throw new ConnectException(message + ". Add the manifests, or set plugin.discovery=hybrid_warn"
                    + (atStartup ? "" : "; the plugin was not loaded"));
        }
        log.warn(message);
    }

    private static URL[] urls(List<Path> classPath) throws MalformedURLException {
        URL[] urls = new URL[classPath.size()];
        for (int i = 0; i < urls.length; i++) {
            urls[i] = classPath.get(i).toUri().toURL();
        }
        return urls;
    }
}
