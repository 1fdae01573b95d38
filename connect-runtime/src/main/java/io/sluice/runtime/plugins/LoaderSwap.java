package io.sluice.runtime.plugins;

/** Sets the thread context class loader for a try-with-resources block, restoring the previous one. */
public final class LoaderSwap implements AutoCloseable {
    private final ClassLoader previous;

    private LoaderSwap(ClassLoader loader) {
        this.previous = Thread.currentThread().getContextClassLoader();
        Thread.currentThread().setContextClassLoader(loader);
    }

    public static LoaderSwap to(ClassLoader loader) {
        return new LoaderSwap(loader);
    }

    @Override
    public void close() {
        Thread.currentThread().setContextClassLoader(previous);
    }
}
