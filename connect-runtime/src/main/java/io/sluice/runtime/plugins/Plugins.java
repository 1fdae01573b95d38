package io.sluice.runtime.plugins;

import java.nio.file.Path;
import java.util.List;
import org.apache.kafka.connect.errors.ConnectException;

/**
 * The plugin registry: scans the plugin path, keeps one isolating class loader per plugin,
 * resolves class names and aliases, and instantiates plugins with their loader as context loader.
 *
 * <p>SKELETON: only classes on the runtime class path are found; the plugins room replaces this.
 */
public final class Plugins implements AutoCloseable {

    public Plugins(List<Path> pluginPath, String discoveryMode) {
    }

    /** Scans the plugin path and starts watching it for plugins dropped in later. */
    public void start() {
    }

    /** Every plugin of the given kind currently known, the runtime's built-ins included. */
    public List<PluginDesc> plugins(PluginType type) {
        return List.of();
    }

    /**
     * Resolves a fully qualified class name or an alias (simple name, or simple name without its
     * Connector/Converter/Transformation suffix) to a plugin class of the given base type.
     *
     * @throws ConnectException naming the class when no such plugin exists
     */
    public <T> Class<? extends T> pluginClass(String nameOrAlias, Class<T> base) {
        try {
            return Class.forName(nameOrAlias, false, Plugins.class.getClassLoader()).asSubclass(base);
        } catch (ClassNotFoundException | ClassCastException e) {
            throw new ConnectException("Failed to find any class that implements " + base.getSimpleName()
                    + " and which name matches " + nameOrAlias, e);
        }
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
        } catch (ReflectiveOperationException e) {
            throw new ConnectException("Could not instantiate " + cls.getName() + ": " + e, e);
        }
    }

    @Override
    public void close() {
    }
}
