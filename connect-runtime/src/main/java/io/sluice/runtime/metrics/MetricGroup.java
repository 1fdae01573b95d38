package io.sluice.runtime.metrics;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.DoubleSupplier;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.MalformedObjectNameException;
import javax.management.ObjectName;
import org.apache.kafka.common.utils.Sanitizer;

/**
 * One MBean's worth of metrics: Apache's group ("source-task-metrics") and tags ("connector",
 * "task"), each attribute a name, a description and a function read on demand. Built fully, then
 * registered with {@link MetricsRegistry#register}; the JMX bean and the Prometheus text read the
 * same functions.
 */
public final class MetricGroup {
    /** What kind of figure an attribute is, for Prometheus' TYPE line (JMX shows all as read-only values). */
    public enum Kind { COUNTER, GAUGE, INFO }

    /** One attribute: numeric values are Doubles, as Apache's JmxReporter shows them; INFO values are Strings. */
    public record Metric(String name, String doc, Kind kind, Supplier<Object> value) {
    }

    private final MetricsRegistry registry;
    private final String type;
    private final Map<String, String> tags;
    private final Map<String, Metric> metrics = new LinkedHashMap<>();
    private final List<Sampled> sampled = new ArrayList<>();
    /** The tags as text, built once: the order of groups in GET /metrics, and their labels there. */
    private final String tagText;
    private volatile String[] linePrefixes;

    MetricGroup(MetricsRegistry registry, String type, Map<String, String> tags) {
        this.registry = registry;
        this.type = type;
        this.tags = Collections.unmodifiableMap(new LinkedHashMap<>(tags));
        this.tagText = this.tags.toString();
    }

    /** The tags as text ({connector=a, task=0}), for ordering groups. */
    String tagText() {
        return tagText;
    }

    /** How each attribute's Prometheus line starts, in attribute order; built once, the group being complete. */
    String[] linePrefixes() {
        String[] prefixes = linePrefixes;
        if (prefixes == null || prefixes.length != metrics.size()) {
            String labels = PrometheusText.labels(tags);
            prefixes = metrics.values().stream().map(m -> PrometheusText.linePrefix(type, m, labels))
                    .toArray(String[]::new);
            linePrefixes = prefixes;
        }
        return prefixes;
    }

    public String type() {
        return type;
    }

    public Map<String, String> tags() {
        return tags;
    }

    public Map<String, Metric> metrics() {
        return Collections.unmodifiableMap(metrics);
    }

    List<Sampled> sampled() {
        return sampled;
    }

    /** Apache's MBean name: {@code kafka.connect:type=<group>,<tag>=<value>...}, values quoted only when they must be. */
    public ObjectName objectName() {
        StringBuilder name = new StringBuilder(MetricsRegistry.JMX_DOMAIN).append(":type=").append(type);
        tags.forEach((k, v) -> name.append(',').append(k).append('=').append(Sanitizer.jmxSanitize(v)));
        try {
            return new ObjectName(name.toString());
        } catch (MalformedObjectNameException e) {
            throw new IllegalArgumentException("Bad metric name " + name, e);
        }
    }

    /** A total that only grows (Prometheus counter). */
    public MetricGroup counter(String name, String doc, LongSupplier value) {
        return add(new Metric(name, doc, Kind.COUNTER, () -> (double) value.getAsLong()));
    }

    /** A level, a ratio, a rate or an average. */
    public MetricGroup gauge(String name, String doc, DoubleSupplier value) {
        return add(new Metric(name, doc, Kind.GAUGE, value::getAsDouble));
    }

    /** A string (status, class name, version). */
    public MetricGroup info(String name, String doc, Supplier<String> value) {
        return add(new Metric(name, doc, Kind.INFO, () -> value.get()));
    }

    /** The windowed per-second rate of a total, as an attribute. */
    public Rate rate(String name, String doc, LongSupplier total) {
        Rate rate = new Rate(total, registry.slots(), registry.now());
        sampled.add(rate);
        gauge(name, doc, () -> rate.perSecond(registry.now(), registry.windowMs()));
        return rate;
    }

    /** A windowed average and maximum of recorded values, as two attributes (either name may be null). */
    public Stat stat(String avgName, String avgDoc, String maxName, String maxDoc) {
        Stat stat = new Stat(registry.slots(), registry.now());
        sampled.add(stat);
        if (avgName != null) {
            gauge(avgName, avgDoc, () -> stat.avg(registry.now(), registry.windowMs()));
        }
        if (maxName != null) {
            gauge(maxName, maxDoc, () -> stat.max(registry.now(), registry.windowMs()));
        }
        return stat;
    }

    /** A level with its windowed average and maximum, as three attributes. */
    public GaugeStat gaugeStat(String name, String doc, String avgName, String avgDoc, String maxName, String maxDoc,
                               LongSupplier level) {
        GaugeStat stat = new GaugeStat(level, registry.slots());
        sampled.add(stat);
        gauge(name, doc, () -> (double) level.getAsLong());
        gauge(avgName, avgDoc, () -> stat.avg(registry.now(), registry.windowMs()));
        gauge(maxName, maxDoc, () -> stat.max(registry.now(), registry.windowMs()));
        return stat;
    }

    private MetricGroup add(Metric metric) {
        if (metrics.putIfAbsent(metric.name(), metric) != null) {
            throw new IllegalArgumentException("Metric " + metric.name() + " already in group " + type);
        }
        return this;
    }

    /** The current value of one attribute; a function that throws reads as NaN (numbers) or null. */
    public Object value(Metric metric) {
        try {
            return metric.value().get();
        } catch (RuntimeException e) {
            return metric.kind() == Kind.INFO ? null : Double.NaN;
        }
    }

    @Override
    public String toString() {
        return objectName().toString();
    }
}
