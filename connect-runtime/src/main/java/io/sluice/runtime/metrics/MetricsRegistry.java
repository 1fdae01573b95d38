package io.sluice.runtime.metrics;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongConsumer;
import javax.management.InstanceAlreadyExistsException;
import javax.management.MBeanServer;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The worker's metric groups: each is registered as an MBean in the platform MBean server under
 * Apache's names and rendered as Prometheus text from the same functions. One daemon thread notes
 * every rate's and statistic's history once a second; nothing here runs on a task's thread.
 */
public final class MetricsRegistry implements AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(MetricsRegistry.class);
    static final String JMX_DOMAIN = "kafka.connect";
    /** The history every rate keeps covers at least this (the REST status' "last minute"). */
    public static final long LIVE_WINDOW_MS = 60_000L;
    /** The short window of the REST status and the console: long enough to smooth a second's jitter, short enough to see a burst. */
    public static final long RECENT_WINDOW_MS = 5_000L;
    static final long SAMPLE_INTERVAL_MS = 1_000L;

    private final long windowMs;
    private final int slots;
    private final boolean jmx;
    private final MBeanServer server;
    private final Map<MetricGroup, ObjectName> registered = new ConcurrentHashMap<>();
    private final List<LongConsumer> tickListeners = new CopyOnWriteArrayList<>();
    private final ScheduledExecutorService sampler;
    private final Object rendering = new Object();
    /** The Prometheus text of the last rendering, when it was rendered, and when it was last asked for. */
    private volatile byte[] text;
    private volatile long textAtMs;
    private volatile long textAskedAtMs = Long.MIN_VALUE / 2;

    /**
     * @param windowMs the window of rates, averages and maxima shown by JMX and Prometheus
     *                 (Apache's metrics.sample.window.ms x metrics.num.samples)
     * @param jmx      whether to register MBeans in the platform MBean server
     */
    public MetricsRegistry(long windowMs, boolean jmx) {
        this.windowMs = Math.max(SAMPLE_INTERVAL_MS, windowMs);
        this.slots = (int) (Math.max(this.windowMs, LIVE_WINDOW_MS) / SAMPLE_INTERVAL_MS) + 2;
        this.jmx = jmx;
        this.server = jmx ? ManagementFactory.getPlatformMBeanServer() : null;
        ScheduledThreadPoolExecutor executor = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "sluice-metrics-sampler");
            t.setDaemon(true);
            return t;
        });
        executor.setRemoveOnCancelPolicy(true);
        this.sampler = executor;
        sampler.scheduleAtFixedRate(this::tick, SAMPLE_INTERVAL_MS, SAMPLE_INTERVAL_MS, TimeUnit.MILLISECONDS);
    }

    public long windowMs() {
        return windowMs;
    }

    int slots() {
        return slots;
    }

    public long now() {
        return System.currentTimeMillis();
    }

    /** A new, empty, unregistered group; tags are name/value pairs in Apache's order. */
    public MetricGroup group(String type, String... tags) {
        Map<String, String> map = new LinkedHashMap<>();
        for (int i = 0; i + 1 < tags.length; i += 2) {
            map.put(tags[i], tags[i + 1]);
        }
        return new MetricGroup(this, type, map);
    }

    /** Starts sampling the group and registers its MBean (skipped, with a debug line, if another worker in this JVM holds the name). */
    public void register(MetricGroup group) {
        ObjectName name = group.objectName();
        registered.put(group, name);
        if (!jmx) {
            return;
        }
        try {
            server.registerMBean(new GroupMBean(group), name);
        } catch (InstanceAlreadyExistsException e) {
            log.debug("MBean {} is already registered (another worker in this JVM); not registering it again", name);
            registered.put(group, NOT_IN_JMX);
        } catch (Exception e) {
            log.warn("Could not register MBean {}", name, e);
            registered.put(group, NOT_IN_JMX);
        }
    }

    private static final ObjectName NOT_IN_JMX;

    static {
        try {
            NOT_IN_JMX = new ObjectName(JMX_DOMAIN + ":type=none");
        } catch (Exception e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    public void unregister(MetricGroup group) {
        if (group == null) {
            return;
        }
        ObjectName name = registered.remove(group);
        if (name == null || name == NOT_IN_JMX || !jmx) {
            return;
        }
        try {
            server.unregisterMBean(name);
        } catch (Exception e) {
            log.debug("Could not unregister MBean {}", name, e);
        }
    }

    /** Every registered group, in no particular order. */
    public List<MetricGroup> groups() {
        return new ArrayList<>(registered.keySet());
    }

    /**
     * Every group's metrics as Prometheus text (UTF-8), at most about a second old. While someone reads it (a scrape in the
     * last minute) the sampler thread renders it after each second's sampling, so a read only copies it out: with a
     * thousand connectors the text has tens of thousands of lines, and a scrape must not wait for them.
     */
    public byte[] prometheusText() {
        long now = now();
        textAskedAtMs = now;
        byte[] current = text;
        if (current != null && now - textAtMs <= SAMPLE_INTERVAL_MS + SAMPLE_INTERVAL_MS / 2) {
            return current;
        }
        return render(now);
    }

    private byte[] render(long now) {
        synchronized (rendering) {
            if (text == null || now - textAtMs > SAMPLE_INTERVAL_MS / 2) {
                // encoded once, here: a read then writes the bytes as they are
                text = PrometheusText.render(groups()).getBytes(java.nio.charset.StandardCharsets.UTF_8);
                textAtMs = now;
            }
            return text;
        }
    }

    /** Runs on the sampler thread once a second, after the groups were sampled. */
    public void onTick(LongConsumer listener) {
        tickListeners.add(listener);
    }

    private void tick() {
        long now = now();
        try {
            for (MetricGroup group : registered.keySet()) {
                for (Sampled s : group.sampled()) {
                    s.sample(now);
                }
            }
            for (LongConsumer listener : tickListeners) {
                listener.accept(now);
            }
            if (now - textAskedAtMs < LIVE_WINDOW_MS) {
                render(now);
            } else {
                text = null; // nobody reads it: no need to keep tens of thousands of lines
            }
        } catch (Throwable t) {
            log.warn("Metrics sampling failed", t);
        }
    }

    @Override
    public void close() {
        sampler.shutdownNow();
        for (MetricGroup group : new ArrayList<>(registered.keySet())) {
            unregister(group);
        }
    }
}
