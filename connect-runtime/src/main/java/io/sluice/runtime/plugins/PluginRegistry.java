package io.sluice.runtime.plugins;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The plugins currently known, per location, with their aliases. Readers see an immutable snapshot
 * (no lock on the lookup path); the rare writers (start-up, the plugin path watcher) rebuild it.
 */
final class PluginRegistry {

    /**
     * One plugin class as registered: its description, its loader, and the class itself, which an entry from the plugin
     * index loads only when first asked for (listing and resolving names needs no class).
     */
    static final class Entry {
        private final PluginDesc desc;
        private final ClassLoader loader;
        private final String binaryName;
        private volatile Class<?> pluginClass;

        /** An entry whose class is already loaded. */
        Entry(PluginDesc desc, Class<?> pluginClass) {
            this(desc, pluginClass.getClassLoader(), pluginClass.getName(), pluginClass);
        }

        /** @param pluginClass the class when it is already loaded, or null to load {@code binaryName} when needed */
        Entry(PluginDesc desc, ClassLoader loader, String binaryName, Class<?> pluginClass) {
            this.desc = desc;
            this.loader = loader;
            this.binaryName = binaryName;
            this.pluginClass = pluginClass;
        }

        PluginDesc desc() {
            return desc;
        }

        ClassLoader loader() {
            return loader;
        }

        /**
         * The plugin class, loaded with its plugin's loader on first use.
         *
         * @throws ConnectException when it no longer loads (its jar changed under a running worker, which the plugin
         *                          path watcher reloads within seconds)
         */
        Class<?> pluginClass() {
            Class<?> cls = pluginClass;
            if (cls == null) {
                try {
                    cls = Class.forName(binaryName, false, loader);
                } catch (ClassNotFoundException | LinkageError e) {
                    throw new ConnectException("Plugin class " + binaryName + " could not be loaded from "
                            + desc.location() + ": " + e, e);
                }
                pluginClass = cls;
            }
            return cls;
        }

        /** Whether this entry is of a kind the given base type covers, without loading its class. */
        boolean isA(Class<?> base) {
            return base.isAssignableFrom(desc.type().superClass());
        }

        /** The class's simple name (a nested class's own name), which is also an alias. */
        String simpleName() {
            String simple = binaryName.substring(binaryName.lastIndexOf('.') + 1);
            return simple.substring(simple.lastIndexOf('$') + 1);
        }
    }

    private record Snapshot(Map<String, List<Entry>> byLocation, Map<String, List<Entry>> byClassName,
                            Map<String, String> aliases) {
    }

    static final String CLASSPATH = "classpath";

    /** Newest version first; at equal versions the runtime's own copy, then by location. */
    private static final Comparator<Entry> NEWEST_FIRST = (a, b) -> {
        int cmp = PluginVersions.compare(b.desc().version(), a.desc().version());
        if (cmp != 0) {
            return cmp;
        }
        boolean aBuiltin = CLASSPATH.equals(a.desc().location());
        boolean bBuiltin = CLASSPATH.equals(b.desc().location());
        if (aBuiltin != bBuiltin) {
            return aBuiltin ? -1 : 1;
        }
        return a.desc().location().compareTo(b.desc().location());
    };

    private final Map<String, String> fixedAliases;
    private volatile Snapshot snapshot = new Snapshot(Map.of(), Map.of(), Map.of());

    /** @param fixedAliases names that always resolve to another registered name (e.g. our converters' to Apache's) */
    PluginRegistry(Map<String, String> fixedAliases) {
        this.fixedAliases = Map.copyOf(fixedAliases);
    }

    /** Replaces whatever was registered for the location. */
    synchronized void put(String location, List<Entry> entries) {
        Map<String, List<Entry>> byLocation = new LinkedHashMap<>(snapshot.byLocation());
        byLocation.put(location, List.copyOf(entries));
        snapshot = build(byLocation);
    }

    /** Forgets a location; returns whether anything was registered there. */
    synchronized boolean remove(String location) {
        if (!snapshot.byLocation().containsKey(location)) {
            return false;
        }
        Map<String, List<Entry>> byLocation = new LinkedHashMap<>(snapshot.byLocation());
        byLocation.remove(location);
        snapshot = build(byLocation);
        return true;
    }

    List<PluginDesc> descs(PluginType type) {
        List<PluginDesc> result = new ArrayList<>();
        for (List<Entry> entries : snapshot.byLocation().values()) {
            for (Entry entry : entries) {
                if (entry.desc().type() == type) {
                    result.add(entry.desc());
                }
            }
        }
        result.sort(Comparator.comparing(PluginDesc::className)
                .thenComparing(PluginDesc::version, (a, b) -> PluginVersions.compare(b, a))
                .thenComparing(PluginDesc::location));
        return result;
    }

    /** The newest registered class matching the full name or alias that is a subtype of base, or null. */
    Entry resolve(String nameOrAlias, Class<?> base) {
        Snapshot current = snapshot;
        Entry found = newestOfBase(current.byClassName().get(nameOrAlias), base);
        if (found == null) {
            String target = fixedAliases.getOrDefault(nameOrAlias, current.aliases().get(nameOrAlias));
            if (target != null) {
                found = newestOfBase(current.byClassName().get(target), base);
            }
        }
        return found;
    }

    /** The versions of the plugin a full name or alias names (newest first), or none when it is not registered. */
    List<String> versions(String nameOrAlias, Class<?> base) {
        Entry newest = resolve(nameOrAlias, base);
        if (newest == null) {
            return List.of();
        }
        return snapshot.byClassName().get(newest.desc().className()).stream()
                .filter(e -> e.isA(base))
                .map(e -> e.desc().version()).distinct().toList();
    }

    /** The name a class is registered under (Apache's for our stand-ins), or null when it is not registered. */
    String registeredName(String nameOrAlias, Class<?> base) {
        Entry entry = resolve(nameOrAlias, base);
        return entry == null ? null : entry.desc().className();
    }

    private static Entry newestOfBase(List<Entry> entries, Class<?> base) {
        if (entries != null) {
            for (Entry entry : entries) {
                if (entry.isA(base)) {
                    return entry;
                }
            }
        }
        return null;
    }

    private static Snapshot build(Map<String, List<Entry>> byLocation) {
        Map<String, List<Entry>> byClassName = new HashMap<>();
        Map<String, Set<String>> aliasTargets = new HashMap<>();
        for (List<Entry> entries : byLocation.values()) {
            for (Entry entry : entries) {
                // one entry per kind a class is (a converter that is also a header converter has two)
                byClassName.computeIfAbsent(entry.desc().className(), n -> new ArrayList<>()).add(entry);
                String simple = entry.simpleName();
                aliasTargets.computeIfAbsent(simple, a -> new HashSet<>()).add(entry.desc().className());
                aliasTargets.computeIfAbsent(prunedName(simple, entry.desc().type()), a -> new HashSet<>())
                        .add(entry.desc().className());
            }
        }
        byClassName.values().forEach(list -> list.sort(NEWEST_FIRST));
        Map<String, String> aliases = new HashMap<>();
        // Like Apache, an alias that could mean two different classes is no alias at all.
        aliasTargets.forEach((alias, targets) -> {
            if (targets.size() == 1 && !alias.isEmpty()) {
                aliases.put(alias, targets.iterator().next());
            }
        });
        return new Snapshot(Map.copyOf(byLocation), Map.copyOf(byClassName), Map.copyOf(aliases));
    }

    private static String prunedName(String simpleName, PluginType type) {
        String suffix = type.isConnector() ? "Connector" : type.superClass().getSimpleName();
        int at = simpleName.lastIndexOf(suffix);
        return at > 0 ? simpleName.substring(0, at) : simpleName;
    }
}
