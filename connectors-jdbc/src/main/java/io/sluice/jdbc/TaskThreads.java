package io.sluice.jdbc;

import java.util.Map;
import java.util.concurrent.ThreadFactory;
import org.slf4j.MDC;

/**
 * Threads a connector or task starts for itself (reader, writer, linger, table monitor): named, daemon, and
 * running with the starting thread's logging context (the worker's {@code [connector|task-n]} MDC) and this
 * plugin's class loader, so what they log is attributed to their connector and what they load is found.
 */
public final class TaskThreads {
    private TaskThreads() {
    }

    /** A factory of threads named {@code name}; call it on the task's (or connector's) own thread. */
    public static ThreadFactory named(String name) {
        Map<String, String> mdc = MDC.getCopyOfContextMap();
        ClassLoader loader = TaskThreads.class.getClassLoader();
        return runnable -> {
            Thread thread = new Thread(() -> {
                if (mdc != null) {
                    MDC.setContextMap(mdc);
                }
                runnable.run();
            }, name);
            thread.setContextClassLoader(loader);
            thread.setDaemon(true);
            return thread;
        };
    }
}
