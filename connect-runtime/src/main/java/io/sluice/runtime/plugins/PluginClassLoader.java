package io.sluice.runtime.plugins;

import java.io.IOException;
import java.net.URL;
import java.net.URLClassLoader;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;

/**
 * The class loader of one plugin: child-first over the plugin's own jars and classes, except for the
 * classes {@link IsolationRule} reserves to the runtime (JDK, Connect/Kafka API, SLF4J).
 * Resources are child-first too.
 */
public final class PluginClassLoader extends URLClassLoader {

    static {
        ClassLoader.registerAsParallelCapable();
    }

    private final Path location;

    public PluginClassLoader(Path location, URL[] urls, ClassLoader parent) {
        super("sluice-plugin:" + location.getFileName(), urls, parent);
        this.location = location;
    }

    /** The plugin's location: the directory or jar on the plugin path that this loader serves. */
    public Path location() {
        return location;
    }

    @Override
    protected Class<?> loadClass(String name, boolean resolve) throws ClassNotFoundException {
        if (!IsolationRule.loadsInIsolation(name)) {
            return super.loadClass(name, resolve);
        }
        synchronized (getClassLoadingLock(name)) {
            Class<?> cls = findLoadedClass(name);
            if (cls == null) {
                try {
                    cls = findClass(name);
                } catch (ClassNotFoundException notBundled) {
                    cls = getParent().loadClass(name);
                }
            }
            if (resolve) {
                resolveClass(cls);
            }
            return cls;
        }
    }

    @Override
    public URL getResource(String name) {
        URL own = findResource(name);
        return own != null ? own : getParent().getResource(name);
    }

    @Override
    public Enumeration<URL> getResources(String name) throws IOException {
        List<URL> all = new ArrayList<>(Collections.list(findResources(name)));
        all.addAll(Collections.list(getParent().getResources(name)));
        return Collections.enumeration(all);
    }

    @Override
    public String toString() {
        return "PluginClassLoader{" + location + "}";
    }
}
