package io.sluice.runtime.model;

import org.slf4j.MDC;

/**
 * The connector/task a log line is about, in the MDC under Apache's {@code connector.context} key and format
 * ({@code [name|worker] }, {@code [name|task-n] }), restored on close: for threads that log about a connector
 * without working for it (store callbacks, samplers), where no plugin scope is entered.
 */
public final class LogContext implements AutoCloseable {
    /** Apache Kafka Connect's MDC key, which the shipped log layouts print. */
    public static final String MDC_KEY = "connector.context";

    private final String previous;
    private final boolean changed;

    private LogContext(String context) {
        this.previous = MDC.get(MDC_KEY);
        this.changed = !context.equals(previous);
        if (changed) {
            MDC.put(MDC_KEY, context);
        }
    }

    /** Enters the context of a connector instance ({@code [name|worker] }) until closed. */
    public static LogContext connector(String connector) {
        return new LogContext(connectorContext(connector));
    }

    /** Enters a context string the caller made with {@link #connectorContext} or {@link #taskContext}. */
    public static LogContext enter(String context) {
        return new LogContext(context);
    }

    /** {@code [name|worker] } */
    public static String connectorContext(String connector) {
        return "[" + connector + "|worker] ";
    }

    /** {@code [name|task-n] } */
    public static String taskContext(String connector, int task) {
        return "[" + connector + "|task-" + task + "] ";
    }

    @Override
    public void close() {
        if (changed) {
            if (previous == null) {
                MDC.remove(MDC_KEY);
            } else {
                MDC.put(MDC_KEY, previous);
            }
        }
    }
}
