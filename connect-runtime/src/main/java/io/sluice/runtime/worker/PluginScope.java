package io.sluice.runtime.worker;

import io.sluice.runtime.plugins.LoaderSwap;
import org.slf4j.MDC;

/**
 * Try-with-resources scope for calls into plugin code: the plugin's class loader as thread context
 * loader and the connector/task in the MDC (Apache's {@code connector.context} format), both restored on close.
 */
final class PluginScope implements AutoCloseable {
    static final String MDC_KEY = "connector.context";

    private final LoaderSwap swap;
    private final String previousContext;

    private PluginScope(ClassLoader loader, String context) {
        this.previousContext = MDC.get(MDC_KEY);
        MDC.put(MDC_KEY, context);
        this.swap = LoaderSwap.to(loader);
    }

    /** Scope of a connector instance: {@code [name|worker] }. */
    static PluginScope connector(ClassLoader loader, String connector) {
        return new PluginScope(loader, connectorContext(connector));
    }

    /** Scope of a task: {@code [name|task-n] }. */
    static PluginScope task(ClassLoader loader, String connector, int task) {
        return new PluginScope(loader, taskContext(connector, task));
    }

    static String connectorContext(String connector) {
        return "[" + connector + "|worker] ";
    }

    static String taskContext(String connector, int task) {
        return "[" + connector + "|task-" + task + "] ";
    }

    @Override
    public void close() {
        swap.close();
        if (previousContext == null) {
            MDC.remove(MDC_KEY);
        } else {
            MDC.put(MDC_KEY, previousContext);
        }
    }
}
