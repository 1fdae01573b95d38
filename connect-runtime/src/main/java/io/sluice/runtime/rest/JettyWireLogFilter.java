package io.sluice.runtime.rest;

import java.util.Arrays;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.Marker;
import org.apache.logging.log4j.core.Filter;
import org.apache.logging.log4j.core.LogEvent;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.filter.AbstractFilter;
import org.apache.logging.log4j.core.filter.CompositeFilter;
import org.apache.logging.log4j.message.Message;

/**
 * Keeps Jetty's DEBUG and TRACE lines out of the log whatever the logger levels say (e.g. after PUT
 * /admin/loggers/root DEBUG): they dump the raw bytes of requests and responses, connector configs with their
 * passwords and Authorization headers included. Jetty's INFO, WARN and ERROR lines are kept.
 */
final class JettyWireLogFilter extends AbstractFilter {
    private static final String JETTY = "org.eclipse.jetty";

    private JettyWireLogFilter() {
        super(Result.NEUTRAL, Result.NEUTRAL);
    }

    /** Adds the filter to the worker's Log4j 2 configuration, once; a no-op under another logging backend. */
    static synchronized void install() {
        if (LogManager.getContext(false) instanceof LoggerContext context && !installed(context.getConfiguration().getFilter())) {
            JettyWireLogFilter filter = new JettyWireLogFilter();
            filter.start();
            context.addFilter(filter);
        }
    }

    private static boolean installed(Filter filter) {
        return filter instanceof JettyWireLogFilter || filter instanceof CompositeFilter all
                && Arrays.stream(all.getFiltersArray()).anyMatch(f -> f instanceof JettyWireLogFilter);
    }

    private static Result decide(String logger, Level level) {
        boolean jetty = logger != null && (logger.equals(JETTY) || logger.startsWith(JETTY + "."));
        return jetty && level != null && level.isLessSpecificThan(Level.DEBUG) ? Result.DENY : Result.NEUTRAL;
    }

    @Override
    public Result filter(LogEvent event) {
        return decide(event.getLoggerName(), event.getLevel());
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Message msg, Throwable t) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, Object msg, Throwable t) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg, Object... params) {
        return decide(logger.getName(), level);
    }

    /*
     * A configuration filter is asked before the level check of every isEnabled call of every logger, and
     * AbstractFilter's fixed-arity forms box their parameters into a new array: Kafka's producer and consumer ask
     * several times a record (trace and debug with one to three parameters), which was ~3% of a file pipeline's CPU.
     */

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg, Object p0) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg, Object p0, Object p1) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg, Object p0, Object p1, Object p2) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg,
                         Object p0, Object p1, Object p2, Object p3) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg,
                         Object p0, Object p1, Object p2, Object p3, Object p4) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg,
                         Object p0, Object p1, Object p2, Object p3, Object p4, Object p5) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg,
                         Object p0, Object p1, Object p2, Object p3, Object p4, Object p5, Object p6) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg,
                         Object p0, Object p1, Object p2, Object p3, Object p4, Object p5, Object p6, Object p7) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg,
                         Object p0, Object p1, Object p2, Object p3, Object p4, Object p5, Object p6, Object p7,
                         Object p8) {
        return decide(logger.getName(), level);
    }

    @Override
    public Result filter(Logger logger, Level level, Marker marker, String msg,
                         Object p0, Object p1, Object p2, Object p3, Object p4, Object p5, Object p6, Object p7,
                         Object p8, Object p9) {
        return decide(logger.getName(), level);
    }
}
