package io.sluice.runtime.plugins;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Polls the plugin path and tells its listener when a plugin location appears, changes or goes away.
 * A location is handed over only once its content (names, sizes, modification times) has stayed the
 * same for one poll interval, so a jar still being copied is not loaded half-written; a location that
 * failed to load is retried when its content changes. Never throws out of its thread.
 */
final class PluginPathWatcher {

    /** Receives stable changes; called on the watcher's thread only. */
    interface Listener {
        /** Loads (or reloads) a location; throwing means "failed, retry when it changes". */
        void load(Path location) throws Exception;

        void unload(Path location);
    }

    private static final Logger log = LoggerFactory.getLogger(PluginPathWatcher.class);

    private final List<Path> pluginPath;
    private final Duration interval;
    private final Listener listener;
    private final Map<Path, String> attempted;
    private final Map<Path, String> pending = new HashMap<>();
    private final CountDownLatch stopped = new CountDownLatch(1);
    private final Thread thread;

    /** @param attempted the fingerprint of each location already loaded (or tried) at start-up */
    PluginPathWatcher(List<Path> pluginPath, Duration interval, Listener listener, Map<Path, String> attempted) {
        this.pluginPath = List.copyOf(pluginPath);
        this.interval = interval;
        this.listener = listener;
        this.attempted = new HashMap<>(attempted);
        this.thread = new Thread(this::run, "sluice-plugin-path-watcher");
        this.thread.setDaemon(true);
    }

    void start() {
        thread.start();
    }

    /** Stops polling and waits (bounded) for a load in progress to finish. */
    void stop(Duration timeout) {
        stopped.countDown();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        if (thread.isAlive()) {
            log.warn("Plugin path watcher did not stop within {} ms", timeout.toMillis());
        }
    }

    private void run() {
        try {
            while (!stopped.await(interval.toMillis(), TimeUnit.MILLISECONDS)) {
                try {
                    poll();
                } catch (RuntimeException | LinkageError e) {
                    log.warn("Plugin path check failed; trying again in {} ms", interval.toMillis(), e);
                }
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** One round: unload what disappeared, load what appeared or changed and has since stayed still. */
    void poll() {
        Map<Path, String> current = new HashMap<>();
        for (Path location : PluginLocations.of(pluginPath)) {
            try {
                current.put(location, PluginLocations.fingerprint(location));
            } catch (IOException e) {
                log.debug("Cannot read plugin location {} yet: {}", location, e.toString());
            }
        }
        Set<Path> gone = new HashSet<>(attempted.keySet());
        gone.removeAll(current.keySet());
        for (Path location : gone) {
            attempted.remove(location);
            pending.remove(location);
            listener.unload(location);
        }
        pending.keySet().retainAll(current.keySet());
        for (Map.Entry<Path, String> entry : current.entrySet()) {
            Path location = entry.getKey();
            String fingerprint = entry.getValue();
            if (fingerprint.equals(attempted.get(location))) {
                pending.remove(location);
                continue;
            }
            if (!fingerprint.equals(pending.put(location, fingerprint))) {
                continue;
            }
            pending.remove(location);
            attempted.put(location, fingerprint);
            if (stopped.getCount() == 0) {
                return;
            }
            try {
                listener.load(location);
            } catch (Exception | LinkageError e) {
                log.warn("Could not load plugin {}; will try again when it changes: {}", location, e.toString());
            }
        }
    }
}
