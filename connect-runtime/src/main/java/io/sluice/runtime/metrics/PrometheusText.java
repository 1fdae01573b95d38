package io.sluice.runtime.metrics;

import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Prometheus text exposition format 0.0.4 of the registry's groups. Names follow the usual JMX
 * exporter mapping: {@code kafka_connect_<group>_<attribute>} with dashes as underscores, tags as
 * labels ({@code kafka_connect_source_task_metrics_source_record_poll_total{connector="a",task="0"}}).
 * String attributes become a sample of 1 whose label carries the string
 * ({@code kafka_connect_connector_metrics_status{connector="a",status="running"} 1}).
 */
public final class PrometheusText {
    public static final String CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

    private PrometheusText() {
    }

    /** One family of samples: its HELP and TYPE lines, then its samples' lines as they are rendered. */
    private static final class Family {
        final StringBuilder text = new StringBuilder(256);

        Family(String name, String doc, MetricGroup.Kind kind) {
            text.append("# HELP ").append(name).append(' ').append(escapeHelp(doc)).append('\n')
                    .append("# TYPE ").append(name).append(' ')
                    .append(kind == MetricGroup.Kind.COUNTER ? "counter" : "gauge").append('\n');
        }
    }

    /**
     * The text of every group's metrics. What a line starts with (name and labels) is built once per group and
     * attribute ({@link MetricGroup#linePrefixes()}), not per rendering: a worker with a thousand connectors has
     * tens of thousands of lines, and a scrape only appends their values.
     */
    public static String render(List<MetricGroup> groups) {
        Map<String, Family> families = new TreeMap<>();
        Map<String, Family> byAttribute = new HashMap<>();
        groups.sort(Comparator.comparing(MetricGroup::tagText));
        int size = 0;
        for (MetricGroup group : groups) {
            String[] prefixes = group.linePrefixes();
            int i = 0;
            for (MetricGroup.Metric m : group.metrics().values()) {
                String prefix = prefixes[i++];
                Family family = byAttribute.computeIfAbsent(group.type() + '\u0000' + m.name(),
                        key -> families.computeIfAbsent(name(group.type(), m.name()), n -> new Family(n, m.doc(), m.kind())));
                Object value = group.value(m);
                if (m.kind() == MetricGroup.Kind.INFO) {
                    if (value != null) {
                        family.text.append(prefix).append(escapeLabel(String.valueOf(value))).append("\"} 1\n");
                    }
                } else {
                    family.text.append(prefix).append(number(value)).append('\n');
                }
            }
        }
        for (Family family : families.values()) {
            size += family.text.length();
        }
        StringBuilder out = new StringBuilder(size);
        families.values().forEach(family -> out.append(family.text));
        return out.toString();
    }

    /**
     * What every line of an attribute of a group starts with: {@code name{labels} } for a number, and for a
     * string {@code name{labels,attribute="} (its value and {@code "} 1} follow).
     */
    static String linePrefix(String type, MetricGroup.Metric metric, String labels) {
        StringBuilder prefix = new StringBuilder(name(type, metric.name()));
        if (metric.kind() == MetricGroup.Kind.INFO) {
            prefix.append('{').append(labels).append(labels.isEmpty() ? "" : ",").append(sanitize(metric.name()))
                    .append("=\"");
        } else {
            if (!labels.isEmpty()) {
                prefix.append('{').append(labels).append('}');
            }
            prefix.append(' ');
        }
        return prefix.toString();
    }

    /** Tags as Prometheus labels: connector="a",task="0". */
    static String labels(Map<String, String> tags) {
        StringBuilder labels = new StringBuilder();
        tags.forEach((k, v) -> label(labels, k, v));
        return labels.toString();
    }

    static String name(String group, String attribute) {
        return "kafka_connect_" + sanitize(group) + "_" + sanitize(attribute);
    }

    private static void label(StringBuilder labels, String key, String value) {
        if (labels.length() > 0) {
            labels.append(',');
        }
        labels.append(sanitize(key)).append("=\"").append(escapeLabel(value)).append('"');
    }

    static String sanitize(String s) {
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            b.append(c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9' || c == '_' ? c : '_');
        }
        if (b.length() == 0 || Character.isDigit(b.charAt(0))) {
            b.insert(0, '_');
        }
        return b.toString();
    }

    private static String number(Object value) {
        if (!(value instanceof Number n)) {
            return "NaN";
        }
        double d = n.doubleValue();
        if (Double.isNaN(d)) {
            return "NaN";
        }
        if (Double.isInfinite(d)) {
            return d > 0 ? "+Inf" : "-Inf";
        }
        if (d == Math.rint(d) && Math.abs(d) < 1e15) {
            return Long.toString((long) d);
        }
        return Double.toString(d);
    }

    private static String escapeLabel(String v) {
        return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
    }

    private static String escapeHelp(String v) {
        return v.replace("\\", "\\\\").replace("\n", "\\n");
    }
}
