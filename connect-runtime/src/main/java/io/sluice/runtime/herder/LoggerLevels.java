package io.sluice.runtime.herder;

import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.logging.log4j.Level;
import org.apache.logging.log4j.LogManager;
import org.apache.logging.log4j.core.Logger;
import org.apache.logging.log4j.core.LoggerContext;
import org.apache.logging.log4j.core.config.Configurator;
import org.apache.logging.log4j.core.config.LoggerConfig;

/**
 * The worker's Log4j 2 logger levels, read and changed at runtime (KIP-495), on this worker or, through the
 * config topic, on every worker of the cluster (KIP-976), with when each was last changed.
 */
public final class LoggerLevels {
    static final String ROOT = "root";
    /** Apache's level names, as the REST API accepts them (case-insensitive). */
    public static final java.util.Set<String> LEVELS = java.util.Set.of("OFF", "FATAL", "ERROR", "WARN", "INFO",
            "DEBUG", "TRACE", "ALL");

    /** A logger's level and when the REST API last changed it (null if never). */
    public record LoggerLevel(String level, @com.fasterxml.jackson.annotation.JsonProperty("last_modified") Long lastModified) {
    }

    private final Map<String, Long> lastModified = new ConcurrentHashMap<>();

    /** The root logger and every logger with a configured level. */
    public Map<String, LoggerLevel> all() {
        Map<String, LoggerLevel> levels = new TreeMap<>();
        for (Map.Entry<String, LoggerConfig> e : context().getConfiguration().getLoggers().entrySet()) {
            String name = e.getKey().isEmpty() ? ROOT : e.getKey();
            levels.put(name, new LoggerLevel(e.getValue().getLevel().name(), lastModified.get(name)));
        }
        levels.putIfAbsent(ROOT, level(ROOT));
        return levels;
    }

    /** The level of one logger, or null when no logger has that name. */
    public LoggerLevel level(String name) {
        LoggerContext context = context();
        if (ROOT.equals(name)) {
            return new LoggerLevel(context.getRootLogger().getLevel().name(), lastModified.get(ROOT));
        }
        LoggerConfig config = context.getConfiguration().getLoggers().get(name);
        if (config != null) {
            return new LoggerLevel(config.getLevel().name(), lastModified.get(name));
        }
        if (context.hasLogger(name)) {
            return new LoggerLevel(context.getLogger(name).getLevel().name(), lastModified.get(name));
        }
        return null;
    }

    /** Sets the level of a namespace (the logger and all below it); returns the loggers whose level changed. */
    public TreeSet<String> set(String namespace, Level level) {
        LoggerContext context = context();
        TreeSet<String> affected = new TreeSet<>();
        Map<String, Level> changes = new TreeMap<>();
        boolean root = ROOT.equals(namespace);
        for (Logger logger : context.getLoggers()) {
            String name = logger.getName();
            if (root || name.equals(namespace) || name.startsWith(namespace + ".")) {
                if (!name.isEmpty()) {
                    changes.put(name, level);
                    affected.add(name);
                }
            }
        }
        for (String configured : context.getConfiguration().getLoggers().keySet()) {
            if (!configured.isEmpty() && (root || configured.equals(namespace) || configured.startsWith(namespace + "."))) {
                changes.put(configured, level);
                affected.add(configured);
            }
        }
        long now = System.currentTimeMillis();
        if (root) {
            Configurator.setRootLevel(level);
            affected.add(ROOT);
        } else {
            changes.put(namespace, level);
            affected.add(namespace);
        }
        Configurator.setLevel(changes);
        affected.forEach(name -> lastModified.put(name, now));
        return affected;
    }

    private static LoggerContext context() {
        if (LogManager.getContext(false) instanceof LoggerContext context) {
            return context;
        }
        throw new IllegalStateException("Logger levels can only be changed when Log4j 2 is the logging backend");
    }
}
