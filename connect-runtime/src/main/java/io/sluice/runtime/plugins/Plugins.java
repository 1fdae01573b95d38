package io.sluice.runtime.plugins;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.connect.connector.Connector;
import org.apache.kafka.connect.errors.ConnectException;
import org.apache.kafka.connect.storage.Converter;
import org.apache.kafka.connect.storage.HeaderConverter;
import org.apache.kafka.connect.transforms.Transformation;
import org.apache.kafka.connect.transforms.predicates.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The plugin registry: scans the plugin path, keeps one isolating class loader per plugin,
 * resolves class names and aliases, and instantiates plugins with their loader as context loader.
 *
 * <p>Every call into plugin code must run with the plugin's loader as the thread context class
 * loader (plugins resolve classes and ConfigDef CLASS defaults through it): {@link #newPlugin} and
 * {@link #newInstance} do so; callers wrap every later call ({@code config()}, {@code validate},
 * {@code start}, {@code poll}, ...) in {@code try (LoaderSwap s = LoaderSwap.to(plugin.getClass().getClassLoader()))}.
 *
 * <p>{@link #startInBackground()} lets a worker answer on REST while the plugin path is scanned; lookups wait for the
 * scan. After the scan, the plugin path is watched: a plugin copied in becomes resolvable within
 * about two poll intervals, a removed one is forgotten, a replaced one is registered with a new loader.
 * Loaders of removed or replaced plugins are never closed while the registry runs, since instances
 * created from them may still be running; {@link #close()} closes them all, so call it last.
 */
public final class Plugins implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Plugins.class);
    private static final Duration POLL_INTERVAL = Duration.ofMillis(1000);
    private static final Duration STOP_TIMEOUT = Duration.ofSeconds(10);

    private final List<Path> pluginPath;
    private final DiscoveryMode mode;
    private final ClassLoader runtimeLoader = Plugins.class.getClassLoader();
    private final PluginIndex index;
    private final PluginLocationLoader locationLoader;
    private static final Map<String, String> APACHE_ALIASES = BuiltinPlugins.apacheAliases();

    /** Sluice's converters are registered under Apache's names; their own class names stay resolvable. */
    private final PluginRegistry registry = new PluginRegistry(BuiltinPlugins.fixedAliases());
    private final Map<PluginClassLoader, Boolean> loaders = new ConcurrentHashMap<>();
    private final Duration pollInterval;
    private PluginPathWatcher watcher;
    private volatile CompletableFuture<Void> scan;
    /** The runtime's own plugins registered: done first on the scan's thread (reading them is off the start's path). */
    private final CompletableFuture<Void> builtinsRegistered = new CompletableFuture<>();
    private Thread scanThread;
    private volatile boolean closed;

    /**
     * @param pluginPath    plugin.path entries: directories whose children are plugins, or plugin jars
     * @param discoveryMode plugin.discovery: only_scan, hybrid_warn (default when null), hybrid_fail, service_load
     */
    public Plugins(List<Path> pluginPath, String discoveryMode) {
        this(pluginPath, discoveryMode, null);
    }

    /**
     * @param indexDir where what the scan found is kept between starts (plugin.index.dir), so that unchanged plugins are
     *                 registered without opening their jars; null scans every plugin at every start
     */
    public Plugins(List<Path> pluginPath, String discoveryMode, Path indexDir) {
        this(pluginPath, discoveryMode, indexDir, POLL_INTERVAL);
    }

    Plugins(List<Path> pluginPath, String discoveryMode, Path indexDir, Duration pollInterval) {
        this.pluginPath = pluginPath == null ? List.of() : List.copyOf(pluginPath);
        this.mode = DiscoveryMode.parse(discoveryMode);
        this.index = PluginIndex.in(indexDir);
        this.locationLoader = new PluginLocationLoader(mode, runtimeLoader, index);
        this.pollInterval = pollInterval;
    }

    /**
     * Scans the plugin path and starts watching it for plugins dropped in later; returns when the scan has ended.
     *
     * @throws ConnectException in hybrid_fail mode, when a plugin has no ServiceLoader manifest
     */
    public void start() {
        startInBackground();
        awaitScan();
    }

    /**
     * Registers the runtime's own plugins (their classes and versions read from the runtime's jars), then scans the
     * plugin path, on its own thread, and returns at once: a worker answers on REST while plugins are indexed. Every
     * lookup of a plugin waits for that scan to end (a plugin found later may be the newest version of a class),
     * except a runtime class named by its full name, which no plugin can replace while it is the only one registered:
     * the worker's own config providers wait for the built-ins only.
     */
    public synchronized void startInBackground() {
        if (scan != null || closed) {
            return;
        }
        scan = new CompletableFuture<>();
        scanThread = new Thread(() -> {
            try {
                registerBuiltins();
                scanPluginPath();
                scan.complete(null);
            } catch (Throwable t) {
                scan.completeExceptionally(t);
            }
        }, "sluice-plugin-scan");
        scanThread.setDaemon(true);
        scanThread.start();
    }

    /**
     * Waits until the plugin path's first scan has ended (at once when it was never started).
     *
     * @throws ConnectException in hybrid_fail mode, when a plugin has no ServiceLoader manifest
     */
    public void awaitScan() {
        CompletableFuture<Void> running = scan;
        if (running == null) {
            return;
        }
        try {
            running.join();
        } catch (java.util.concurrent.CompletionException e) {
            throw e.getCause() instanceof RuntimeException re ? re : new ConnectException(e.getCause());
        }
    }

    /** Whether lookups may have to wait: the plugin path is still being scanned. */
    public boolean scanning() {
        CompletableFuture<Void> running = scan;
        return running != null && !running.isDone();
    }

    private void scanPluginPath() {
        long begin = System.nanoTime();
        PluginLocations.warnAboutMissingEntries(pluginPath);
        List<Path> locations = PluginLocations.of(pluginPath);
        Map<Path, String> attempted = new ConcurrentHashMap<>();
        AtomicInteger indexed = new AtomicInteger();
        // locations are independent (a loader each): read side by side, a large plugin no longer delays the small ones
        int threads = Math.max(1, Math.min(locations.size(), Runtime.getRuntime().availableProcessors()));
        ExecutorService pool = Executors.newFixedThreadPool(threads, named("sluice-plugin-scan-"));
        try {
            List<Future<?>> loads = new ArrayList<>();
            for (Path location : locations) {
                loads.add(pool.submit(() -> loadAtStartup(location, attempted, indexed)));
            }
            for (Future<?> load : loads) {
                try {
                    load.get();
                } catch (ExecutionException e) {
                    pool.shutdownNow();
                    throw e.getCause() instanceof RuntimeException re ? re : new ConnectException(e.getCause());
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
        } finally {
            pool.shutdown();
        }
        if (closed) {
            return;
        }
        log.info("Found {} plugin locations on {} in {} ms, {} of them unchanged in the plugin index{} "
                        + "(plugin.discovery={})", locations.size(), pluginPath, (System.nanoTime() - begin) / 1_000_000,
                indexed.get(), index.enabled() ? "" : " (none: no plugin.index.dir)",
                mode.name().toLowerCase(java.util.Locale.ROOT));
        index.prune();
        synchronized (this) {
            if (closed) {
                return;
            }
            watcher = new PluginPathWatcher(pluginPath, pollInterval, new PluginPathWatcher.Listener() {
                @Override
                public void load(Path location) throws IOException {
                    Plugins.this.load(location, false);
                }

                @Override
                public void unload(Path location) {
                    if (registry.remove(location.toString())) {
                        log.info("Plugin {} was removed from the plugin path", location);
                    }
                }
            }, attempted);
            watcher.start();
        }
    }

    private void loadAtStartup(Path location, Map<Path, String> attempted, AtomicInteger indexed) {
        if (closed) {
            return;
        }
        try {
            attempted.put(location, PluginLocations.fingerprint(location));
            if (load(location, true)) {
                indexed.incrementAndGet();
            }
        } catch (IOException | RuntimeException | LinkageError e) {
            if (e instanceof ConnectException && mode == DiscoveryMode.HYBRID_FAIL) {
                throw (ConnectException) e;
            }
            log.warn("Could not load plugin {}; will try again when it changes: {}", location, e.toString());
        }
    }

    private static ThreadFactory named(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, prefix + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** Every plugin of the given kind currently known, the runtime's built-ins included. */
    public List<PluginDesc> plugins(PluginType type) {
        awaitScanQuietly();
        return registry.descs(type);
    }

    /**
     * Resolves a fully qualified class name or an alias (simple name, or simple name without its
     * Connector/Converter/Transformation suffix) to a plugin class of the given base type. When several
     * plugins hold the class, the newest version wins.
     *
     * @throws ConnectException naming the class when no such plugin exists ({@link WrongPluginTypeException} when
     *                          the name is a class of another kind)
     */
    public <T> Class<? extends T> pluginClass(String nameOrAlias, Class<T> base) {
        if (scan != null) {
            builtinsRegistered.join(); // never fails: a built-in that cannot be read is logged and left out
        }
        PluginRegistry.Entry entry = nameOrAlias == null ? null : registry.resolve(nameOrAlias.trim(), base);
        if (scanning() && !(entry != null && PluginRegistry.CLASSPATH.equals(entry.desc().location())
                && entry.desc().className().equals(nameOrAlias.trim()))) {
            awaitScanQuietly();
            entry = nameOrAlias == null ? null : registry.resolve(nameOrAlias.trim(), base);
        }
        if (entry != null) {
            return entry.pluginClass().asSubclass(base);
        }
        Class<?> found = null;
        try {
            // The runtime's class path is not scanned beyond the built-ins; a plugin class on it still resolves.
            String name = String.valueOf(nameOrAlias).trim();
            found = Class.forName(APACHE_ALIASES.getOrDefault(name, name), false, runtimeLoader);
            if (base.isAssignableFrom(found)) {
                return found.asSubclass(base);
            }
        } catch (ClassNotFoundException | LinkageError e) {
            log.debug("{} is not on the runtime class path: {}", nameOrAlias, e.toString());
        }
        PluginRegistry.Entry otherKind = nameOrAlias == null ? null : registry.resolve(nameOrAlias.trim(), Object.class);
        if (otherKind != null || found != null) {
            // a class that exists but is of another kind: "not found" would send the user looking for a missing jar
            throw new WrongPluginTypeException(otherKind != null ? otherKind.pluginClass() : found, base);
        }
        // Apache's message lists every class it has; this one points to the listing instead, so an answer to a
        // mistyped name never dumps the worker's class names
        String kind = base.getSimpleName().replaceAll("([a-z])([A-Z])", "$1 $2").toLowerCase(java.util.Locale.ROOT);
        throw new ConnectException("No " + kind + " plugin named '" + nameOrAlias + "' is installed; GET "
                + (Connector.class.isAssignableFrom(base) ? "/connector-plugins" : "/connector-plugins?connectorsOnly=false")
                + " lists the installed ones");
    }

    /** The versions installed of the plugin a class name or alias names, newest first; none when it is not registered. */
    public List<String> versions(String nameOrAlias, Class<?> base) {
        awaitScanQuietly();
        return nameOrAlias == null ? List.of() : registry.versions(nameOrAlias.trim(), base);
    }

    /**
     * The class name a plugin is listed under: its full name (Apache's for the runtime's stand-ins of Apache's
     * converters), or the name as given when no plugin has it.
     */
    public String listedName(String nameOrAlias, Class<?> base) {
        awaitScanQuietly();
        String registered = nameOrAlias == null ? null : registry.registeredName(nameOrAlias.trim(), base);
        return registered != null ? registered : nameOrAlias;
    }

    /** Instantiates a plugin by name or alias, with its own loader as the thread context loader. */
    public <T> T newPlugin(String nameOrAlias, Class<T> base) {
        Class<? extends T> cls = pluginClass(nameOrAlias, base);
        return newInstance(cls);
    }

    /** Instantiates a plugin class with its own loader as the thread context loader. */
    public static <T> T newInstance(Class<? extends T> cls) {
        try (LoaderSwap swap = LoaderSwap.to(cls.getClassLoader())) {
            return cls.getDeclaredConstructor().newInstance();
        } catch (ReflectiveOperationException | LinkageError e) {
            Throwable cause = e.getCause() != null ? e.getCause() : e;
            throw new ConnectException("Could not instantiate " + cls.getName() + ": " + cause, cause);
        }
    }

    /**
     * The config definition a plugin instance declares (connector, converter, header converter, transformation or
     * predicate), asked with its own loader as the thread context loader; null for kinds that declare none
     * (config providers, REST extensions) and for plugins whose config() returns null.
     */
    public static ConfigDef configDef(Object plugin) {
        try (LoaderSwap swap = LoaderSwap.to(plugin.getClass().getClassLoader())) {
            if (plugin instanceof Connector c) {
                return c.config();
            } else if (plugin instanceof Converter c) {
                return c.config();
            } else if (plugin instanceof HeaderConverter c) {
                return c.config();
            } else if (plugin instanceof Transformation<?> t) {
                return t.config();
            } else if (plugin instanceof Predicate<?> p) {
                return p.config();
            }
            return null;
        }
    }

    /**
     * The class loader to run a plugin's code with: the loader of the newest registered plugin holding
     * that class (full name or alias), or the runtime's loader for classes outside the plugin path.
     */
    public ClassLoader loaderOf(String className) {
        awaitScanQuietly();
        PluginRegistry.Entry entry = className == null ? null : registry.resolve(className.trim(), Object.class);
        return entry != null ? entry.loader() : runtimeLoader;
    }

    /**
     * Waits for the scan as a lookup does: a scan that failed (hybrid_fail) has already failed the worker's start,
     * so a lookup answers from what was registered.
     */
    private void awaitScanQuietly() {
        if (!scanning()) {
            return;
        }
        try {
            awaitScan();
        } catch (RuntimeException e) {
            log.debug("Plugin path scan failed: {}", e.toString());
        }
    }

    @Override
    public void close() {
        PluginPathWatcher stopping;
        Thread scanning;
        synchronized (this) {
            if (closed) {
                return;
            }
            closed = true;
            stopping = watcher;
            scanning = scanThread;
        }
        if (scanning != null) {
            try {
                // it stops at the next plugin location; a location being loaded is finished first
                scanning.join(STOP_TIMEOUT.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (stopping != null) {
            stopping.stop(STOP_TIMEOUT);
        }
        for (PluginClassLoader loader : loaders.keySet()) {
            try {
                loader.close();
            } catch (IOException e) {
                log.debug("Closing {} failed: {}", loader, e.toString());
            }
        }
        loaders.clear();
    }

    private void registerBuiltins() {
        try {
            registry.put(PluginRegistry.CLASSPATH, locationLoader.builtins());
        } finally {
            builtinsRegistered.complete(null);
        }
    }

    /**
     * Loads one location with a fresh loader and registers what it holds, replacing an earlier version; returns whether
     * it came unchanged from the plugin index.
     */
    private boolean load(Path location, boolean atStartup) throws IOException {
        long begin = System.nanoTime();
        PluginLocationLoader.Loaded loaded = locationLoader.load(location, atStartup);
        if (loaded.loader() != null) {
            loaders.put(loaded.loader(), Boolean.TRUE);
        }
        registry.put(location.toString(), loaded.entries());
        log.info("{} plugin {}{}: {} classes in {} ms", atStartup ? "Loaded" : "Hot-loaded", location,
                loaded.fromIndex() ? " from the plugin index" : "", loaded.entries().size(),
                (System.nanoTime() - begin) / 1_000_000);
        return loaded.fromIndex();
    }
}
