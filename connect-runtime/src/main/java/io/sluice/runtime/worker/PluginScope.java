package io.sluice.runtime.worker;

import io.sluice.runtime.model.LogContext;
import org.slf4j.MDC;

/**
 * Try-with-resources scope for calls into plugin code: the plugin's class loader as thread context
 * loader and the connector/task in the MDC (Apache's {@code connector.context} format), both restored on close.
 *
 * <p>Entering a scope the thread is already in changes nothing: per-record calls (commitRecord on the
 * producer's thread) would otherwise copy Log4j's copy-on-write context map twice per record.
 */
final class PluginScope implements AutoCloseable {
    static final String MDC_KEY = LogContext.MDC_KEY;

    private final ClassLoader previousLoader;
    private final boolean loaderChanged;
    private final LogContext logContext;

    private PluginScope(ClassLoader loader, String context) {
        Thread thread = Thread.currentThread();
        this.previousLoader = thread.getContextClassLoader();
        this.loaderChanged = previousLoader != loader;
        if (loaderChanged) {
            thread.setContextClassLoader(loader);
        }
        this.logContext = LogContext.enter(context);
    }

    /** Scope of a connector instance: {@code [name|worker] }. */
    static PluginScope connector(ClassLoader loader, String connector) {
        return new PluginScope(loader, connectorContext(connector));
    }

    /** Scope of a task: {@code [name|task-n] }. */
    static PluginScope task(ClassLoader loader, String connector, int task) {
        return new PluginScope(loader, taskContext(connector, task));
    }

    /** Scope of a task whose context string the caller keeps (see {@link #taskContext}). */
    static PluginScope task(ClassLoader loader, String taskContext) {
        return new PluginScope(loader, taskContext);
    }

    /**
     * Puts the calling thread in a task's scope for the rest of its life: for a thread that only ever
     * works for that task (its producer's I/O thread), so later scopes there cost nothing.
     */
    static void adopt(ClassLoader loader, String taskContext) {
        Thread.currentThread().setContextClassLoader(loader);
        MDC.put(MDC_KEY, taskContext);
    }

    static String connectorContext(String connector) {
        return LogContext.connectorContext(connector);
    }

    static String taskContext(String connector, int task) {
        return LogContext.taskContext(connector, task);
    }

    @Override
    public void close() {
        if (loaderChanged) {
            Thread.currentThread().setContextClassLoader(previousLoader);
        }
        logContext.close();
    }
}
